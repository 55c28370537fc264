import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { authorizerCode, ORIGIN_VERIFY_HEADER } from './origin-check';
import { platformPath } from '../../contract/names';
import { IGlobalPlatform } from '../../contract/platform';
import { addNagSuppressions, NODE_RUNTIME_SUPPRESSION } from '../../core/nag';

/** @internal */
export interface AuthorizerFunctionProps {
  readonly secret: secretsmanager.ISecret;
  readonly description: string;
  readonly logRetention: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  /** @default - a generated name */
  readonly logGroupName?: string;
  /** @default RemovalPolicy.DESTROY */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A small Lambda function that authorizes HTTP API requests (see `origin-check.ts`): its own
 * role may write its own log group and read the front door's secret, nothing else.
 * @internal
 */
export class AuthorizerFunction extends Construct {
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
    }));
    // The secret's current and previous versions (GetSecretValue with VersionStage).
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [props.secret.secretArn],
    }));
    this.handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromInline(authorizerCode()),
      environment: { SECRET_ARN: props.secret.secretArn, ...props.environment },
      memorySize: 128,
      // Reading the secret and, for a JWT check, the issuer's keys on a cold start.
      timeout: Duration.seconds(10),
      role,
      logGroup,
      description: props.description,
    });
    addNagSuppressions(this.handler, [NODE_RUNTIME_SUPPRESSION]);
    addNagSuppressions(role, [{
      id: 'AwsSolutions-IAM5',
      reason: 'log streams of the function\'s own log group are created at run time with generated names',
      appliesTo: [`Resource::<${Stack.of(this).getLogicalId(logGroup.node.defaultChild as CfnResource)}.Arn>:log-stream:*`],
    }], true);
  }
}

/** @internal */
export interface FrontDoorOriginCheckProps {
  readonly platformName: string;
  readonly httpApi: apigwv2.IHttpApi;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What keeps direct callers off the HTTP API's public `execute-api` URL: a generated secret
 * that CloudFront sends as `x-origin-verify`, and the function that checks it for every route
 * of every service (the platform lets API Gateway call it for any authorizer of its API).
 *
 * Cost: the secret $0.40 a month; the function runs about every 5 minutes per service and
 * header value (API Gateway caches its answer), inside Lambda's free tier.
 *
 * @internal
 */
export class FrontDoorOriginCheck extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: FrontDoorOriginCheckProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `${props.platformName}: the value CloudFront sends to the central API in ${ORIGIN_VERIFY_HEADER}`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
    });
    addNagSuppressions(this.secret, [{
      id: 'AwsSolutions-SMG4',
      reason: 'rotating the origin secret needs a platform deploy (CloudFront reads it at deploy time); the README\'s "Rotating the origin secret" gives the steps',
    }]);
    const check = new AuthorizerFunction(this, 'Function', {
      secret: this.secret,
      description: `${props.platformName}: refuses requests that did not come through the front door`,
      logRetention: props.logRetention,
      logGroupName: `${platformPath(props.platformName)}/origin-check`,
      removalPolicy: props.removalPolicy,
    });
    this.function = check.handler;
    this.function.addPermission('ApiGatewayInvoke', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this).formatArn({
        service: 'execute-api',
        resource: props.httpApi.apiId,
        resourceName: 'authorizers/*',
      }),
    });
  }
}

/** The invocation URI of a Lambda authorizer. */
function authorizerUri(scope: Construct, fn: lambda.IFunction): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`;
}

/**
 * The origin-check authorizer for a service's routes (in `scope`, the service's routes, like
 * the JWT authorizer), or undefined when the platform has no origin check. API Gateway caches
 * its answer for 5 minutes per header value, and answers 401 without calling the function when
 * the header is missing.
 * @internal
 */
export function originAuthorizer(scope: Construct, platform: IGlobalPlatform, serviceName: string): apigwv2.IHttpRouteAuthorizer | undefined {
  // Only the platform's function is used: on an imported platform, reading originSecret would
  // declare its SSM parameter in a template that never references it (cfn-lint W2001).
  const fn = platform.originAuthorizerFunction;
  if (!fn) return undefined;
  const authorizer = new apigwv2.HttpAuthorizer(scope, 'OriginAuthorizer', {
    httpApi: platform.httpApi,
    type: apigwv2.HttpAuthorizerType.LAMBDA,
    identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`],
    authorizerUri: authorizerUri(scope, fn),
    enableSimpleResponses: true,
    payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
    resultsCacheTtl: Duration.minutes(5),
    authorizerName: `${serviceName}-origin`,
  });
  return { bind: () => ({ authorizerId: authorizer.authorizerId, authorizationType: 'CUSTOM' }) };
}

/** @internal */
export interface JwtOriginAuthorizerOptions {
  readonly serviceName: string;
  readonly issuer: string;
  readonly audience: string[];
  readonly jwksUri?: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The authorizer of a service with `jwtIssuer` on a platform with an origin check: one
 * function of the service's own checks the origin header and then the token as API Gateway's
 * JWT authorizer would (a route has one authorizer). It is called for every request (no
 * cache), so that an expired token is refused at once, as the JWT authorizer refuses it.
 *
 * Cost: $0.20 per million requests plus about 1 ms of 128 MB each (Lambda's free tier covers a
 * million a month), and a few milliseconds of latency on a warm function.
 * @internal
 */
export function jwtOriginAuthorizer(scope: Construct, platform: IGlobalPlatform,
  options: JwtOriginAuthorizerOptions): apigwv2.IHttpRouteAuthorizer | undefined {
  const secret = platform.originSecret;
  if (!secret || !platform.originAuthorizerFunction) return undefined;
  const fn = new AuthorizerFunction(scope, 'JwtOriginCheck', {
    secret,
    description: `${options.serviceName}: checks the front door header and the JWT of ${options.issuer}`,
    logRetention: options.logRetention,
    environment: {
      JWT_ISSUER: options.issuer,
      JWT_AUDIENCE: JSON.stringify(options.audience),
      ...(options.jwksUri ? { JWT_JWKS_URI: options.jwksUri } : {}),
    },
  }).handler;
  const authorizer = new apigwv2.HttpAuthorizer(scope, 'JwtOriginAuthorizer', {
    httpApi: platform.httpApi,
    type: apigwv2.HttpAuthorizerType.LAMBDA,
    identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`, '$request.header.Authorization'],
    authorizerUri: authorizerUri(scope, fn),
    enableSimpleResponses: true,
    payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
    resultsCacheTtl: Duration.seconds(0),
    authorizerName: `${options.serviceName}-jwt-origin`,
  });
  fn.addPermission('ApiGatewayInvoke', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: Stack.of(scope).formatArn({
      service: 'execute-api',
      resource: platform.httpApi.apiId,
      resourceName: `authorizers/${authorizer.authorizerId}`,
    }),
  });
  return { bind: () => ({ authorizerId: authorizer.authorizerId, authorizationType: 'CUSTOM' }) };
}
