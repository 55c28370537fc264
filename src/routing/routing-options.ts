import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { PathMode } from './path-mode';
import { ServiceCorsOptions } from './service-cors';

/**
 * How a service's requests reach it through the platform's central API: its base path, the
 * paths that go through the long-lived origin, throttling, authorization, CORS and its 5xx
 * alarm. `ApiRoutes` takes these options, and so do `ContainerService` and the presets built
 * on it, which pass them on to their `ApiRoutes` unchanged.
 */
export interface ServiceRoutingOptions {
  /**
   * The service's base path on `api.<domain>`: routes `ANY <basePath>` and
   * `ANY <basePath>/{proxy+}`. No other service of the platform in the app may use it or a path
   * inside it.
   *
   * @default `/<serviceName>`
   */
  readonly basePath?: string;

  /**
   * Whether the backend receives the base path.
   *
   * @default PathMode.KEEP_BASE_PATH
   */
  readonly pathMode?: PathMode;

  /**
   * Paths below the base path that carry WebSockets or streams longer than 30 s, e.g.
   * `['/ws', '/mcp']`. The front door sends them (and everything below them) to the platform's
   * internal load balancer instead of the HTTP API, so their last segment must be one of the
   * platform's `longLivedPathSuffixes`. Needs a target a load balancer can reach
   * (`ApiTarget.ecsService`, which `ContainerService` uses) and a platform with
   * `longLivedConnections` (a CloudFront VPC origin: not offered in some Availability Zone IDs,
   * see `LongLivedOriginOptions`).
   *
   * Cost: no extra fixed cost (the platform's load balancer is shared); load balancer capacity
   * units as used.
   *
   * @default - none: every path goes through the HTTP API
   */
  readonly longLivedPaths?: string[];

  /**
   * Priority of the service's rules on the shared load balancer listener (1 to 50000, unique
   * per platform; a service with more than 5 long-lived patterns uses the following numbers too).
   *
   * @default - derived from the base path (stable, rarely colliding); collisions within one app fail at synth
   */
  readonly longLivedRulePriority?: number;

  /**
   * Steady-state requests per second for the service's routes (1 to 10000; with
   * `throttlingBurstLimit`). Needs the routes in the platform's own stack: route throttling
   * lives on the platform's stage (otherwise deploy the service, then call
   * `GlobalPlatform.addRouteThrottling` in the platform's app).
   *
   * @default - the platform's default stage throttling
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests for the service's routes (1 to 5000; with `throttlingRateLimit`).
   *
   * @default - the platform's default stage throttling
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Require a JWT from this issuer (an `https://` URL, e.g. a Cognito user pool) in the
   * `Authorization` header of every request except CORS preflights.
   *
   * The HTTP API routes use the platform's one JWT authorizer (shared by every service, so the
   * API's 10 authorizers do not limit the number of services): the service publishes its issuer,
   * audiences and key set URL in the SSM parameter `<parameterPrefix>/jwt/<serviceName>` (free),
   * and the platform's function checks the front door's origin header (see
   * `GlobalPlatform.originSecretRotation`) and then the token against the configuration of the
   * route's service, as API Gateway's JWT authorizer does: an RS256, RS384 or RS512 signature by a key of the issuer's
   * key set (from its OpenID discovery document, or `jwtJwksEndpoint`), `iss`, `exp`, `nbf` and
   * `iat`, and the audience in `aud` or `client_id`. The claims reach the integration in the
   * authorizer context (`sub`, `scope`, and `claims` as JSON). On a platform without an origin
   * check (an `IGlobalPlatform` of your own) it is API Gateway's JWT authorizer. The long-lived paths bypass API Gateway: their load
   * balancer rules verify the token first (ALB `jwt-validation`), with the load balancer's
   * limits:
   * - RS256 signatures only, with keys from `jwtJwksEndpoint`, which must answer with at most
   *   150 KB and 10 keys (otherwise every request is refused);
   * - `iss` and `exp` required, `nbf` and `iat` checked when present;
   * - the audience as an additional claim: the claim `jwtAudienceClaim` (`aud` by default) must
   *   be a single string, compared with `jwtAudience` (at most 10 values of at most 256
   *   characters; that a token matches when it holds any one of them is how we read the ALB
   *   documentation, which does not say so in words: a real deploy confirms it). A token whose `aud`
   *   is a list, or that carries the client in `client_id` instead (Cognito access tokens: set
   *   `jwtAudienceClaim: 'client_id'`), is refused on those paths.
   *
   * CORS preflights (`OPTIONS`, which browsers send without a token) pass unchecked on both: on
   * the long-lived paths through rules just ahead of the checking ones, at the priorities below
   * `longLivedRulePriority`. Browsers cannot set headers on a WebSocket, so a browser page
   * cannot open a protected WebSocket path. The load balancer fetches the keys over HTTPS
   * through the platform's NAT (long-lived paths with `jwtIssuer` need one).
   *
   * Cost: the authorizer runs on every request (not cached, so an expired token is refused at
   * once): $0.20 per million requests plus about 2 ms of 128 MB each (Lambda's free tier covers
   * a million requests a month), a few milliseconds of latency when warm. ALB JWT verification
   * is billed in load balancer capacity units (pennies at low traffic).
   *
   * @default - no JWT authorizer
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html
   */
  readonly jwtIssuer?: string;

