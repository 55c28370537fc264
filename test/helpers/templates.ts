import { Template } from 'aws-cdk-lib/assertions';

/** A resource of a synthesized template. */
export type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, any>; DependsOn?: string[] };

/** The resources of one type, by logical id. */
export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** The one resource of `type` that passes `filter` (fails unless there is exactly one). */
export function onlyOne(template: Template, type: string, filter: (r: Resource) => boolean = () => true): [string, Resource] {
  const found = Object.entries(resources(template, type)).filter(([, r]) => filter(r));
  expect(found).toHaveLength(1);
  return found[0];
}

/** The HTTP API route with this route key. */
export function routeByKey(template: Template, key: string): [string, Resource] {
  return onlyOne(template, 'AWS::ApiGatewayV2::Route', r => r.Properties.RouteKey === key);
}

/** The logical id of the integration a route targets (`integrations/<ref>`). */
export function integrationIdOf(route: Resource): string {
  const target = route.Properties.Target;
  expect(target['Fn::Join'][1][0]).toBe('integrations/');
  return target['Fn::Join'][1][1].Ref;
}

/** The integration a route targets. */
export function integrationOf(template: Template, route: Resource): Resource {
  const id = integrationIdOf(route);
  const integration = resources(template, 'AWS::ApiGatewayV2::Integration')[id];
  expect(integration).toBeDefined();
  return integration;
}
