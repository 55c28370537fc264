import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { IConstruct } from 'constructs';
import { platformKeyOf } from './base-path-registry';

/**
 * The default quotas that every service of a platform shares, checked at synth over all the
 * services of one CDK app (services in other apps cannot be seen: the platform's README gives
 * the per-service figures to add them up).
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * @internal
 */
export const SHARED_QUOTAS = [
  {
    key: 'routes',
    name: 'HTTP API "Routes per API"',
    limit: 300,
    raise: 'request an increase for the platform\'s API in the Service Quotas console (API Gateway, L-65B5C802)',
  },
  {
    key: 'integrations',
    name: 'HTTP API "Integrations per API"',
    limit: 300,
    raise: 'it cannot be raised: give services that share a backend one target, or move services to a second platform',
  },
  {
    key: 'authorizers',
    name: 'HTTP API "Authorizers per API"',
    limit: 10,
    raise: 'ask AWS Support to raise it for the platform\'s API, or use jwtIssuer instead of an authorizer of your own'
      + ' (services with jwtIssuer share the platform\'s)',
  },
  {
    key: 'listenerRules',
    name: 'Elastic Load Balancing "Rules per Application Load Balancer"',
    limit: 100,
    raise: 'request an increase in the Service Quotas console (Elastic Load Balancing), or give services fewer longLivedPaths',
  },
  {
    key: 'targetGroups',
    name: 'Elastic Load Balancing "Target Groups per Application Load Balancer"',
    limit: 100,
    raise: 'request an increase in the Service Quotas console (Elastic Load Balancing)',
  },
] as const;

/** @internal */
export type QuotaKey = typeof SHARED_QUOTAS[number]['key'];

/** What one platform's services use of the shared quotas. @internal */
export type QuotaUsage = Record<QuotaKey, number>;

interface PlatformEntry {
  readonly platformName: string;
  /** The constructs whose resources count: every ApiRoutes, and the platform when it is in this app. */
  readonly members: IConstruct[];
  /**
   * The authorizers that services' routes use besides the platform's two (an `authorizer` of
   * one's own, or API Gateway's JWT authorizer of a service on a platform without shared ones),
   * by the route's `AuthorizerId` as written (one token per authorizer, in whichever stack).
   */
  readonly authorizerIds: Set<string>;
}

const registries = new WeakMap<IConstruct, Map<string, PlatformEntry>>();

/** The platform's own authorizers: `origin` and `jwt-origin`. */
const PLATFORM_AUTHORIZERS = 2;

/**
 * Counts `member`'s resources against the quotas of the platform named `platformName`: call it
 * from every construct that adds routes, integrations, listener rules or target groups to a
 * platform, with the ids of the authorizers its routes use besides the platform's. The first
 * call in an app adds the check to the app's root.
 * @internal
 */
export function countAgainstPlatformQuotas(member: IConstruct, platformName: string, options: { authorizerIds?: string[] } = {}): void {
  const root = member.node.root;
  let byPlatform = registries.get(root);
  if (!byPlatform) {
    const created = new Map<string, PlatformEntry>();
    byPlatform = created;
    registries.set(root, created);
    root.node.addValidation({ validate: () => [...created.values()].flatMap(quotaErrors) });
  }
  const key = platformKeyOf(member, platformName);
  let entry = byPlatform.get(key);
  if (!entry) {
    entry = { platformName, members: [], authorizerIds: new Set() };
    byPlatform.set(key, entry);
  }
  entry.members.push(member);
  for (const id of options.authorizerIds ?? []) entry.authorizerIds.add(id);
}

/** What the members of `entry` use. @internal */
export function quotaUsage(entry: Pick<PlatformEntry, 'members' | 'authorizerIds'>): QuotaUsage {
  const usage: QuotaUsage = { routes: 0, integrations: 0, authorizers: 0, listenerRules: 0, targetGroups: 0 };
  for (const member of entry.members) {
    for (const node of member.node.findAll()) {
      if (node instanceof apigwv2.CfnRoute) usage.routes++;
      else if (node instanceof apigwv2.CfnIntegration) usage.integrations++;
      else if (node instanceof elbv2.CfnListenerRule) usage.listenerRules++;
      else if (node instanceof elbv2.CfnTargetGroup) usage.targetGroups++;
    }
  }
  // Authorizers are counted by the routes that use them, not where they were made (aws-cdk-lib's
  // HttpLambdaAuthorizer puts its resource under the API, in the platform's tree).
  usage.authorizers = PLATFORM_AUTHORIZERS + entry.authorizerIds.size;
  return usage;
}

function quotaErrors(entry: PlatformEntry): string[] {
  const usage = quotaUsage(entry);
  return SHARED_QUOTAS.filter(q => usage[q.key] > q.limit).map(q =>
    `the services of the platform ${entry.platformName} in this app need ${usage[q.key]} of the ${q.name} quota, whose default is`
    + ` ${q.limit}: ${q.raise}`);
}
