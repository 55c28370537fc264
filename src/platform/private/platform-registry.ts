import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropError } from '../../core/errors';

/** The platforms of each CDK app, by `<platformName> in <account>/<region>`. */
const registries = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Refuses a second `GlobalPlatform` with the same name in the same account and Region of one
 * app: both would write the same SSM parameters (`/platform/<name>/...`), log groups and named
 * resources. The same name in another account or Region (pipeline stages) is fine.
 * @internal
 */
export function claimPlatformName(scope: IConstruct, platformName: string): void {
  const root = scope.node.root;
  let platforms = registries.get(root);
  if (!platforms) {
    platforms = new Map();
    registries.set(root, platforms);
  }
  const stack = Stack.of(scope);
  const key = `${platformName} in ${stack.account}/${stack.region}`;
  const other = platforms.get(key);
  if (other !== undefined) {
    throw new PropError(scope, 'platformName', platformName, `the platform ${other} of this app already uses it in the same account`
      + ` and Region (${stack.region}): their SSM parameters /platform/${platformName}/..., log groups and named resources would`
      + ' collide; give each platform its own name');
  }
  platforms.set(key, scope.node.path);
}
