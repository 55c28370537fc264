import { App, Stack } from 'aws-cdk-lib';
import { addStackDependency } from '../../src/core/stacks';

describe('addStackDependency', () => {
  test('the consumer deploys after the target, on whichever aws-cdk-lib the tests run', () => {
    const app = new App();
    const target = new Stack(app, 'Target');
    const consumer = new Stack(app, 'Consumer');
    addStackDependency(consumer, target, 'reads its outputs');
    expect(consumer.dependencies).toEqual([target]);
  });

  test('calls addStackDependency where aws-cdk-lib has it (addDependency is deprecated there), addDependency otherwise', () => {
    const app = new App();
    const target = new Stack(app, 'Target');
    const consumer = new Stack(app, 'Consumer');
    const calls: string[] = [];
    const renamed = Object.assign(Object.create(consumer), {
      addStackDependency: (_: Stack, reason?: string) => calls.push(`new: ${reason}`),
      addDependency: (_: Stack, reason?: string) => calls.push(`old: ${reason}`),
    });
    addStackDependency(renamed, target, 'r1');
    const old = Object.assign(Object.create(consumer), {
      addStackDependency: undefined,
      addDependency: (_: Stack, reason?: string) => calls.push(`old: ${reason}`),
    });
    addStackDependency(old, target, 'r2');
    expect(calls).toEqual(['new: r1', 'old: r2']);
  });
});
