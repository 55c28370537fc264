import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ApiTarget, EcsServiceTarget } from './api-target';
import { claimBasePath } from './private/base-path-registry';
import { CorsPreflight, corsPolicy } from './private/cors-preflight';
import { PathMode } from './path-mode';
import { ServiceCorsOptions } from './service-cors';
import { addNagSuppressions } from '../core/nag';
import { tagServiceResources } from '../core/tags';
import { isUnresolved, PropError, validateDnsName, validateIntegerRange } from '../core/validation';
import { routeMetric, ServiceApiMonitoring, summedRouteMetric } from '../monitoring/private/service-monitoring';
import { GlobalPlatform } from '../platform/global-platform';
import { IGlobalPlatform } from '../contract/platform';

/**
 * Service names that cannot be used: they are platform host names (`api.<domain>`) or the
 * default long-lived path suffixes.
 */
const RESERVED_SERVICE_NAMES = ['api', 'www', 'mail', 'platform', 'ws', 'mcp', 'health'];

/** Path segments allowed in base paths and long-lived paths. */
const PATH_RE = /^(\/[a-z0-9][a-z0-9._-]*)+$/;

/** Properties of `ApiRoutes`. */
export interface ApiRoutesProps {
  /** The platform, created in this app (`GlobalPlatform`) or imported (`GlobalPlatform.fromPlatformName`). */
  readonly platform: IGlobalPlatform;

  /**
   * The service's name: 2-32 characters of a-z, 0-9 and "-", starting with a letter; not one of
   * api, www, mail, platform, ws, mcp, health. Names its alarm and dashboard widgets.
   */
  readonly serviceName: string;

  /** Where the central API sends the service's requests. */
  readonly target: ApiTarget;

  /**
   * The service's base path on `api.<domain>`: routes `ANY <basePath>` and
   * `ANY <basePath>/{proxy+}`. No other service in the app may use it or a path inside it.
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
   * platform's `longLivedPathSuffixes`. Needs an `ApiTarget.ecsService` target and a platform
   * with `longLivedConnections`.
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
   * Health check path of the load balancer's target group for the long-lived paths.
   *
   * @default `<basePath>/health`
   */
  readonly healthCheckPath?: string;

  /**
   * Steady-state requests per second for the service's routes. Needs the routes in the
   * platform's own stack: route throttling lives on the platform's stage (otherwise deploy the
   * service, then call `GlobalPlatform.addRouteThrottling` in the platform's app).
   *
   * @default - the platform's default stage throttling
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests for the service's routes (with `throttlingRateLimit`).
   *
   * @default - the platform's default stage throttling
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Require a JWT from this issuer (an `https://` URL, e.g. a Cognito user pool) in the
   * `Authorization` header of every request except CORS preflights.
   *
   * The HTTP API routes get an API Gateway JWT authorizer (signature, issuer, expiry and
   * audience). The long-lived paths bypass API Gateway: their load balancer rules verify the
   * token first (ALB `jwt-validation`: RS256 signature from `jwtJwksEndpoint`, `iss`, `exp`,
   * and `nbf`/`iat` when present), but not the audience, because ALB cannot express API
   * Gateway's "`aud` or `client_id`" rule: if the issuer serves other audiences too, the
   * service checks `aud` itself on those paths. Browsers cannot set headers on a WebSocket, so a
   * browser page cannot open a protected WebSocket path. The load balancer fetches the keys over
   * HTTPS through the platform's NAT (none with `NatType.NONE`: then long-lived paths reject
   * every token).
   *
   * No extra charge on API Gateway; ALB JWT verification is billed in load balancer capacity
   * units (pennies at low traffic).
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
   * Alarm when more than this percentage of the service's requests answer 5xx.
   *
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;

  /**
   * Retention of the logs of the CORS preflight responder.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Plugs one service's routes into the platform's central API under its own base path:
 * `ANY /<service>` and `ANY /<service>/{proxy+}` on the HTTP API, and, for WebSockets and
 * streams, listener rules on the platform's internal load balancer. Adds the service's widgets
 * to the platform dashboard (or, in another stack or with an imported platform, its own dashboard) and a 5xx alarm.
 * Its resources carry the cost-allocation tags `platform` and `service`.
 *
 * Cost: API Gateway HTTP API $1.00 per million requests; the 5xx alarm $0.10 a month per
 * metric (a dashboard of its own, for a platform in another stack, $3 a month).
 *
 * @example
 * new ApiRoutes(stack, 'JessicaRoutes', {
 *   platform,
 *   serviceName: 'jessica',
 *   target: ApiTarget.ecsService(service, 9020),
 *   longLivedPaths: ['/ws', '/mcp'],
 * });
 */
export class ApiRoutes extends Construct {
  /** The service's base path, e.g. `/jessica`. */
  public readonly basePath: string;

