import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { admitFrom } from './ingress';
import { jwtValidationActions } from './jwt';
import { validateProxyRouteOptions } from './proxy/proxy-routes';
import { IGlobalPlatform } from '../../contract/platform';
import { PropError } from '../../core/errors';
import { isUnresolved, validateAbsolutePath, validateIntegerRange, validateUnique } from '../../core/validation';
import { LongLivedTargetBinding } from '../api-target-options';
import { ServiceRoutingOptions } from '../routing-options';

/** Path segments allowed in base paths and long-lived paths. @internal */
export const PATH_RE = /^(\/[a-z0-9][a-z0-9._-]*)+$/;

/** An ALB rule matches at most 5 path patterns. */
const PATTERNS_PER_RULE = 5;

/** How many listener rules the long-lived paths need (two patterns per path). @internal */
export function longLivedRuleCount(paths: string[]): number {
  return Math.ceil((paths.length * 2) / PATTERNS_PER_RULE);
}

/**
 * How many `OPTIONS` rules go ahead of the JWT-checking rules (two patterns per path, at most 4
 * per rule: the method is the rule's fifth condition value); none without JWT.
 * @internal
 */
export function preflightRuleCount(paths: string[], jwt: boolean): number {
  return jwt ? Math.ceil((paths.length * 2) / (PATTERNS_PER_RULE - 1)) : 0;
}

/** A stable priority from the base path, in 1000..48999, leaving low numbers for hand-picked rules. @internal */
export function defaultRulePriority(basePath: string): number {
  let hash = 7;
  for (const char of basePath) {
    hash = (hash * 31 + char.charCodeAt(0)) % 2_147_483_647;
  }
  return 1000 + (hash % 48000);
}

/** What the long-lived rules of one service are built from. @internal */
export interface LongLivedRulesProps {
  readonly platform: IGlobalPlatform;
  readonly basePath: string;
  readonly paths: string[];
  readonly priority: number;
  readonly healthCheckPath: string;
  readonly target: LongLivedTargetBinding;
  readonly options: ServiceRoutingOptions;
}

/**
 * The service's rules on the platform's long-lived listener: `/p` and `/p/*` for every
 * long-lived path, forwarded to one target group of the service's tasks (after the JWT check
 * when the service has `jwtIssuer`). Opens the tasks' port to the load balancer and nothing else.
 * Creates its constructs directly in `scope` (their ids are part of the service's logical ids).
 * @internal
 */
export function addLongLivedRules(scope: Construct, props: LongLivedRulesProps): elbv2.ApplicationTargetGroup {
  const listener = props.platform.longLivedListener!;
  const { port } = props.target;
  const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'LongLivedTargetGroup', {
    vpc: props.platform.vpc,
    port,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.IP,
    targets: [props.target.target],
    healthCheck: {
      path: props.healthCheckPath,
      healthyHttpCodes: '200',
      interval: Duration.seconds(30),
    },
    deregistrationDelay: Duration.seconds(30),
  });
  admitFrom(props.target.connectable, listener, ec2.Port.tcp(port), 'platform long-lived load balancer');

  const patterns = props.paths.flatMap(p => [`${props.basePath}${p}`, `${props.basePath}${p}/*`]);
  if (props.options.jwtIssuer) {
    // A browser sends its CORS preflight (OPTIONS) without a token: forward it unchecked, as the
    // HTTP API does, in rules just ahead of the JWT-checking ones (lower numbers come first).
    const perRule = PATTERNS_PER_RULE - 1;
    const count = preflightRuleCount(props.paths, true);
    for (let i = 0; i < count; i++) {
      new elbv2.ApplicationListenerRule(scope, i === 0 ? 'LongLivedPreflightRule' : `LongLivedPreflightRule${i + 1}`, {
        listener,
        priority: props.priority - count + i,
        conditions: [
          elbv2.ListenerCondition.httpRequestMethods(['OPTIONS']),
          elbv2.ListenerCondition.pathPatterns(patterns.slice(i * perRule, (i + 1) * perRule)),
        ],
        targetGroups: [targetGroup],
      });
    }
  }
  for (let i = 0; i * PATTERNS_PER_RULE < patterns.length; i++) {
    const rule = new elbv2.ApplicationListenerRule(scope, i === 0 ? 'LongLivedRule' : `LongLivedRule${i + 1}`, {
      listener,
      priority: props.priority + i,
      conditions: [elbv2.ListenerCondition.pathPatterns(patterns.slice(i * PATTERNS_PER_RULE, (i + 1) * PATTERNS_PER_RULE))],
      targetGroups: [targetGroup],
    });
    if (props.options.jwtIssuer) {
      // The same token as on the HTTP API routes, verified by the load balancer before it forwards.
      (rule.node.defaultChild as elbv2.CfnListenerRule).actions = jwtValidationActions(props.options, targetGroup);
    }
  }
  return targetGroup;
}

