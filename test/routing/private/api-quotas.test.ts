import { App, Stack } from 'aws-cdk-lib';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, PathMode } from '../../../src';
import { ENV, georgiPlatform } from '../../helpers/fixtures';

// The quotas that services share on one platform, checked at synth over every service of an
// app: an app that goes past a default quota fails with the quota's name and how to raise it.

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/service:1');

function synthError(build: (app: App) => void): string | undefined {
  const app = new App();
  build(app);
  try {
    app.synth();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** `count` URL services, 50 to a stack (CloudFormation's 500 resources), in an app that imports the platform by name. */
function urlServices(app: App, count: number, extra: (n: number) => Record<string, unknown> = () => ({})): void {
  for (let n = 0; n < count; n++) {
    const id = `Services${Math.floor(n / 50)}`;
    const stack = (app.node.tryFindChild(id) as Stack | undefined) ?? new Stack(app, id, { env: ENV });
    const platform = (stack.node.tryFindChild('Platform') as unknown as ReturnType<typeof GlobalPlatform.fromPlatformName> | undefined)
      ?? GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io' });
    new ApiRoutes(stack, `Routes${n}`, { platform, serviceName: `svc${n}`, target: ApiTarget.httpUrl(`https://svc${n}.example.com`), ...extra(n) });
  }
}

describe('shared quotas, checked at synth', () => {
  test('150 services with two routes each: 300 routes, at the quota, synthesize', () => {
    expect(synthError(app => urlServices(app, 150))).toBeUndefined();
  });

  test('151 services: 302 routes fail, naming the quota, the figure and how to raise it', () => {
    expect(synthError(app => urlServices(app, 151))).toMatch(
      /the services of the platform georgi in this app need 302 of the HTTP API "Routes per API" quota, whose default is 300: request an increase .*Service Quotas console \(API Gateway, L-65B5C802\)/);
  });

  test('two integrations per service with STRIP_BASE_PATH: 151 services are 302 integrations, a quota AWS does not raise', () => {
    const message = synthError(app => urlServices(app, 151, () => ({ pathMode: PathMode.STRIP_BASE_PATH })));
    expect(message).toMatch(/need 302 of the HTTP API "Integrations per API" quota, whose default is 300: it cannot be raised/);
  });

  test('authorizers of one\'s own count once each, beside the platform\'s two: the ninth one fails', () => {
    const withOwn = (count: number) => synthError(app => {
      const stack = new Stack(app, 'Platform', { env: ENV });
      const platform = georgiPlatform(stack);
      // aws-cdk-lib's JWT authorizer makes its resource under the API (in the platform's tree) on first use.
      const authorizers = Array.from({ length: count }, (_, i) => new HttpJwtAuthorizer(`Own${i}`, 'https://issuer.example.com', {
        jwtAudience: ['a'],
      }));
      // Two services share each authorizer object: it counts once.
      for (let n = 0; n < count * 2; n++) {
        new ApiRoutes(stack, `Routes${n}`, {
          platform, serviceName: `svc${n}`, target: ApiTarget.httpUrl(`https://svc${n}.example.com`), authorizer: authorizers[n % count],
        });
      }
    });
    expect(withOwn(8)).toBeUndefined();
    expect(withOwn(9)).toMatch(/need 11 of the HTTP API "Authorizers per API" quota, whose default is 10: ask AWS Support .* use jwtIssuer instead/);
  });

  test('an IAM authorizer adds no authorizer resource and counts nothing', () => {
    expect(synthError(app => {
      const stack = new Stack(app, 'Platform', { env: ENV });
      const platform = georgiPlatform(stack);
      for (let n = 0; n < 20; n++) {
        new ApiRoutes(stack, `Routes${n}`, {
          platform, serviceName: `svc${n}`, target: ApiTarget.httpUrl(`https://svc${n}.example.com`), authorizer: new HttpIamAuthorizer(),
        });
      }
    })).toBeUndefined();
  });

  test('101 services with long-lived paths: 101 listener rules and target groups on the platform\'s load balancer fail', () => {
    const message = synthError(app => {
      const stack = new Stack(app, 'Platform', { env: ENV });
      const platform = georgiPlatform(stack, { longLivedConnections: {} });
      for (let n = 0; n < 101; n++) {
        new ContainerService(stack, `Service${n}`, { platform, serviceName: `svc${n}`, image: IMAGE, longLivedPaths: ['/ws'], longLivedRulePriority: 1 + n * 2 });
      }
    });
    expect(message).toMatch(/need 101 of the Elastic Load Balancing "Rules per Application Load Balancer" quota, whose default is 100/);
    expect(message).toMatch(/need 101 of the Elastic Load Balancing "Target Groups per Application Load Balancer" quota/);
  });
});