  /** The public URL of the service's base path, `https://api.<domain>/<service>`. */
  public readonly url: string;

  /** The public URLs of the long-lived paths (`wss://` for a path ending in `ws`). */
  public readonly longLivedUrls: string[];

  /** The HTTP API routes (`ANY <base>`, `ANY <base>/{proxy+}`, and preflight routes with CORS). */
  public readonly routes: apigwv2.HttpRoute[];

  /** The target group of the long-lived paths. @default - undefined without long-lived paths */
  public readonly longLivedTargetGroup?: elbv2.ApplicationTargetGroup;

  /** The alarm on the service's 5xx rate. */
  public readonly serverErrorRateAlarm: cloudwatch.IAlarm;

  /** The dashboard that holds the service's widgets. */
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly platform: IGlobalPlatform;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the routes' properties
   */
  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    const platform = props.platform;
    this.platform = platform;
    tagServiceResources(this, platform.platformName, props.serviceName);
    this.basePath = props.basePath ?? `/${props.serviceName}`;
    const pathMode = props.pathMode ?? PathMode.KEEP_BASE_PATH;
    const longLivedPaths = props.longLivedPaths ?? [];
    this.validateProps(props, longLivedPaths);

    if (longLivedPaths.length > 0 && props.longLivedRulePriority === undefined && isUnresolved(this.basePath)) {
      throw new PropError(this, 'longLivedRulePriority', '(none)', 'set it when basePath is a token: the default priority is derived from the base path');
    }
    const priority = longLivedPaths.length > 0 ? (props.longLivedRulePriority ?? defaultPriority(this.basePath)) : undefined;
    if (!isUnresolved(platform.platformName)) {
      const rules = Math.ceil((longLivedPaths.length * 2) / 5);
      const claimed = priority === undefined ? undefined : { first: priority, count: rules };
      claimBasePath(this, platform.platformName, props.serviceName, this.basePath, claimed);
    }

    this.url = `https://${platform.apiDomainName}${this.basePath}`;
    this.longLivedUrls = longLivedPaths.map(p =>
      `${p.split('/').pop() === 'ws' ? 'wss' : 'https'}://${platform.apiDomainName}${this.basePath}${p}`);

    // ------------------------------------------------------------------------- HTTP API routes
    const binding = props.target.bind({ scope: this, platform, pathMode, basePath: this.basePath });
    const authorizer = props.authorizer ?? (props.jwtIssuer ? this.jwtAuthorizer(props) : undefined);
    const routeKeys = [
      apigwv2.HttpRouteKey.with(this.basePath, apigwv2.HttpMethod.ANY),
      apigwv2.HttpRouteKey.with(`${this.basePath}/{proxy+}`, apigwv2.HttpMethod.ANY),
    ];
    this.routes = routeKeys.map((routeKey, i) => new apigwv2.HttpRoute(this, i === 0 ? 'BaseRoute' : 'ProxyRoute', {
      httpApi: platform.httpApi,
      routeKey,
      integration: i === 0 ? binding.baseIntegration : binding.proxyIntegration,
      authorizer,
    }));
    if (!authorizer) {
      for (const route of this.routes) {
        addNagSuppressions(route, [{
          id: 'AwsSolutions-APIG4',
          reason: `no jwtIssuer or authorizer was set for ${props.serviceName}: its routes are public and the service does its own access control`,
        }]);
      }
    }
    if (props.cors) {
      const preflight = new CorsPreflight(this, 'CorsPreflight', {
        httpApi: platform.httpApi,
        basePath: this.basePath,
        policy: corsPolicy(props.cors),
        logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      });
      this.routes.push(...preflight.routes);
    }

