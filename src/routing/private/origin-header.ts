import { Annotations, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { IConstruct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from './origin-check';

/** The request parameter that drops the front door's secret header before the backend. @internal */
export const REMOVE_ORIGIN_HEADER = `remove:header.${ORIGIN_VERIFY_HEADER}`;

/**
 * Removes `x-origin-verify` from every request that an HTTP integration below `scope` sends to
 * its backend (HTTP API parameter mapping, `remove:header.<name>`), whatever `ApiTarget` made
 * the integration: only the platform's check functions ever see the secret. Lambda proxy
 * integrations (`AWS_PROXY`) take no request mapping: a Lambda target receives the header and
 * must not log or forward it (documented on `ApiTarget.lambdaFunction`).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html
 * @internal
 */
export function removeOriginHeader(scope: IConstruct): void {
  for (const node of scope.node.findAll()) {
    if (!(node instanceof apigwv2.CfnIntegration) || node.integrationType !== apigwv2.HttpIntegrationType.HTTP_PROXY) continue;
    const existing = node.requestParameters;
    if (Token.isUnresolved(existing)) {
      Annotations.of(node).addWarningV2('@georgi-io/platform-constructs:originHeaderNotRemoved',
        `the request parameters of this integration are a deploy-time value: add "${REMOVE_ORIGIN_HEADER}": "" yourself,`
        + ' or the backend receives the front door\'s secret header');
      continue;
    }
    node.requestParameters = { ...(existing as Record<string, string> | undefined), [REMOVE_ORIGIN_HEADER]: '' };
  }
}