  /**
   * Accepted `aud` claims of the JWT (with `jwtIssuer`).
   *
   * @default - required when `jwtIssuer` is set
   */
  readonly jwtAudience?: string[];

  /**
   * The claim that the load balancer compares with `jwtAudience` on the long-lived paths (with
   * `jwtIssuer` and `longLivedPaths`). API Gateway accepts either `aud` or `client_id`; the load
   * balancer checks one claim: `client_id` for Cognito access tokens, `aud` for ID tokens and
   * most other issuers.
   *
   * @default 'aud'
   */
  readonly jwtAudienceClaim?: string;

  /**
   * The JSON Web Key Set URL the load balancer verifies JWT signatures with on the long-lived
   * paths (with `jwtIssuer` and `longLivedPaths`). API Gateway finds the keys itself through
   * the issuer's OpenID discovery document; ALB needs the URL.
   *
   * @default - `<jwtIssuer>/.well-known/jwks.json` (the URL of Cognito user pools and Auth0)
   */
  readonly jwtJwksEndpoint?: string;

  /**
   * Any other authorizer for the service's routes (not together with `jwtIssuer`). It applies
   * to the HTTP API routes only, so it cannot be combined with `longLivedPaths`: use
   * `jwtIssuer` for a service with long-lived paths.
   *
   * It replaces the front door's origin check on those routes (a route has one authorizer):
   * unless it checks the header `GlobalPlatform.ORIGIN_VERIFY_HEADER` against the platform's
   * `originSecret` (current or previous version), a direct call to the API's `execute-api` URL
   * reaches the service without the WAF.
   *
   * Each authorizer object counts once against the HTTP API's 10 authorizers (the platform holds
   * two): an app whose services would need more fails at synth. Share one object between
   * services where you can.
   *
   * @default - none
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;

  /**
   * Cross-origin settings: the central API answers preflights for the base path.
   *
   * Cost: a small Lambda function answers the preflights (128 MB, free tier: 1 million requests a
   * month) with a log group; pennies a month beyond the free tier.
   *
   * @default - no CORS handling at the API: preflights reach the backend like any request
   */
  readonly cors?: ServiceCorsOptions;

  /**
   * Alarm when more than this percentage of the service's API requests answer 5xx.
   *
   * Cost: $0.10 a month per metric the alarm reads, two per route: $0.40 for the usual two
   * routes (`<base>` and `<base>/{proxy+}`).
   *
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;

  /**
   * A CloudWatch dashboard of the service's own (`<platform>-<service>`).
   *
   * Without one, the service's widgets go on the platform dashboard when the platform is in
   * the same stack, and the platform dashboard's search widgets show the service's requests,
   * errors, CPU and memory wherever it is deployed.
   *
   * Cost: $3 a month (an account's first three dashboards are free).
   *
   * @default false
   */
  readonly dashboard?: boolean;

  /**
   * With a platform in several Regions (`additionalRegions`; imported with `multiRegion`):
   * register this stack's Region in the front door's router at deploy (removed at delete), so
   * that viewers nearer to it than to the other Regions the service runs in are served here.
   * `false` deploys the routes here without registering them: the front door keeps sending the
   * service's requests elsewhere (the primary, or the Regions where it is registered) — for a
   * service that keeps state in memory, or to deploy before switching traffic on. The router
   * finds a request's service by the first path segment: a `basePath` other than `/<serviceName>`
   * or `/<serviceName>/...` is never registered (synth warns), and so is a service on a platform
   * without a router (synth warns when `regionRouting` is set to true there).
   *
   * Cost: none (a registration function that runs at deploy and delete).
   *
   * @default true
   */
  readonly regionRouting?: boolean;
}