    if ((props.throttlingRateLimit === undefined) !== (props.throttlingBurstLimit === undefined)) {
      throw new PropError(this, props.throttlingRateLimit === undefined ? 'throttlingBurstLimit' : 'throttlingRateLimit',
        props.throttlingRateLimit ?? props.throttlingBurstLimit, 'set throttlingRateLimit and throttlingBurstLimit together');
    }
    if (props.throttlingRateLimit !== undefined && props.throttlingBurstLimit !== undefined) {
      const later = `deploy the service first, then call platform.addRouteThrottling('${routeKeys[1].key}', rate, burst)`
        + ` (and for '${routeKeys[0].key}') in the platform's app and deploy the platform`;
      if (!(platform instanceof GlobalPlatform)) {
        throw new Error(`${this.node.path}: throttlingRateLimit/throttlingBurstLimit need the platform in the same CDK app:`
          + ` route throttling is a setting of the platform's stage. ${later[0].toUpperCase()}${later.slice(1)}`);
      }
      if (Stack.of(this) !== Stack.of(platform.httpStage)) {
        // The stage may name only routes that exist, so it must be deployed after them; a stage
        // cannot wait for a stack that itself depends on the platform's stack.
        throw new Error(`${this.node.path}: throttlingRateLimit/throttlingBurstLimit need the routes in the platform's stack`
          + ` (${Stack.of(platform.httpStage).node.path}), not in ${Stack.of(this).node.path}: API Gateway accepts route`
          + ` throttling only for routes that already exist. Add the service to the platform's stack, or ${later}`);
      }
      for (const routeKey of routeKeys) {
        platform.addRouteThrottling(routeKey.key, props.throttlingRateLimit, props.throttlingBurstLimit);
      }
      platform.httpStage.node.addDependency(...this.routes);
    }

    // ---------------------------------------------------------------- long-lived (load balancer)
    if (longLivedPaths.length > 0) {
      this.longLivedTargetGroup = this.addLongLivedRules(props, longLivedPaths, priority!);
    }

    // ------------------------------------------------------------------------------ monitoring
    const monitoring = new ServiceApiMonitoring(this, 'Monitoring', {
      platform,
      serviceName: props.serviceName,
      resources: this.routeResources(),
      serverErrorRatePercent: props.serverErrorRateThresholdPercent ?? 5,
    });
    this.serverErrorRateAlarm = monitoring.serverErrorRateAlarm;
    this.dashboard = monitoring.dashboard;
  }

  /**
   * Requests to the service's HTTP API routes (`ANY <base>` and `ANY <base>/{proxy+}`, summed;
   * long-lived paths through the load balancer are not counted). Route-level metrics need the
   * stage's detailed metrics (the platform's `detailedMetrics`, on by default).
   *
   * @param props label, color and period
   * @default - sum over 5 minutes
   */
  public metricRequests(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return summedRouteMetric(this.platform, this.routeResources(), 'Count', { label: 'requests', ...props });
  }

  /**
   * 4xx answers of the service's HTTP API routes (summed, see `metricRequests`).
   *
   * @param props label, color and period
   * @default - sum over 5 minutes
   */
  public metricClientErrors(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return summedRouteMetric(this.platform, this.routeResources(), '4xx', { label: '4xx', ...props });
  }

  /**
   * 5xx answers of the service's HTTP API routes (summed, see `metricRequests`).
   *
   * @param props label, color and period
   * @default - sum over 5 minutes
   */
  public metricServerErrors(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return summedRouteMetric(this.platform, this.routeResources(), '5xx', { label: '5xx', ...props });
  }

  /**
   * Latency of the service's `ANY <base>/{proxy+}` route, which carries every request below the
   * base path, in milliseconds (see `metricRequests`).
   *
   * @param props statistic, period, label and so on
   * @default - p99 over 5 minutes
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return routeMetric(this.platform, `${this.basePath}/{proxy+}`, 'Latency', { statistic: 'p99', ...props });
  }

  /** The route resources in the API Gateway metrics' `Resource` dimension. */
  private routeResources(): string[] {
    return [this.basePath, `${this.basePath}/{proxy+}`];
  }

