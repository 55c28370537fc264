import { CustomResource, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { authorizerCode, ORIGIN_VERIFY_HEADER } from './origin-check';
import { DEFAULT_ORIGIN_SECRET_STAGE, stageHandlerCode } from './origin-secret-stage';
import { platformPath } from '../../contract/names';
import { createInlineFunction } from '../../core/inline-function';
import { addNagSuppressions } from '../../core/nag';

/** @internal */
export interface AuthorizerFunctionProps {
  /** The secret it reads (`SECRET_ARN`). @default - none: `statements` and `environment` say how it finds one */
  readonly secret?: secretsmanager.ISecret;
  readonly description: string;
  readonly logRetention: logs.RetentionDays;
  readonly environment?: Record<string, string>;
  /** @default - the authorizer code of `origin-check.ts` */
  readonly code?: string;
  /** What else the function may do. @default - nothing else */
  readonly statements?: iam.PolicyStatement[];
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
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
    const { handler, role } = createInlineFunction(this, {
      code: props.code ?? authorizerCode(),
      description: props.description,
      logGroupId: 'LogGroup',
      logGroupName: props.logGroupName,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      environment: { ...props.secret ? { SECRET_ARN: props.secret.secretArn } : {}, ...props.environment },
      // Reading the secret and, for a JWT check, the issuer's keys on a cold start.
      timeout: props.timeout ?? Duration.seconds(10),
    });
    // The secret's versions the check accepts (GetSecretValue with VersionStage); the label
    // function (code of its own) never reads a value.
    if (props.code === undefined && props.secret) {
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.secret.secretArn],
      }));
    }
    for (const statement of props.statements ?? []) role.addToPolicy(statement);
    this.handler = handler;
  }
}

/** The tag of the origin secret (and its replicas) when the platform has additional Regions. @internal */
export const ORIGIN_SECRET_TAG = 'platform-origin-secret';

/** @internal */
export interface FrontDoorOriginCheckProps {
  readonly platformName: string;
  readonly httpApi: apigwv2.IHttpApi;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Regions the secret is replicated to (`additionalRegions`). @default - none */
  readonly replicaRegions?: string[];
  /** The staging label the front door is deployed with. @default DEFAULT_ORIGIN_SECRET_STAGE */
  readonly originSecretRotation?: string;
}

/**
 * What keeps direct callers off the HTTP API's public `execute-api` URL: a generated secret
 * that CloudFront sends as `x-origin-verify`, and the platform's two authorizers that check it
 * for the routes of every service (an HTTP API holds at most 10 authorizers, so services share
 * these instead of adding their own):
 * - `originAuthorizer`: the header only, cached 5 minutes per header value;
 * - `jwtOriginAuthorizer`: the header, then the bearer token against the issuer and audiences
 *   that the route's service publishes under `<prefix>/jwt/<service>`; not cached.
 *
 * The `stage` resource makes sure the staging label that CloudFront's reference names exists
 * before the distribution reads it, and tells both checks which labels to accept (see
 * `origin-secret-stage.ts`).
 *
 * Cost: the secret $0.40 a month; the origin check runs about every 5 minutes per header value
 * (API Gateway caches its answer), inside Lambda's free tier; the JWT check on every request of
 * a JWT service ($0.20 per million); the label function once per deploy that changes the label.
 *
 * @internal
 */
export class FrontDoorOriginCheck extends Construct {
  public readonly secret: secretsmanager.Secret;
  public readonly function: lambda.Function;
  /** The label the distribution's reference names. */
  public readonly stage: string;
  /** The resource that attaches `stage` to a version; the distribution depends on it. */
  public readonly stageResource: CustomResource;
  public readonly originAuthorizer: apigwv2.HttpAuthorizer;
  public readonly jwtOriginAuthorizer: apigwv2.HttpAuthorizer;
  /** The SSM path under which services publish their JWT configurations. */
  public readonly jwtConfigPath: string;

