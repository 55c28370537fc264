import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GlobalPlatform, GlobalPlatformProps, IGlobalPlatform } from '../../src';

/** A GlobalPlatform named `georgi` on `georgi.io` in a us-east-1 stack `S` of a new app. */
export function synth(props: Partial<GlobalPlatformProps> = {}): { platform: GlobalPlatform; stack: Stack; template: Template } {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });
  const platform = new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', ...props });
  return { platform, stack, template: Template.fromStack(stack) };
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
  const stack = new Stack(app, stackId, { env: { account: '123456789012', region: 'us-east-1' } });
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { longLivedConnections: longLivedConnections ? {} : undefined });
  return { app, stack, platform };
}
