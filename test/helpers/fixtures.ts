import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { errorOf } from './errors';
import { GlobalPlatform, GlobalPlatformProps, IGlobalPlatform } from '../../src';

/**
 * The test fixtures every suite builds on: the test account, stacks in it, the platform `georgi`
 * on `georgi.io` (created or imported). One module, so that a change of the usual platform is
 * made once.
 */

/** The account of every test stack. */
export const ACCOUNT = '123456789012';

/** The usual test environment: the test account in us-east-1. */
export const ENV = { account: ACCOUNT, region: 'us-east-1' };

/** A stack `id` (default `S`) in the test account (no cross-region references: the platform needs none). */
export function testStack(app: App = new App(), id = 'S', region = 'us-east-1', crossRegionReferences = false): Stack {
  return new Stack(app, id, { env: { account: ACCOUNT, region }, crossRegionReferences });
}

/** The platform `georgi` on `georgi.io` in `stack` (construct id `Platform`), with `props` on top. */
export function georgiPlatform(stack: Stack, props: Partial<GlobalPlatformProps> = {}): GlobalPlatform {
  return new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', ...props });
}

/** A synthesized platform: its app, stack and template. */
export interface PlatformSynth {
  readonly app: App;
  readonly stack: Stack;
  readonly platform: GlobalPlatform;
  readonly template: Template;
}

/** `georgiPlatform` in a stack `S` of a new app (us-east-1 unless given), synthesized. */
export function synthPlatform(props: Partial<GlobalPlatformProps> = {}, region = 'us-east-1', crossRegionReferences = false): PlatformSynth {
  const app = new App();
  const stack = testStack(app, 'S', region, crossRegionReferences);
  const platform = georgiPlatform(stack, props);
  return { app, stack, platform, template: Template.fromStack(stack) };
}

/** The logical id of the one resource of `type` (with `properties`); fails unless there is exactly one. */
export function onlyId(template: Template, type: string, properties?: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, properties ? { Properties: properties } : undefined));
  expect(found).toHaveLength(1);
  return found[0];
}

/** A service repository's app: a stack and the platform `georgi` imported from its SSM parameters. */
export interface ImportedPlatform {
  readonly app: App;
  readonly stack: Stack;
  readonly platform: IGlobalPlatform;
}

/** Stack `stackId` (default `Service`, us-east-1) in `app` with `GlobalPlatform.fromPlatformName(..., 'georgi')`. */
export function importedPlatform(longLivedConnections = true, app = new App(), stackId = 'Service'): ImportedPlatform {
  const stack = testStack(app, stackId);
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', {
    domainName: 'georgi.io', longLivedConnections: longLivedConnections ? {} : undefined,
  });
  return { app, stack, platform };
}

/** A shared platform stack in which a validation suite builds one service after another. */
export interface ServiceFactory<P, C> {
  /** The platform stack (created on first use). */
  readonly shared: () => { readonly stack: Stack; readonly platform: GlobalPlatform };
  /** Builds the next service (ids and names stay unique: `n` counts up). */
  readonly make: (props?: Partial<P>) => C;
  /** The message of the error `make(props)` throws; it starts with the construct path. */
  readonly messageOf: (props: Partial<P>) => string;
}

/**
 * No synthesis: every call builds one service with `build` in one platform stack (the georgi
 * platform with a long-lived origin), so validation suites stay fast.
 */
export function serviceFactory<P, C>(build: (stack: Stack, platform: GlobalPlatform, n: number, props: Partial<P>) => C): ServiceFactory<P, C> {
  let cached: { stack: Stack; platform: GlobalPlatform } | undefined;
  let counter = 0;
  const shared = () => {
    if (!cached) {
      const stack = testStack(new App(), 'Platform');
      cached = { stack, platform: georgiPlatform(stack, { longLivedConnections: {} }) };
    }
    return cached;
  };
  const make = (props: Partial<P> = {}): C => {
    const { stack, platform } = shared();
    counter++;
    return build(stack, platform, counter, props);
  };
  return { shared, make, messageOf: props => errorOf(() => make(props)).message };
}
