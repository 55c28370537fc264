import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropError } from '../../core/errors';

/** One claim of a base path on a platform's central API. @internal */
interface Claim {
  readonly serviceName: string;
  /** Undefined for a service without routes (it claims only its name). */
  readonly basePath?: string;
  readonly owner: string;
  readonly rules?: RulePriorities;
}

/** Consecutive listener rule priorities a service uses: `first` to `first + count - 1`. @internal */
export interface RulePriorities {
  readonly first: number;
  readonly count: number;
}

/**
 * Claims per CDK app, per platform: a platform is its name in one account and Region (its SSM
 * parameters are per Region; the names that are per account carry the Region), so the stages
 * of a pipeline in their own accounts or Regions may each carry the same services.
 * Environment-agnostic stacks all count as one account and Region.
 */
const registries = new WeakMap<IConstruct, Map<string, Claim[]>>();

function claimsOf(scope: IConstruct, platformName: string): Claim[] {
  const root = scope.node.root;
  let byPlatform = registries.get(root);
  if (!byPlatform) {
    byPlatform = new Map();
    registries.set(root, byPlatform);
  }
  const key = platformKeyOf(scope, platformName);
  let claims = byPlatform.get(key);
  if (!claims) {
    claims = [];
    byPlatform.set(key, claims);
  }
  return claims;
}

/**
 * A platform within one CDK app: its name in the account and Region of `scope`'s stack.
 * @internal
 */
export function platformKeyOf(scope: IConstruct, platformName: string): string {
  const stack = [...scope.node.scopes].reverse().find(Stack.isStack);
  return stack ? `${platformName} in ${stack.account}/${stack.region}` : platformName;
}

/** `/a` and `/a/b` overlap; `/a` and `/ab` do not. @internal */
export function basePathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * Records that `owner` serves `basePath` (undefined: a service without routes, which claims only
 * its name) as `serviceName` (and, optionally, with load balancer
 * rule priorities) on the platform named `platformName`, and fails when another construct in the
 * same app and account already claimed the service name (it names alarms, dashboards and the authorizer),
 * an overlapping base path or the same priority. Services in different apps cannot see each
 * other: there the central API's own conflict check at deploy time is the last guard.
 *
 * @internal
 */
export function claimBasePath(scope: IConstruct, platformName: string, serviceName: string, basePath: string | undefined,
  rules?: RulePriorities): void {
  const claims = claimsOf(scope, platformName);
  const owner = scope.node.path;
  const describe = (r: RulePriorities) => r.count === 1 ? `${r.first}` : `${r.first}-${r.first + r.count - 1}`;
  for (const claim of claims) {
    if (basePath !== undefined && claim.basePath !== undefined && basePathsOverlap(claim.basePath, basePath)) {
      throw new PropError(scope, 'basePath', basePath, `it overlaps "${claim.basePath}" of ${claim.owner} on platform "${platformName}";`
        + ' each service needs its own base path, and one may not be inside another');
    }
    const other = claim.rules;
    if (rules && other && rules.first < other.first + other.count && other.first < rules.first + rules.count) {
      throw new PropError(scope, 'longLivedRulePriority', rules.first, `the service's rule priorities ${describe(rules)} overlap`
        + ` ${describe(other)} of ${claim.owner} on platform "${platformName}"; set longLivedRulePriority to a free value`);
    }
    if (claim.serviceName === serviceName) {
      throw new PropError(scope, 'serviceName', serviceName, `it is already used by ${claim.owner} on platform "${platformName}";`
        + ' it names the service\'s alarms, dashboard and authorizer, so each service needs its own');
    }
  }
  claims.push({ serviceName, basePath, owner, rules });
}