  constructor(scope: Construct, id: string, props: FrontDoorOriginCheckProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `${props.platformName}: the value CloudFront sends to the central API in ${ORIGIN_VERIFY_HEADER}`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy,
      // Each additional Region's checks read a replica ($0.40 a month each), kept in step by
      // Secrets Manager with the value, its versions and its tags.
      replicaRegions: props.replicaRegions?.map(region => ({ region })),
    });
    // The additional Regions' checks may read the replica carrying this tag (replicas keep the
    // primary's tags), and no other secret: the platform tag is on every service's secrets too.
    if (props.replicaRegions?.length) Tags.of(this.secret).add(ORIGIN_SECRET_TAG, props.platformName);
    addNagSuppressions(this.secret, [{
      id: 'AwsSolutions-SMG4',
      reason: 'rotating the origin secret needs a platform deploy (CloudFront reads it at deploy time); the README\'s "Rotating the origin secret" gives the steps',
    }]);

    // ------------------------------------------------------------- the label CloudFront reads
    this.stage = props.originSecretRotation ?? DEFAULT_ORIGIN_SECRET_STAGE;
    const stageFunction = new AuthorizerFunction(this, 'StageFunction', {
      secret: this.secret,
      code: stageHandlerCode(),
      // Listing and labelling a few versions takes well under a second; room for retries of the SDK.
      timeout: Duration.seconds(60),
      description: `${props.platformName}: attaches the front door's staging label to the origin secret`,
      logRetention: props.logRetention,
      logGroupName: `${platformPath(props.platformName)}/origin-secret-stage`,
      removalPolicy: props.removalPolicy,
      statements: [new iam.PolicyStatement({
        actions: ['secretsmanager:ListSecretVersionIds', 'secretsmanager:UpdateSecretVersionStage'],
        resources: [this.secret.secretArn],
      })],
    }).handler;
    this.stageResource = new CustomResource(this, 'Stage', {
      serviceToken: stageFunction.functionArn,
      // A function that never answers (killed, timed out) fails the deploy after 5 minutes, not an hour.
      serviceTimeout: Duration.minutes(5),
      resourceType: 'Custom::OriginSecretStage',
      properties: { SecretId: this.secret.secretArn, Stage: this.stage },
    });
    const acceptedStages = this.stageResource.getAttString('Accepted');

    const authorizers = createOriginAuthorizers(this, {
      platformName: props.platformName,
      httpApi: props.httpApi,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      secret: this.secret,
      environment: { ACCEPTED_STAGES: acceptedStages },
    });
    this.function = authorizers.function;
    this.originAuthorizer = authorizers.originAuthorizer;
    this.jwtOriginAuthorizer = authorizers.jwtOriginAuthorizer;
    this.jwtConfigPath = authorizers.jwtConfigPath;
  }
}

/** @internal */
export interface OriginAuthorizersProps {
  readonly platformName: string;
  readonly httpApi: apigwv2.IHttpApi;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The secret the checks read. @default - none: `code`, `statements` and `environment` say how they find it */
  readonly secret?: secretsmanager.ISecret;
  /** @default - the authorizer code of `origin-check.ts` */
  readonly code?: string;
  /** What else both functions may do. @default - nothing else */
  readonly statements?: iam.PolicyStatement[];
  readonly environment: Record<string, string>;
}

/** @internal */
export interface OriginAuthorizers {
  readonly function: lambda.Function;
  readonly jwtFunction: lambda.Function;
  readonly originAuthorizer: apigwv2.HttpAuthorizer;
  readonly jwtOriginAuthorizer: apigwv2.HttpAuthorizer;
  readonly jwtConfigPath: string;
}

/**
 * The platform's two authorizers of an HTTP API (see `FrontDoorOriginCheck`), in `scope` with
 * the ids `Function`, `Authorizer`, `JwtFunction` and `JwtAuthorizer`: the primary Region's, and
 * each additional Region's (ADR 15).
 * @internal
 */