  /**
   * A JWT authorizer in this construct's own scope. CDK's `HttpJwtAuthorizer` would create it
   * under the HTTP API, that is in the platform's stack, exported to the service's stack: then
   * a service could never drop or rename it (the platform could not delete an export in use).
   */
  private jwtAuthorizer(props: ApiRoutesProps): apigwv2.IHttpRouteAuthorizer {
    const jwt = new apigwv2.HttpAuthorizer(this, 'JwtAuthorizer', {
      httpApi: props.platform.httpApi,
      type: apigwv2.HttpAuthorizerType.JWT,
      identitySource: ['$request.header.Authorization'],
      jwtIssuer: props.jwtIssuer,
      jwtAudience: props.jwtAudience,
      authorizerName: `${props.serviceName}-jwt`,
    });
    return { bind: () => ({ authorizerId: jwt.authorizerId, authorizationType: 'JWT' }) };
  }

  private addLongLivedRules(props: ApiRoutesProps, paths: string[], priority: number): elbv2.ApplicationTargetGroup {
    const target = props.target as EcsServiceTarget;
    const listener = props.platform.longLivedListener!;
    const container = target.service.taskDefinition.defaultContainer!;
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'LongLivedTargetGroup', {
      vpc: props.platform.vpc,
      port: target.containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      targets: [target.service.loadBalancerTarget({ containerName: container.containerName, containerPort: target.containerPort })],
      healthCheck: {
        path: props.healthCheckPath ?? `${this.basePath}/health`,
        healthyHttpCodes: '200',
        interval: Duration.seconds(30),
      },
      deregistrationDelay: Duration.seconds(30),
    });
    // The ALB may reach the tasks on the container port; nothing else opens for it.
    target.service.connections.allowFrom(listener, ec2.Port.tcp(target.containerPort), 'platform long-lived load balancer');

