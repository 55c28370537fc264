import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';

/** @internal */
export interface RegionalApiDomainProps {
  /** `api.<domain>`: the name viewers use, which the front door forwards as the Host. */
  readonly apiDomainName: string;
  /** The Region's certificate for `<domain>` and `*.<domain>`. */
  readonly certificate: acm.ICertificate;
  readonly httpApi: apigwv2.IHttpApi;
  readonly stage: apigwv2.IHttpStage;
}

/**
 * The central HTTP API of one Region of a platform with several (ADR 15) under the name
 * `api.<domain>` (an API Gateway Regional custom domain, TLS 1.2, no charge; no DNS record: the
 * front door keeps `api.<domain>`), mapped to the `$default` stage (ids `ApiDomain`,
 * `ApiDomainMapping`). The front door then forwards the viewer's Host, which its router needs:
 * CloudFront adds the viewer's latitude and longitude only with a policy that forwards every
 * CloudFront header, and such managed policies forward Host too, which the `execute-api` name
 * refuses. Returns the domain's Regional host name, the front door's origin for the Region.
 * @internal
 */
export function regionalApiDomain(scope: Construct, props: RegionalApiDomainProps): string {
  const domain = new apigwv2.DomainName(scope, 'ApiDomain', {
    domainName: props.apiDomainName,
    certificate: props.certificate,
    securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
  });
  new apigwv2.ApiMapping(scope, 'ApiDomainMapping', {
    api: props.httpApi,
    domainName: domain,
    stage: props.stage,
  });
  return domain.regionalDomainName;
}