export function createOriginAuthorizers(scope: Construct, props: OriginAuthorizersProps): OriginAuthorizers {
  const stack = Stack.of(scope);
  // -------------------------------------------------------------------- the origin check
  const check = new AuthorizerFunction(scope, 'Function', {
    secret: props.secret,
    code: props.code,
    statements: [...props.statements ?? []],
    description: `${props.platformName}: refuses requests that did not come through the front door`,
    logRetention: props.logRetention,
    logGroupName: `${platformPath(props.platformName)}/origin-check`,
    removalPolicy: props.removalPolicy,
    environment: props.environment,
  });
  const fn = check.handler;
  fn.addPermission('ApiGatewayInvoke', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: stack.formatArn({
      service: 'execute-api',
      resource: props.httpApi.apiId,
      resourceName: 'authorizers/*',
    }),
  });
  // API Gateway answers 401 without calling the function when the header is missing.
  const originAuthorizer = new apigwv2.HttpAuthorizer(scope, 'Authorizer', {
    httpApi: props.httpApi,
    type: apigwv2.HttpAuthorizerType.LAMBDA,
    identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`],
    authorizerUri: authorizerUri(scope, fn),
    enableSimpleResponses: true,
    payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
    resultsCacheTtl: Duration.minutes(5),
    authorizerName: 'origin',
  });

  // ----------------------------------------------------------- the origin and token check
  const jwtConfigPath = `${platformPath(props.platformName)}/jwt`;
  const jwtFunction = new AuthorizerFunction(scope, 'JwtFunction', {
    secret: props.secret,
    code: props.code,
    description: `${props.platformName}: checks the front door header and the JWT of the route's service`,
    logRetention: props.logRetention,
    logGroupName: `${platformPath(props.platformName)}/jwt-origin-check`,
    removalPolicy: props.removalPolicy,
    environment: { ...props.environment, CHECK_JWT: 'true', JWT_CONFIG_PATH: jwtConfigPath },
    // GetParametersByPath is authorized against the path it is asked for.
    statements: [...props.statements ?? [], new iam.PolicyStatement({
      actions: ['ssm:GetParametersByPath'],
      resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: jwtConfigPath.slice(1) })],
    })],
  }).handler;
  const jwtOriginAuthorizer = new apigwv2.HttpAuthorizer(scope, 'JwtAuthorizer', {
    httpApi: props.httpApi,
    type: apigwv2.HttpAuthorizerType.LAMBDA,
    identitySource: [`$request.header.${ORIGIN_VERIFY_HEADER}`, '$request.header.Authorization'],
    authorizerUri: authorizerUri(scope, jwtFunction),
    enableSimpleResponses: true,
    payloadFormatVersion: apigwv2.AuthorizerPayloadVersion.VERSION_2_0,
    // Never cached: the cache key is the identity sources only, not the route, so a cached
    // answer for one service's issuer would let the token through to another's routes.
    resultsCacheTtl: Duration.seconds(0),
    authorizerName: 'jwt-origin',
  });
  jwtFunction.addPermission('ApiGatewayInvoke', {
    principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: stack.formatArn({
      service: 'execute-api',
      resource: props.httpApi.apiId,
      resourceName: `authorizers/${jwtOriginAuthorizer.authorizerId}`,
    }),
  });
  return { function: fn, jwtFunction, originAuthorizer, jwtOriginAuthorizer, jwtConfigPath };
}

/** The invocation URI of a Lambda authorizer. */
function authorizerUri(scope: Construct, fn: lambda.IFunction): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`;
}

/**
 * A Lambda authorizer of the platform's API, by its id, as a route authorizer (`HttpAuthorizer`
 * itself is not one): the platform's own, and an imported platform's read from SSM.
 * @internal
 */
export function routeAuthorizer(authorizerId: string): apigwv2.IHttpRouteAuthorizer {
  return { bind: () => ({ authorizerId, authorizationType: 'CUSTOM' }) };
}