    // `/p` and `/p/*` for every long-lived path; an ALB rule matches at most 5 values.
    const patterns = paths.flatMap(p => [`${this.basePath}${p}`, `${this.basePath}${p}/*`]);
    for (let i = 0; i * 5 < patterns.length; i++) {
      const rule = new elbv2.ApplicationListenerRule(this, i === 0 ? 'LongLivedRule' : `LongLivedRule${i + 1}`, {
        listener,
        priority: priority + i,
        conditions: [elbv2.ListenerCondition.pathPatterns(patterns.slice(i * 5, i * 5 + 5))],
        targetGroups: [targetGroup],
      });
      if (props.jwtIssuer) {
        // The same token as on the HTTP API routes, verified by the load balancer before it
        // forwards (aws-cdk-lib has no L2 for the jwt-validation action yet).
        const cfnRule = rule.node.defaultChild as elbv2.CfnListenerRule;
        cfnRule.actions = [
          {
            type: 'jwt-validation',
            order: 1,
            jwtValidationConfig: { issuer: props.jwtIssuer, jwksEndpoint: jwksEndpointOf(props) },
          },
          { type: 'forward', order: 2, targetGroupArn: targetGroup.targetGroupArn },
        ];
      }
    }
    return targetGroup;
  }

  private validateProps(props: ApiRoutesProps, longLivedPaths: string[]): void {
    validateDnsName(this, 'serviceName', props.serviceName, 32);
    if (RESERVED_SERVICE_NAMES.includes(props.serviceName)) {
      throw new PropError(this, 'serviceName', props.serviceName, `reserved names are ${RESERVED_SERVICE_NAMES.join(', ')}`);
    }
    if (!isUnresolved(this.basePath) && (!PATH_RE.test(this.basePath) || this.basePath.length > 128)) {
      throw new PropError(this, 'basePath', this.basePath,
        'expected "/" and one or more lower-case segments of a-z, 0-9, ".", "_" and "-", such as "/jessica" or "/team/app", without a trailing slash');
    }
    this.validateLongLived(props, longLivedPaths);
    this.validateAuth(props, longLivedPaths);
    validateIntegerRange(this, 'throttlingRateLimit', props.throttlingRateLimit, 1, 10_000);
    validateIntegerRange(this, 'throttlingBurstLimit', props.throttlingBurstLimit, 1, 5_000);
    const rate = props.serverErrorRateThresholdPercent;
    if (rate !== undefined && !isUnresolved(rate) && !(rate > 0 && rate <= 100)) {
      throw new PropError(this, 'serverErrorRateThresholdPercent', rate, 'expected a percentage greater than 0 and at most 100');
    }
    if (props.cors) this.validateCors(props.cors);
  }

  private validateLongLived(props: ApiRoutesProps, paths: string[]): void {
    if (paths.length === 0) {
      for (const prop of ['longLivedRulePriority', 'healthCheckPath'] as const) {
        if (props[prop] !== undefined) throw new PropError(this, prop, props[prop], 'only used with longLivedPaths');
      }
      return;
    }
    if (!props.platform.longLivedListener) {
      throw new PropError(this, 'longLivedPaths', paths, `the platform "${props.platform.platformName}" has no long-lived origin:`
        + ' create it with longLivedConnections: true (or import it with longLivedConnections: true)');
    }
    if (!(props.target instanceof EcsServiceTarget)) {
      throw new PropError(this, 'longLivedPaths', paths, `long-lived paths need an ApiTarget.ecsService target, not a ${props.target.kind}`);
    }
    if (props.pathMode === PathMode.STRIP_BASE_PATH) {
      throw new PropError(this, 'pathMode', 'strip', 'long-lived paths go through the load balancer, which cannot strip the base path;'
        + ' use PathMode.KEEP_BASE_PATH and let the backend strip it');
    }
    for (const p of paths) {
      if (isUnresolved(p)) continue;
      if (!PATH_RE.test(p)) {
        throw new PropError(this, 'longLivedPaths', p, 'expected a path such as "/ws" or "/api/stream" below the base path');
      }
      const last = p.split('/').pop()!;
      if (!props.platform.longLivedPathSuffixes.includes(last)) {
        throw new PropError(this, 'longLivedPaths', p, `the front door routes only paths ending in ${props.platform.longLivedPathSuffixes
          .map(s => `"/${s}"`).join(', ')} to the long-lived origin (the platform's longLivedPathSuffixes)`);
      }
    }
    if (new Set(paths).size !== paths.length) throw new PropError(this, 'longLivedPaths', paths, 'list each path once');
    validateIntegerRange(this, 'longLivedRulePriority', props.longLivedRulePriority, 1, 50_000 - Math.ceil((paths.length * 2) / 5) + 1);
    const health = props.healthCheckPath;
    if (health !== undefined && !isUnresolved(health) && !/^\/[\x21-\x7e]*$/.test(health)) {
      throw new PropError(this, 'healthCheckPath', health, 'expected an absolute path such as "/jessica/health"');
    }
  }

  private validateAuth(props: ApiRoutesProps, longLivedPaths: string[]): void {
    if (props.jwtIssuer !== undefined && props.authorizer) {
      throw new PropError(this, 'authorizer', '(authorizer)', 'set either jwtIssuer or authorizer, not both');
    }
    if (props.jwtIssuer !== undefined && !isUnresolved(props.jwtIssuer) && !/^https:\/\/[^\s/]+(\/\S*)?$/.test(props.jwtIssuer)) {
      throw new PropError(this, 'jwtIssuer', props.jwtIssuer, 'expected an https:// issuer URL');
    }
    if (props.jwtIssuer !== undefined && !(props.jwtAudience && (isUnresolved(props.jwtAudience) || props.jwtAudience.length > 0))) {
      throw new PropError(this, 'jwtAudience', props.jwtAudience ?? [], 'at least one audience with jwtIssuer');
    }
    if (props.jwtJwksEndpoint !== undefined) {
      if (props.jwtIssuer === undefined) {
        throw new PropError(this, 'jwtJwksEndpoint', props.jwtJwksEndpoint, 'only used with jwtIssuer');
      }
      if (!isUnresolved(props.jwtJwksEndpoint) && !/^https:\/\/[^\s/]+\/\S*$/.test(props.jwtJwksEndpoint)) {
        throw new PropError(this, 'jwtJwksEndpoint', props.jwtJwksEndpoint, 'expected an https:// URL with a path');
      }
    }
    if (props.authorizer && longLivedPaths.length > 0) {
      throw new PropError(this, 'authorizer', '(authorizer)', 'an authorizer covers only the HTTP API routes, and longLivedPaths '
        + `(${longLivedPaths.join(', ')}) reach the service through the platform's load balancer: use jwtIssuer, which the load `
        + 'balancer verifies too, or drop longLivedPaths');
    }
    if (props.jwtIssuer === undefined && props.jwtAudience !== undefined) {
      throw new PropError(this, 'jwtAudience', props.jwtAudience, 'only used with jwtIssuer');
    }
    // The load balancer verifies JWTs on HTTPS listeners only. Known for a platform of this app;
    // an imported listener does not tell its protocol.
    const listener = props.platform.longLivedListener?.node.defaultChild;
    if (props.jwtIssuer !== undefined && longLivedPaths.length > 0
      && listener instanceof elbv2.CfnListener && listener.protocol === elbv2.ApplicationProtocol.HTTP) {
      throw new PropError(this, 'jwtIssuer', props.jwtIssuer, 'the load balancer verifies JWTs on HTTPS listeners only, and the platform\'s'
        + ' long-lived origin listens on HTTP (longLivedOriginTls: false): turn its TLS on, or drop longLivedPaths');
    }
  }

  private validateCors(cors: ServiceCorsOptions): void {
    if (cors.allowOrigins.length === 0) {
      throw new PropError(this, 'cors.allowOrigins', [], 'at least one origin, such as "https://jessica.georgi.io", or "*"');
    }
    for (const origin of cors.allowOrigins) {
      if (Token.isUnresolved(origin)) continue;
      if (origin !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/.test(origin)) {
        throw new PropError(this, 'cors.allowOrigins', origin, 'expected "*" or a scheme and host such as "https://jessica.georgi.io" (no path, no trailing slash)');
      }
    }
    // The type admits only CorsHttpMethod values; this guards plain JavaScript callers.
    for (const method of cors.allowMethods ?? []) {
      if (!Token.isUnresolved(method) && !(CORS_METHODS as string[]).includes(method)) {
        throw new PropError(this, 'cors.allowMethods', method, `expected "*" or upper-case methods among ${CORS_METHODS.slice(1).join(', ')}`);
      }
    }
    if (cors.allowMethods !== undefined && cors.allowMethods.length === 0) {
      throw new PropError(this, 'cors.allowMethods', [], 'at least one method, or leave it out for the default');
    }
    for (const header of cors.allowHeaders ?? []) {
      // An HTTP header name is a "token" (RFC 9110): no spaces, colons or other separators.
      if (!Token.isUnresolved(header) && header !== '*' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
        throw new PropError(this, 'cors.allowHeaders', header, 'expected "*" or header names such as "content-type" (letters, digits and -, no spaces or colons)');
      }
    }
    if (cors.allowCredentials && cors.allowOrigins.includes('*')) {
      throw new PropError(this, 'cors.allowOrigins', '*', 'browsers refuse "*" with allowCredentials: list the origins');
    }
    const maxAge = cors.maxAge;
    if (maxAge && !maxAge.isUnresolved() && maxAge.toSeconds() > 7200) {
      throw new PropError(this, 'cors.maxAge', maxAge, 'at most 2 hours (browsers cap it anyway)');
    }
  }
}

/** What `cors.allowMethods` may hold. */
const CORS_METHODS: string[] = Object.values(apigwv2.CorsHttpMethod);

/** A stable priority from the base path, in 1000..48999, leaving low numbers for hand-picked rules. */
function defaultPriority(basePath: string): number {
  let hash = 7;
  for (const char of basePath) {
    hash = (hash * 31 + char.charCodeAt(0)) % 2_147_483_647;
  }
  return 1000 + (hash % 48000);
}

/** The JWKS URL for the load balancer's JWT check: the prop, or `<issuer>/.well-known/jwks.json`. */
function jwksEndpointOf(props: ApiRoutesProps): string {
  return props.jwtJwksEndpoint ?? `${props.jwtIssuer!.replace(/\/+$/, '')}/.well-known/jwks.json`;
}
