import { Annotations, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { ApiTarget } from './api-target';
import { PathMode } from './path-mode';
import { countAgainstPlatformQuotas } from './private/api-quotas';
import { claimBasePath } from './private/base-path-registry';
import { validateThrottling } from './private/central-api';
import { CorsPreflight, corsPolicy, validateCorsOptions } from './private/cors-preflight';
import { jwtAuthorizer, publishJwtConfig, validateAuthOptions } from './private/jwt';
import { recordRoutes, validateLocalRunOptions } from './private/local-run';
import { addLongLivedRules, defaultRulePriority, longLivedRuleCount, PATH_RE, preflightRuleCount, validateLongLivedOptions } from './private/long-lived-rules';
import { removeOriginHeader } from './private/origin-header';
import { ServiceRoutingOptions } from './routing-options';
import { privateEgressOf, routeThrottlingOf } from '../contract/capabilities';
import { validateServiceName } from '../contract/names';
import { IGlobalPlatform, PlatformServiceProps } from '../contract/platform';
import { ControlWaivers } from '../core/controls';
import { PropError } from '../core/errors';
import { addNagSuppressions } from '../core/nag';
import { tagServiceResources } from '../core/tags';
import { isUnresolved, validatePercentage, validateRetention } from '../core/validation';
import { registerProxyRoutes } from './private/proxy/proxy-routes';
import { registerServiceRegion } from './private/regions/region-registration';
import { routeMetric, ServiceApiMonitoring, summedRouteMetric } from '../monitoring/private/service-monitoring';

/** Properties of `ApiRoutes`: the platform, the service, its target and its routing options. */
export interface ApiRoutesProps extends PlatformServiceProps, ServiceRoutingOptions {
  /** Where the central API sends the service's requests. */
  readonly target: ApiTarget;

  /**
   * The path of the target's health endpoint, as the target sees it. Only the load balancer's
   * target group for the long-lived paths checks it (the HTTP API has no health checks), so it
   * is only used with `longLivedPaths`.
   *
   * @default `<basePath>/health`
   */
  readonly healthCheckPath?: string;

  /**
   * Retention of the log groups the construct creates (the CORS preflight responder's).
   *
   * Cost: CloudWatch Logs storage, $0.03 per GB-month.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Plugs one service's routes into the platform's central API under its own base path:
 * `ANY /<service>` and `ANY /<service>/{proxy+}` on the HTTP API, and, for WebSockets and
 * streams, listener rules on the platform's internal load balancer. Adds a 5xx alarm, and the
 * service's widgets to the platform dashboard in the same stack or to its own (`dashboard: true`).
 * Its resources carry the cost-allocation tags `platform` and `service`. On a platform in several
 * Regions (imported with `multiRegion`), it registers the service in its stack's Region with the
 * front door's router (a custom resource on one small function per stack), so that the front door
 * sends the service's requests to the nearest Region it is deployed in.
 *
 * It talks to its target only through what `target.bind()` returns, so any `ApiTarget`
 * (including one of your own) works.
 *
 * Cost: API Gateway HTTP API $1.00 per million requests; the 5xx alarm $0.10 a month per
 * metric ($0.40 for two routes); a dashboard of its own, if asked for, $3 a month.
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

  /**
   * The dashboard that holds the service's widgets: its own (`dashboard: true`) or the platform
   * dashboard in the same stack.
   *
   * @default - undefined otherwise (the platform dashboard's search widgets show the service)
   */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly platform: IGlobalPlatform;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the routes' properties
   */
  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    const platform = props.platform;
    this.platform = platform;
    tagServiceResources(this, platform.platformName, props.serviceName);
    this.basePath = props.basePath ?? `/${props.serviceName}`;
    const pathMode = props.pathMode ?? PathMode.KEEP_BASE_PATH;
    const longLivedPaths = props.longLivedPaths ?? [];
    this.validateProps(props, longLivedPaths);
    const binding = props.target.bind({ scope: this, platform, pathMode, basePath: this.basePath });
    if (longLivedPaths.length > 0 && !binding.longLived) {
      throw new PropError(this, 'longLivedPaths', longLivedPaths,
        `long-lived paths need a target the load balancer can reach, such as ApiTarget.ecsService, not a ${props.target.kind}`);
    }

    const proxy = platform.longLivedProxySecurityGroup !== undefined;
    if (longLivedPaths.length > 0 && props.longLivedRulePriority === undefined && isUnresolved(this.basePath) && !proxy) {
      throw new PropError(this, 'longLivedRulePriority', '(none)', 'set it when basePath is a token: the default priority is derived from the base path');
    }
    // With the platform's proxy instance there are no listener rules: the service registers its routes.
    const priority = longLivedPaths.length > 0 && !proxy ? (props.longLivedRulePriority ?? defaultRulePriority(this.basePath)) : undefined;
    if (!isUnresolved(platform.platformName)) {
      const preflight = preflightRuleCount(longLivedPaths, props.jwtIssuer !== undefined);
      const claimed = priority === undefined ? undefined
        : { first: priority - preflight, count: preflight + longLivedRuleCount(longLivedPaths) };
      claimBasePath(this, platform.platformName, props.serviceName, this.basePath, claimed);
    }

    // The target group checks it (long-lived paths only); platform-dev waits for it.
    const healthCheckPath = longLivedPaths.length > 0 ? (props.healthCheckPath ?? `${this.basePath}/health`) : undefined;
    recordRoutes(this, {
      platform,
      serviceName: props.serviceName,
      basePath: this.basePath,
      pathMode: pathMode.mode,
      longLivedPaths,
      healthCheckPath,
      cors: props.cors && corsPolicy(props.cors),
      jwtIssuer: props.jwtIssuer,
      localRun: props.localRun,
    });
    this.url = `https://${platform.apiDomainName}${this.basePath}`;
    this.longLivedUrls = longLivedPaths.map(p =>
      `${p.split('/').pop() === 'ws' ? 'wss' : 'https'}://${platform.apiDomainName}${this.basePath}${p}`);

    // ------------------------------------------------------------------------- HTTP API routes
    // Every route checks that the request came through the front door (x-origin-verify), with
    // the token check of jwtIssuer in the same authorizer; a custom authorizer must check it.
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    if (props.authorizer && platform.originAuthorizerFunction) {
      Annotations.of(this).addWarningV2('@georgi-io/platform-constructs:authorizerSkipsOriginCheck',
        `the authorizer of ${props.serviceName} replaces the front door's origin check on its routes: unless it checks`
        + ' the x-origin-verify header against the platform\'s originSecret, a direct call to the execute-api URL reaches the service');
    }
    // The platform's shared authorizers (an HTTP API holds at most 10, so no service adds its own).
    const originOnly = (): apigwv2.IHttpRouteAuthorizer | undefined => props.authorizer ? undefined : platform.originAuthorizer;
    let authorizer: apigwv2.IHttpRouteAuthorizer | undefined;
    let jwtConfig: IConstruct | undefined;
    if (props.authorizer) {
      authorizer = props.authorizer;
    } else if (props.jwtIssuer) {
      const shared = platform.jwtOriginAuthorizer;
      if (shared) {
        jwtConfig = publishJwtConfig(this, platform, {
          serviceName: props.serviceName,
          basePath: this.basePath,
          issuer: props.jwtIssuer,
          audience: props.jwtAudience!,
          jwksUri: props.jwtJwksEndpoint,
        });
      }
      authorizer = shared ?? jwtAuthorizer(this, {
        httpApi: platform.httpApi,
        serviceName: props.serviceName,
        issuer: props.jwtIssuer,
        audience: props.jwtAudience,
      });
    } else {
      authorizer = originOnly();
    }
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
    removeOriginHeader(this);
    // The platform's JWT check finds the service's configuration only once it is published.
    if (jwtConfig) for (const route of this.routes) route.node.addDependency(jwtConfig);
    // Routes, integrations, authorizers, listener rules and target groups count against the
    // platform API's and load balancer's quotas, checked over the app at synth.
    if (!isUnresolved(platform.platformName)) {
      // Not the platform's (reading those here would declare unused parameters on an imported platform).
      const own = props.authorizer !== undefined || (props.jwtIssuer !== undefined && !jwtConfig);
      countAgainstPlatformQuotas(this, platform.platformName, {
        authorizerIds: own ? this.routes.map(r => (r.node.defaultChild as apigwv2.CfnRoute).authorizerId)
          .filter((authorizerId): authorizerId is string => authorizerId !== undefined) : [],
      });
    }
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
        logRetention,
        originAuthorizer: originOnly(),
      });
      this.routes.push(...preflight.routes);
    }
    this.throttleRoutes(props, routeKeys.map(k => k.key));

    // ------------------------------------------------- long-lived (load balancer or proxy instance)
    if (binding.longLived && proxy && longLivedPaths.length > 0) {
      registerProxyRoutes(this, {
        platform,
        serviceName: props.serviceName,
        basePath: this.basePath,
        paths: longLivedPaths,
        healthCheckPath: healthCheckPath!,
        target: binding.longLived,
        options: props,
      });
    }
    if (binding.longLived && priority !== undefined) {
      this.longLivedTargetGroup = addLongLivedRules(this, {
        platform,
        basePath: this.basePath,
        paths: longLivedPaths,
        priority,
        healthCheckPath: healthCheckPath!,
        target: binding.longLived,
        options: props,
      });
    }

    // A platform in several Regions: the front door learns that the service runs in this stack's
    // Region once its routes exist and the target serves (an ECS service: its tasks are stable),
    // and forgets it before they are removed.
    const announcedAfter = [...this.routes, ...(this.longLivedTargetGroup ? [this.longLivedTargetGroup] : []),
      ...(binding.servingDependencies ?? [])];
    // Its long-lived paths only where they are bound (rules or proxy routes): l/<service>/<region>.
    const longLivedHere = binding.longLived !== undefined && longLivedPaths.length > 0 && (proxy || priority !== undefined);
    registerServiceRegion(this, platform, props.serviceName, this.basePath, announcedAfter, logRetention, props.regionRouting, longLivedHere);

    // ------------------------------------------------------------------------------ monitoring
    const monitoring = new ServiceApiMonitoring(this, 'Monitoring', {
      platform,
      serviceName: props.serviceName,
      resources: this.routeResources(),
      serverErrorRatePercent: props.serverErrorRateThresholdPercent ?? 5,
      ownDashboard: props.dashboard ?? false,
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
   * Route throttling is a setting of the platform's stage, which only a platform of this app
   * can change (its route-throttling capability), and only for routes in its own stack: the
   * stage may name only routes that exist, so it is deployed after them, and a stage cannot
   * wait for a stack that itself depends on the platform's stack.
   */
  private throttleRoutes(props: ApiRoutesProps, routeKeys: string[]): void {
    const { throttlingRateLimit: rate, throttlingBurstLimit: burst } = props;
    if ((rate === undefined) !== (burst === undefined)) {
      throw new PropError(this, rate === undefined ? 'throttlingBurstLimit' : 'throttlingRateLimit',
        rate ?? burst, 'set throttlingRateLimit and throttlingBurstLimit together');
    }
    if (rate === undefined || burst === undefined) return;
    const later = `deploy the service first, then call platform.addRouteThrottling('${routeKeys[1]}', rate, burst)`
      + ` (and for '${routeKeys[0]}') in the platform's app and deploy the platform`;
    const throttling = routeThrottlingOf(props.platform);
    if (!throttling) {
      throw new PropError(this, 'throttlingRateLimit', rate, 'route throttling needs the platform in the same CDK app:'
        + ` it is a setting of the platform's stage. ${later[0].toUpperCase()}${later.slice(1)}`);
    }
    if (Stack.of(this) !== Stack.of(throttling.stage)) {
      throw new PropError(this, 'throttlingRateLimit', rate, 'route throttling needs the routes in the platform\'s stack'
        + ` (${Stack.of(throttling.stage).node.path}), not in ${Stack.of(this).node.path}: API Gateway accepts route`
        + ` throttling only for routes that already exist. Add the service to the platform's stack, or ${later}`);
    }
    for (const routeKey of routeKeys) throttling.throttleRoute(routeKey, rate, burst);
    throttling.stage.node.addDependency(...this.routes);
  }

  private validateProps(props: ApiRoutesProps, longLivedPaths: string[]): void {
    validateServiceName(this, 'serviceName', props.serviceName);
    if (!isUnresolved(this.basePath) && (!PATH_RE.test(this.basePath) || this.basePath.length > 128)) {
      throw new PropError(this, 'basePath', this.basePath,
        'expected "/" and one or more lower-case segments of a-z, 0-9, ".", "_" and "-", such as "/jessica" or "/team/app", without a trailing slash');
    }
    validateLongLivedOptions(this, props.platform, props, longLivedPaths, props.healthCheckPath);
    // The listener only matters for long-lived paths (an imported one would declare its parameters otherwise).
    validateAuthOptions(this, props, longLivedPaths, longLivedPaths.length > 0 ? props.platform.longLivedListener : undefined);
    // The proxy instance gets the issuer's keys from the platform's publisher, outside the VPC.
    if (props.jwtIssuer !== undefined && longLivedPaths.length > 0 && !props.platform.longLivedProxySecurityGroup
      && privateEgressOf(props.platform)?.privateSubnetsReachInternet === false) {
      throw new PropError(this, 'jwtIssuer', props.jwtIssuer, `the load balancer that verifies tokens on longLivedPaths (${longLivedPaths.join(', ')})`
        + ' fetches the issuer\'s keys from the internet, and the platform\'s private subnets have no route there (NatType.NONE or'
        + ' NatType.PUBLIC_TASKS): use a NAT (NatType.GATEWAY or NatType.instance()), or drop jwtIssuer and check tokens in the service');
    }
    validateThrottling(this, 'throttlingRateLimit', props.throttlingRateLimit, 'throttlingBurstLimit', props.throttlingBurstLimit);
    validatePercentage(this, 'serverErrorRateThresholdPercent', props.serverErrorRateThresholdPercent);
    if (props.logRetention !== undefined) validateRetention(this, 'logRetention', props.logRetention);
    if (props.cors) validateCorsOptions(this, props.cors);
    validateLocalRunOptions(this, props.localRun);
  }
}
