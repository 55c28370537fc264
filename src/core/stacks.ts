import { Stack } from 'aws-cdk-lib';

/**
 * `consumer` deploys after `target` (and is destroyed before it). aws-cdk-lib renamed
 * `Stack.addDependency` to `addStackDependency` after our minimum (2.257 has only the old name;
 * 2.276 warns that the old one is deprecated): call the new one where it exists.
 * @internal
 */
export function addStackDependency(consumer: Stack, target: Stack, reason: string): void {
  const stack = consumer as Stack & { addStackDependency?: (target: Stack, reason?: string) => void };
  if (typeof stack.addStackDependency === 'function') {
    stack.addStackDependency(target, reason);
  } else {
    consumer.addDependency(target, reason);
  }
}