/**
 * The long-lived options against the platform: it must have a long-lived origin, the paths must
 * end in its suffixes, and the load balancer cannot strip the base path.
 * @internal
 */
export function validateLongLivedOptions(scope: Construct, platform: IGlobalPlatform, options: ServiceRoutingOptions,
  paths: string[], healthCheckPath?: string): void {
  if (paths.length === 0) {
    if (options.longLivedRulePriority !== undefined) {
      throw new PropError(scope, 'longLivedRulePriority', options.longLivedRulePriority, 'only used with longLivedPaths');
    }
    if (healthCheckPath !== undefined) throw new PropError(scope, 'healthCheckPath', healthCheckPath, 'only used with longLivedPaths');
    return;
  }
  if (!platform.longLivedListener && !platform.longLivedProxySecurityGroup) {
    throw new PropError(scope, 'longLivedPaths', paths, `the platform "${platform.platformName}" has no long-lived origin:`
      + ' create it with longLivedConnections: {} (or import it with longLivedConnections: {})');
  }
  const proxy = platform.longLivedProxySecurityGroup !== undefined;
  if (proxy && options.longLivedRulePriority !== undefined) {
    throw new PropError(scope, 'longLivedRulePriority', options.longLivedRulePriority, 'only used with the load balancer origin:'
      + ' the platform\'s long-lived origin is a proxy instance (LongLivedOriginType.proxyInstance()), which has no listener rules');
  }
  if (proxy) validateProxyRouteOptions(scope, options, healthCheckPath);
  if (options.pathMode?.mode === 'strip') {
    throw new PropError(scope, 'pathMode', 'strip', (proxy ? 'long-lived paths go through the proxy instance, which keeps the base path as the load balancer does;'
      : 'long-lived paths go through the load balancer, which cannot strip the base path;')
      + ' use PathMode.KEEP_BASE_PATH and let the backend strip it');
  }
  for (const p of paths) {
    if (isUnresolved(p)) continue;
    if (!PATH_RE.test(p)) {
      throw new PropError(scope, 'longLivedPaths', p, 'expected a path such as "/ws" or "/api/stream" below the base path');
    }
    const last = p.split('/').pop()!;
    if (!platform.longLivedPathSuffixes.includes(last)) {
      throw new PropError(scope, 'longLivedPaths', p, `the front door routes only paths ending in ${platform.longLivedPathSuffixes
        .map(s => `"/${s}"`).join(', ')} to the long-lived origin (the platform's longLivedPathSuffixes)`);
    }
  }
  validateUnique(scope, 'longLivedPaths', paths, 'list each path once');
  // With jwtIssuer the OPTIONS rules take the numbers just below the priority.
  const preflight = preflightRuleCount(paths, options.jwtIssuer !== undefined);
  if (!proxy) validateIntegerRange(scope, 'longLivedRulePriority', options.longLivedRulePriority, 1 + preflight, 50_000 - longLivedRuleCount(paths) + 1);
  if (options.jwtIssuer !== undefined && options.jwtAudience && !isUnresolved(options.jwtAudience)) {
    if (options.jwtAudience.length > 10) {
      throw new PropError(scope, 'jwtAudience', options.jwtAudience, 'at most 10 audiences with longLivedPaths: the load balancer checks `aud` against at most 10 values');
    }
    const long = options.jwtAudience.find(audience => !isUnresolved(audience) && audience.length > 256);
    if (long !== undefined) {
      throw new PropError(scope, 'jwtAudience', long, 'at most 256 characters per audience with longLivedPaths (the load balancer\'s limit)');
    }
  }
  validateAbsolutePath(scope, 'healthCheckPath', healthCheckPath, '/jessica/health');
}
