import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, IGlobalPlatform, TtsService } from '../../src';
import { ENV, georgiPlatform } from '../helpers/fixtures';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
const SITE = path.join(__dirname, '../fixtures/site');
const SSM_STRING = 'AWS::SSM::Parameter::Value<String>';

/** App A: the infrastructure repository. */
function platformApp(): { app: App; stack: Stack; platform: GlobalPlatform } {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(stack, { longLivedConnections: {} });
  return { app, stack, platform };
}

/** Jessica with its page, service1 (container) and service2 (Lambda) on `platform`. */
function addServices(stack: Stack, platform: IGlobalPlatform): void {
  new TtsService(stack, 'Jessica', { platform, serviceName: 'jessica', image: IMAGE, frontendPath: SITE });
  new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
  const role = new iam.Role(stack, 'Service2Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const handler = new lambda.Function(stack, 'Service2Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    role,
  });
  new ApiRoutes(stack, 'Service2', { platform, serviceName: 'service2', target: ApiTarget.lambdaFunction(handler) });
}

/** App B: a service repository, with no reference to app A at all. */
function serviceApp(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Services', { env: ENV });
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io', longLivedConnections: {} });
  addServices(stack, platform);
  return { app, stack };
}

function parametersOf(template: any): Record<string, { Type: string; Default: string }> {
  return Object.fromEntries(Object.entries(template.Parameters ?? {}).filter(([id]) => id !== 'BootstrapVersion')) as any;
}

describe('two apps: the platform in app A, the services in app B', () => {
  let templateA: any;
  let templateAWithB: any;
  let templateB: any;
  let publishedNames: Set<string>;
  let stackNames: { a: string[]; b: string[] };
  const param = (name: string) => {
    const found = Object.entries(parametersOf(templateB)).filter(([, p]) => p.Default === `/platform/georgi/${name}`);
    expect(found).toHaveLength(1);
    return { Ref: found[0][0] };
  };

  beforeAll(() => {
    // A alone ...
    const alone = platformApp();
    templateA = Template.fromStack(alone.stack).toJSON();
    // ... and A again, synthesized after B was built and synthesized.
    const a = platformApp();
    const b = serviceApp();
    templateB = Template.fromStack(b.stack).toJSON();
    templateAWithB = Template.fromStack(a.stack).toJSON();
    stackNames = { a: a.app.synth().stacks.map(st => st.stackName), b: b.app.synth().stacks.map(st => st.stackName) };
    publishedNames = new Set(Object.values(templateA.Resources)
      .filter((r: any) => r.Type === 'AWS::SSM::Parameter')
      .map((r: any) => r.Properties.Name as string));
  });

  test('both apps synthesize, each with one stack', () => {
    expect(stackNames).toEqual({ a: ['Platform'], b: ['Services'] });
    expect(templateA.Resources).toBeDefined();
    expect(templateB.Resources).toBeDefined();
    expect(Object.keys(templateB.Resources).length).toBeGreaterThan(50);
  });

  test('B has no CloudFormation import and exports nothing', () => {
    const json = JSON.stringify(templateB);
    expect(json).not.toContain('Fn::ImportValue');
    for (const output of Object.values(templateB.Outputs ?? {})) {
      expect((output as any).Export).toBeUndefined();
    }
  });

  test('B reads the platform only through SSM parameters that A publishes', () => {
    const parameters = Object.values(parametersOf(templateB));
    expect(parameters.length).toBeGreaterThan(5);
    expect(publishedNames.size).toBeGreaterThan(20);
    for (const parameter of parameters) {
      expect(parameter.Type).toBe(SSM_STRING);
      expect(publishedNames).toContain(parameter.Default);
    }
  });

  test('every route is on the imported API', () => {
    const routes = Object.values(templateB.Resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route') as any[];
    expect(routes.map(r => r.Properties.RouteKey).sort()).toEqual([
      'ANY /jessica', 'ANY /jessica/{proxy+}', 'ANY /service1', 'ANY /service1/{proxy+}', 'ANY /service2', 'ANY /service2/{proxy+}',
      'OPTIONS /jessica', 'OPTIONS /jessica/{proxy+}',
    ]);
    for (const route of routes) expect(route.Properties.ApiId).toEqual(param('api/http-api-id'));
    const template = Template.fromJSON(templateB);
    template.allResourcesProperties('AWS::ApiGatewayV2::Integration', { ApiId: param('api/http-api-id') });
  });

  test('the container integrations use the imported VPC link', () => {
    const template = Template.fromJSON(templateB);
    const viaLink = template.findResources('AWS::ApiGatewayV2::Integration', { Properties: { ConnectionType: 'VPC_LINK' } });
    expect(Object.keys(viaLink)).toHaveLength(2);
    for (const integration of Object.values(viaLink)) expect(integration.Properties.ConnectionId).toEqual(param('api/vpc-link-id'));
  });

  test('both Fargate services run on the imported cluster, in the imported subnets', () => {
    const services = Object.values(templateB.Resources).filter((r: any) => r.Type === 'AWS::ECS::Service') as any[];
    expect(services.map(s => s.Properties.ServiceName).sort()).toEqual(['jessica', 'service1']);
    for (const service of services) {
      expect(service.Properties.Cluster).toEqual(param('compute/cluster-name'));
      expect(JSON.stringify(service.Properties.NetworkConfiguration)).toContain(JSON.stringify(param('network/service-subnet-ids')));
    }
  });

  test('Jessica long-lived rules are on the imported listener', () => {
    Template.fromJSON(templateB).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: param('front-door/long-lived-listener-arn'),
      Conditions: [Match.objectLike({ PathPatternConfig: { Values: ['/jessica/ws', '/jessica/ws/*', '/jessica/mcp', '/jessica/mcp/*'] } })],
    });
  });

  test('Jessica page: the imported edge certificate, the imported zone, and config.json known at synth', () => {
    const template = Template.fromJSON(templateB);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        // the domain is known at synth (an import option): a real host name, as CDK's template validation wants
        Aliases: ['jessica.georgi.io'],
        ViewerCertificate: Match.objectLike({ AcmCertificateArn: param('tls/edge-certificate-arn') }),
      }),
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { HostedZoneId: param('dns/hosted-zone-id'), Type: 'A' });
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0];
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    // every URL in config.json is literal now (the domain is an import option): no deploy-time markers
    // (aws-cdk-lib 2.257 writes an empty marker object per source, newer releases none at all)
    for (const markers of deployment.Properties.SourceMarkers ?? []) expect(markers).toEqual({});
  });

  test('alarms of B notify the imported topic', () => {
    const alarms = Object.values(templateB.Resources).filter((r: any) => r.Type === 'AWS::CloudWatch::Alarm') as any[];
    expect(alarms.length).toBe(4 + 4 + 1);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([param('monitoring/alarm-topic-arn')]);
  });

  test("A's template is the same whether or not B exists", () => {
    expect(templateAWithB).toEqual(templateA);
    const json = JSON.stringify(templateA);
    for (const text of ['/jessica', '/service1', '/service2']) expect(json).not.toContain(text);
  });
});

