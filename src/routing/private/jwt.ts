import { Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { IGlobalPlatform } from '../../contract/platform';
import { PropError } from '../../core/errors';
import { isUnresolved } from '../../core/validation';
import { ServiceRoutingOptions } from '../routing-options';

/** What the JWT wiring needs. @internal */
export interface JwtOptions {
  readonly httpApi: apigwv2.IHttpApi;
  readonly serviceName: string;
  readonly issuer: string;
  readonly audience?: string[];
}

/**
 * A JWT authorizer in `scope` (the service's routes). CDK's `HttpJwtAuthorizer` would create it
 * under the HTTP API, that is in the platform's stack, exported to the service's stack: then a
 * service could never drop or rename it (the platform could not delete an export in use).
 * @internal
 */
export function jwtAuthorizer(scope: Construct, options: JwtOptions): apigwv2.IHttpRouteAuthorizer {
  const jwt = new apigwv2.HttpAuthorizer(scope, 'JwtAuthorizer', {
    httpApi: options.httpApi,
    type: apigwv2.HttpAuthorizerType.JWT,
    identitySource: ['$request.header.Authorization'],
    jwtIssuer: options.issuer,
    jwtAudience: options.audience,
    authorizerName: `${options.serviceName}-jwt`,
  });
  return { bind: () => ({ authorizerId: jwt.authorizerId, authorizationType: 'JWT' }) };
}

/** A service's JWT configuration for the platform's shared JWT authorizer. @internal */
export interface JwtConfigProps {
  readonly serviceName: string;
  readonly basePath: string;
  readonly issuer: string;
  readonly audience: string[];
  readonly jwksUri?: string;
}

/**
 * Publishes the service's issuer, audiences and key set URL where the platform's shared JWT
 * authorizer finds them by the route's base path: the SSM parameter
 * `<parameterPrefix>/jwt/<serviceName>` (a standard String parameter: free, at most 4 KB).
 * @internal
 */
export function publishJwtConfig(scope: Construct, platform: IGlobalPlatform, props: JwtConfigProps): ssm.StringParameter {
  const value = Stack.of(scope).toJsonString({
    basePath: props.basePath,
    issuer: props.issuer,
    audience: props.audience,
    ...(props.jwksUri ? { jwksUri: props.jwksUri } : {}),
  });
  if (!isUnresolved(value) && Buffer.byteLength(value) > 4096) {
    throw new PropError(scope, 'jwtAudience', props.audience, `the service's JWT configuration is ${Buffer.byteLength(value)} bytes,`
      + ' more than the 4096 of a standard SSM parameter: use fewer or shorter audiences');
  }
  return new ssm.StringParameter(scope, 'JwtConfig', {
    parameterName: `${platform.parameterPrefix}/jwt/${props.serviceName}`,
    stringValue: value,
    description: `the JWT issuer and audiences of ${props.serviceName} for the platform's shared JWT authorizer`,
    tier: ssm.ParameterTier.STANDARD,
  });
}

/**
 * The actions of a long-lived listener rule that verifies the service's JWT before it forwards
 * (aws-cdk-lib has no L2 for the `jwt-validation` action yet).
 * @internal
 */
export function jwtValidationActions(options: ServiceRoutingOptions,
  targetGroup: elbv2.IApplicationTargetGroup): elbv2.CfnListenerRule.ActionProperty[] {
  return [
    {
      type: 'jwt-validation',
      order: 1,
      jwtValidationConfig: {
        issuer: options.jwtIssuer!,
        jwksEndpoint: jwksEndpointOf(options),
        // The load balancer checks exp, iss (and nbf, iat when present) itself; the audience only
        // as an additional claim: a single string, one of jwtAudience.
        additionalClaims: [{ name: options.jwtAudienceClaim ?? 'aud', format: 'single-string', values: options.jwtAudience! }],
      },
    },
    { type: 'forward', order: 2, targetGroupArn: targetGroup.targetGroupArn },
  ];
}

/** The JWKS URL for the load balancer's JWT check: the option, or `<issuer>/.well-known/jwks.json`. */
function jwksEndpointOf(options: ServiceRoutingOptions): string {
  return options.jwtJwksEndpoint ?? `${options.jwtIssuer!.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

/**
 * `jwtIssuer`, `jwtAudience`, `jwtJwksEndpoint` and `authorizer`, with the long-lived paths
 * they must protect and the listener that would verify them.
 * @internal
 */
export function validateAuthOptions(scope: Construct, options: ServiceRoutingOptions, longLivedPaths: string[],
  longLivedListener?: elbv2.IApplicationListener): void {
  if (options.jwtIssuer !== undefined && options.authorizer) {
    throw new PropError(scope, 'authorizer', '(authorizer)', 'set either jwtIssuer or authorizer, not both');
  }
  if (options.jwtIssuer !== undefined && !isUnresolved(options.jwtIssuer) && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(options.jwtIssuer)) {
    throw new PropError(scope, 'jwtIssuer', options.jwtIssuer, 'expected an https:// issuer URL');
  }
  if (options.jwtIssuer !== undefined && !(options.jwtAudience && (isUnresolved(options.jwtAudience) || options.jwtAudience.length > 0))) {
    throw new PropError(scope, 'jwtAudience', options.jwtAudience ?? [], 'at least one audience with jwtIssuer');
  }
  if (options.jwtJwksEndpoint !== undefined) {
    if (options.jwtIssuer === undefined) {
      throw new PropError(scope, 'jwtJwksEndpoint', options.jwtJwksEndpoint, 'only used with jwtIssuer');
    }
    if (!isUnresolved(options.jwtJwksEndpoint) && !/^https:\/\/[^\s/]+\/\S*$/.test(options.jwtJwksEndpoint)) {
      throw new PropError(scope, 'jwtJwksEndpoint', options.jwtJwksEndpoint, 'expected an https:// URL with a path');
    }
  }
  if (options.authorizer && longLivedPaths.length > 0) {
    throw new PropError(scope, 'authorizer', '(authorizer)', 'an authorizer covers only the HTTP API routes, and longLivedPaths '
      + `(${longLivedPaths.join(', ')}) reach the service through the platform's load balancer: use jwtIssuer, which the load `
      + 'balancer verifies too, or drop longLivedPaths');
  }
  if (options.jwtIssuer === undefined && options.jwtAudience !== undefined) {
    throw new PropError(scope, 'jwtAudience', options.jwtAudience, 'only used with jwtIssuer');
  }
  if (options.jwtAudienceClaim !== undefined) {
    if (options.jwtIssuer === undefined || longLivedPaths.length === 0) {
      throw new PropError(scope, 'jwtAudienceClaim', options.jwtAudienceClaim, 'only used with jwtIssuer and longLivedPaths');
    }
    if (!isUnresolved(options.jwtAudienceClaim)
      && (!/^[A-Za-z0-9_:.-]{1,64}$/.test(options.jwtAudienceClaim) || ['exp', 'iss', 'nbf', 'iat'].includes(options.jwtAudienceClaim))) {
      throw new PropError(scope, 'jwtAudienceClaim', options.jwtAudienceClaim,
        'expected a claim name such as "aud" or "client_id" (not exp, iss, nbf or iat, which the load balancer always checks)');
    }
  }
  // The load balancer verifies JWTs on HTTPS listeners only. Known for a platform of this app;
  // an imported listener does not tell its protocol.
  const listener = longLivedListener?.node.defaultChild;
  if (options.jwtIssuer !== undefined && longLivedPaths.length > 0
    && listener instanceof elbv2.CfnListener && listener.protocol === elbv2.ApplicationProtocol.HTTP) {
    throw new PropError(scope, 'jwtIssuer', options.jwtIssuer, 'the load balancer verifies JWTs on HTTPS listeners only, and the platform\'s'
      + ' long-lived origin listens on HTTP (longLivedConnections.originTls: false): turn its TLS on, or drop longLivedPaths');
  }
}
