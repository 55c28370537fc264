import { CfnResource, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CorsPolicy, respondToPreflight } from '../../contract/cors-policy';
import { PropError } from '../../core/errors';
import { addNagSuppressions, NODE_RUNTIME_SUPPRESSION } from '../../core/nag';
import { ServiceCorsOptions } from '../service-cors';

export type { CorsPolicy, PreflightEvent, PreflightResult } from '../../contract/cors-policy';
export { respondToPreflight } from '../../contract/cors-policy';

/** @internal */
export function corsPolicy(options: ServiceCorsOptions): CorsPolicy {
  return {
    allowOrigins: options.allowOrigins,
    allowMethods: options.allowMethods ?? [
      apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST, apigwv2.CorsHttpMethod.PUT,
      apigwv2.CorsHttpMethod.PATCH, apigwv2.CorsHttpMethod.DELETE,
    ],
    allowHeaders: options.allowHeaders ?? ['content-type', 'authorization'],
    allowCredentials: options.allowCredentials ?? false,
    maxAgeSeconds: (options.maxAge ?? Duration.minutes(10)).toSeconds(),
  };
}

/** @internal */
export interface CorsPreflightProps {
  readonly httpApi: apigwv2.IHttpApi;
  readonly basePath: string;
  readonly policy: CorsPolicy;
  readonly logRetention: logs.RetentionDays;
  /** The platform's origin check; undefined: the preflight routes have no authorizer. */
  readonly originAuthorizer?: apigwv2.IHttpRouteAuthorizer;
}

/**
 * `OPTIONS <base>` and `OPTIONS <base>/{proxy+}` routes answered by a small Lambda function
 * (no token check: only the front door's origin check), so that preflights never reach the
 * backend.
 *
 * Cost: Lambda's free tier covers millions of preflights a month.
 *
 * @internal
 */
export class CorsPreflight extends Construct {
  public readonly handler: lambda.Function;
  public readonly routes: apigwv2.HttpRoute[];

  constructor(scope: Construct, id: string, props: CorsPreflightProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role: only writing to its own log group (no AWS managed policy).
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `answers CORS preflights for ${props.basePath}`,
    });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
    }));
    this.handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline([
        `const respond = ${respondToPreflight.toString()};`,
        'const policy = JSON.parse(process.env.CORS_POLICY);',
        'exports.handler = async (event) => respond(event, policy);',
      ].join('\n')),
      environment: { CORS_POLICY: JSON.stringify(props.policy) },
      memorySize: 128,
      timeout: Duration.seconds(3),
      role,
      logGroup,
      description: `CORS preflight responder for ${props.basePath} on ${Stack.of(this).stackName}`,
    });

    const integration = new integrations.HttpLambdaIntegration('Integration', this.handler);
    this.routes = [props.basePath, `${props.basePath}/{proxy+}`].map((path, i) => new apigwv2.HttpRoute(this, i === 0 ? 'BaseRoute' : 'ProxyRoute', {
      httpApi: props.httpApi,
      routeKey: apigwv2.HttpRouteKey.with(path, apigwv2.HttpMethod.OPTIONS),
      integration,
      // Preflights carry no credentials, but CloudFront adds its origin header to them too.
      authorizer: props.originAuthorizer ?? new apigwv2.HttpNoneAuthorizer(),
    }));
    if (!props.originAuthorizer) {
      for (const route of this.routes) {
        addNagSuppressions(route, [{
          id: 'AwsSolutions-APIG4',
          reason: 'CORS preflight (OPTIONS) requests carry no credentials by browser design; an authorizer would make every preflight fail',
        }]);
      }
    }
    addNagSuppressions(this.handler, [NODE_RUNTIME_SUPPRESSION]);
    addNagSuppressions(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'log streams of the function\'s own log group are created at run time with generated names',
      appliesTo: [`Resource::<${Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnResource)}.Arn>:log-stream:*`],
    }], true);
  }
}

/** What `cors.allowMethods` may hold. */
const CORS_METHODS: string[] = Object.values(apigwv2.CorsHttpMethod);

/** The CORS options, checked beside the construct that applies them. @internal */
export function validateCorsOptions(scope: Construct, cors: ServiceCorsOptions): void {
  if (cors.allowOrigins.length === 0) {
    throw new PropError(scope, 'cors.allowOrigins', [], 'at least one origin, such as "https://jessica.georgi.io", or "*"');
  }
  for (const origin of cors.allowOrigins) {
    if (Token.isUnresolved(origin)) continue;
    if (origin !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
      throw new PropError(scope, 'cors.allowOrigins', origin, 'expected "*" or a scheme and host such as "https://jessica.georgi.io" (no path, no trailing slash)');
    }
  }
  // The type admits only CorsHttpMethod values; this guards plain JavaScript callers.
  for (const method of cors.allowMethods ?? []) {
    if (!Token.isUnresolved(method) && !(CORS_METHODS as string[]).includes(method)) {
      throw new PropError(scope, 'cors.allowMethods', method, `expected "*" or upper-case methods among ${CORS_METHODS.slice(1).join(', ')}`);
    }
  }
  if (cors.allowMethods !== undefined && cors.allowMethods.length === 0) {
    throw new PropError(scope, 'cors.allowMethods', [], 'at least one method, or leave it out for the default');
  }
  for (const header of cors.allowHeaders ?? []) {
    // An HTTP header name is a "token" (RFC 9110): no spaces, colons or other separators.
    if (!Token.isUnresolved(header) && header !== '*' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
      throw new PropError(scope, 'cors.allowHeaders', header, 'expected "*" or header names such as "content-type" (letters, digits and -, no spaces or colons)');
    }
  }
  if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
    throw new PropError(scope, 'cors.allowOrigins', '*', 'browsers refuse "*" with allowCredentials: list the origins');
  }
  const maxAge = cors.maxAge;
  if (maxAge && !maxAge.isUnresolved() && maxAge.toSeconds() > 7200) {
    throw new PropError(scope, 'cors.maxAge', maxAge, 'at most 2 hours (browsers cap it anyway)');
  }
}