describe('one app: the platform stack and a services stack', () => {
  interface SameApp { platformTemplate: any; servicesTemplate: any; platformStack: Stack; servicesStack: Stack }
  let result: SameApp | undefined;
  let failure: unknown;
  const get = (): SameApp => {
    if (!result) throw failure;
    return result;
  };

  beforeAll(() => {
    try {
      const { app, stack, platform } = platformApp();
      const services = new Stack(app, 'Services', { env: ENV });
      addServices(services, platform);
      app.synth();
      result = {
        platformStack: stack,
        servicesStack: services,
        platformTemplate: Template.fromStack(stack).toJSON(),
        servicesTemplate: Template.fromStack(services).toJSON(),
      };
    } catch (e) {
      failure = e;
    }
  });

  test('both stacks synthesize', () => {
    expect(failure).toBeUndefined();
  });

  test('the services stack depends on the platform stack, never the other way round', () => {
    const { platformStack, servicesStack } = get();
    expect(servicesStack.dependencies).toContain(platformStack);
    expect(platformStack.dependencies).not.toContain(servicesStack);
  });

  test('routes are on the platform API through a CloudFormation export (allowed within one app)', () => {
    const { platformTemplate, servicesTemplate, platformStack } = get();
    const apiId = platformStack.getLogicalId(Object.values(platformStack.node.findAll())
      .find(c => c.node.path === 'Platform/Platform/Api/HttpApi/Resource') as any);
    const exportOf = Object.values(platformTemplate.Outputs ?? {})
      .find((o: any) => JSON.stringify(o.Value) === JSON.stringify({ Ref: apiId })) as any;
    expect(exportOf?.Export?.Name).toBeDefined();
    const routes = Object.values(servicesTemplate.Resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route') as any[];
    expect(routes.length).toBe(8);
    for (const route of routes) expect(route.Properties.ApiId).toEqual({ 'Fn::ImportValue': exportOf.Export.Name });
  });

  test('the Fargate services run on the platform cluster', () => {
    const { servicesTemplate } = get();
    const services = Object.values(servicesTemplate.Resources).filter((r: any) => r.Type === 'AWS::ECS::Service') as any[];
    expect(services).toHaveLength(2);
    for (const service of services) expect(Object.keys(service.Properties.Cluster)).toEqual(['Fn::ImportValue']);
  });

  test('a Lambda service alone in a separate stack of the platform app synthesizes', () => {
    const { app, platform } = platformApp();
    const services = new Stack(app, 'Services', { env: ENV });
    const handler = new lambda.Function(services, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    });
    new ApiRoutes(services, 'Service2', { platform, serviceName: 'service2', target: ApiTarget.lambdaFunction(handler) });
    expect(() => app.synth()).not.toThrow();
  });
});
