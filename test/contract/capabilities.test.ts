import { App } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiRoutes, ApiTarget, IGlobalPlatform } from '../../src';
import { RouteThrottling, routeThrottlingOf } from '../../src/contract/capabilities';
import { georgiPlatform, importedPlatform, testStack } from '../helpers/fixtures';

describe('capabilities', () => {
  test('a GlobalPlatform can throttle routes; an imported platform cannot', () => {
    const stack = testStack(new App(), 'S');
    const platform = georgiPlatform(stack);
    expect(routeThrottlingOf(platform)?.stage).toBe(platform.httpStage);
    expect(routeThrottlingOf(importedPlatform().platform)).toBeUndefined();
  });

  test('found by a global symbol, not by class: a platform of another copy of the package is recognised', () => {
    // What a second copy of the package would build: an object of another class that only
    // carries the capability under the shared Symbol.for key.
    const f = importedPlatform(false);
    const calls: Array<[string, number, number]> = [];
    const stage = new Construct(f.stack, 'ForeignStage');
    const foreign: RouteThrottling = { stage, throttleRoute: (key, rate, burst) => calls.push([key, rate, burst]) };
    Object.defineProperty(f.platform, Symbol.for('@georgi-io/platform-constructs.RouteThrottling'), { value: foreign });
    expect(routeThrottlingOf(f.platform)).toBe(foreign);

    new ApiRoutes(f.stack, 'Routes', {
      platform: f.platform as IGlobalPlatform,
      serviceName: 'svc',
      target: ApiTarget.httpUrl('https://legacy.example.com'),
      throttlingRateLimit: 5,
      throttlingBurstLimit: 10,
    });
    expect(calls).toEqual([['ANY /svc', 5, 10], ['ANY /svc/{proxy+}', 5, 10]]);
    expect(stage.node.dependencies.map(d => d.node.id).sort()).toEqual(['BaseRoute', 'ProxyRoute']);
  });
});
