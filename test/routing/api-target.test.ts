import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { ApiRoutes, ApiTarget, ApiTargetBinding, ApiTargetBindOptions, GlobalPlatform, PathMode } from '../../src';
import { errorOf } from '../helpers/errors';
import { ENV, georgiPlatform, importedPlatform, ImportedPlatform } from '../helpers/fixtures';
import { integrationIdOf, integrationOf, onlyOne, Resource, resources, routeByKey } from '../helpers/templates';

/**
 * Every `ApiTarget` factory, asserted on the `AWS::ApiGatewayV2::Integration` it synthesizes.
 * (api-routes.test.ts covers what `ApiRoutes` builds around the integrations.)
 */

const ANY_BASE = 'ANY /jessica';
const ANY_PROXY = 'ANY /jessica/{proxy+}';
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const LISTENER_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/internal/0123456789abcdef/0123456789abcdef';
const CLOUD_MAP_ARN = 'arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef';

// ------------------------------------------------------------------------------------ fixtures

/** The platform's own app: routes in the platform stack itself. */
function real(): ImportedPlatform & { readonly platform: GlobalPlatform } {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(stack);
  return { app, stack, platform };
}

function routesOf(f: ImportedPlatform, target: ApiTarget, pathMode?: PathMode): ApiRoutes {
  return new ApiRoutes(f.stack, 'JessicaRoutes', { platform: f.platform, serviceName: 'jessica', target, pathMode });
}

/** A Fargate service on the platform's cluster whose container maps 9020. */
function fargateService(f: ImportedPlatform, dns: servicediscovery.DnsRecordType | 'none' = servicediscovery.DnsRecordType.SRV): ecs.FargateService {
  const taskDefinition = new ecs.FargateTaskDefinition(f.stack, 'TaskDef');
  const container = taskDefinition.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:latest'),
    portMappings: [{ containerPort: 9020 }],
  });
  return new ecs.FargateService(f.stack, 'EcsService', {
    cluster: f.platform.cluster,
    taskDefinition,
    cloudMapOptions: dns === 'none' ? undefined : {
      cloudMapNamespace: f.platform.namespace,
      dnsRecordType: dns as servicediscovery.DnsRecordType.A | servicediscovery.DnsRecordType.SRV,
      containerPort: dns === servicediscovery.DnsRecordType.SRV ? 9020 : undefined,
      container,
    },
  });
}

function internalAlb(f: ImportedPlatform): elbv2.ApplicationLoadBalancer {
  return new elbv2.ApplicationLoadBalancer(f.stack, 'Alb', { vpc: f.platform.vpc, internetFacing: false });
}

function httpListener(f: ImportedPlatform): elbv2.ApplicationListener {
  return internalAlb(f).addListener('Listener', { port: 80, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
}

/** An HTTPS listener on 443; its protocol comes from the certificate unless `explicitProtocol`. */
function httpsListener(f: ImportedPlatform, explicitProtocol = false): elbv2.ApplicationListener {
  return internalAlb(f).addListener('Listener', {
    port: 443,
    protocol: explicitProtocol ? elbv2.ApplicationProtocol.HTTPS : undefined,
    certificates: [elbv2.ListenerCertificate.fromArn(CERTIFICATE_ARN)],
    open: false,
    defaultAction: elbv2.ListenerAction.fixedResponse(404),
  });
}

function importedListener(f: ImportedPlatform, defaultPort?: number): elbv2.IApplicationListener {
  const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(f.stack, 'AlbSg', 'sg-0123456789abcdef0');
  return elbv2.ApplicationListener.fromApplicationListenerAttributes(f.stack, 'ImportedListener', {
    listenerArn: LISTENER_ARN, securityGroup, defaultPort,
  });
}

function handler(f: ImportedPlatform): lambda.Function {
  return new lambda.Function(f.stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

// ------------------------------------------------------------------------------------- helpers

/** The integration the route with `key` targets (`integrations/<ref>`). */
function integrationOfRoute(template: Template, key: string): { id: string; properties: Record<string, any> } {
  const [, route] = routeByKey(template, key);
  return { id: integrationIdOf(route), properties: integrationOf(template, route).Properties };
}

/** The one integration both routes share (`PathMode.KEEP_BASE_PATH`). */
function sharedIntegration(template: Template): Record<string, any> {
  template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
  const base = integrationOfRoute(template, ANY_BASE);
  expect(integrationOfRoute(template, ANY_PROXY).id).toBe(base.id);
  return base.properties;
}

/** `{ Ref }` of the CloudFormation parameter that reads the SSM parameter `name`. */
function ssmRef(template: Template, name: string): { Ref: string } {
  const parameters = Object.entries(template.toJSON().Parameters ?? {}) as Array<[string, { Type: string; Default: string }]>;
  const found = parameters.filter(([, p]) => p.Default === name);
  expect(found).toHaveLength(1);
  return { Ref: found[0][0] };
}

const VPC_LINK_ID = '/platform/georgi/api/vpc-link-id';
const VPC_LINK_SG = '/platform/georgi/api/vpc-link-security-group-id';

/** Ingress rules on `port` whose source is the imported VPC link security group. */
function vpcLinkIngress(template: Template, port: number): Resource[] {
  const source = JSON.stringify(ssmRef(template, VPC_LINK_SG));
  return Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress')).filter(r =>
    r.Properties.IpProtocol === 'tcp' && r.Properties.FromPort === port && r.Properties.ToPort === port
    && JSON.stringify(r.Properties.SourceSecurityGroupId) === source);
}

/** Asserts a private (VPC link) HTTP_PROXY integration to `uri` over the imported platform's VPC link. */
function expectPrivate(template: Template, integration: Record<string, any>, uri: unknown): void {
  expect(integration).toMatchObject({
    IntegrationType: 'HTTP_PROXY',
    IntegrationMethod: 'ANY',
    ConnectionType: 'VPC_LINK',
    PayloadFormatVersion: '1.0',
  });
  expect(integration.ConnectionId).toEqual(ssmRef(template, VPC_LINK_ID));
  expect(integration.IntegrationUri).toEqual(uri);
}

// ================================================================================== ecsService

describe('ApiTarget.ecsService', () => {
  test('one HTTP_PROXY integration over the VPC link to the service\'s Cloud Map service, plain HTTP', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.ecsService(fargateService(f)));
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    const [cloudMapId, cloudMap] = onlyOne(t, 'AWS::ServiceDiscovery::Service');
    expect(cloudMap.Properties.DnsConfig.DnsRecords).toEqual([{ TTL: 60, Type: 'SRV' }]);
    expectPrivate(t, integration, { 'Fn::GetAtt': [cloudMapId, 'Arn'] });
    expect(integration.TlsConfig).toBeUndefined();
    expect(integration.RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
  });

  test('opens the container port (first port mapping) to the VPC link security group', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.ecsService(fargateService(f)));
    const t = Template.fromStack(f.stack);
    const [, service] = onlyOne(t, 'AWS::ECS::Service');
    const rules = vpcLinkIngress(t, 9020);
    expect(rules).toHaveLength(1);
    expect([rules[0].Properties.GroupId]).toEqual(service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups);
  });

  test('an explicit containerPort is the port opened', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.ecsService(fargateService(f), 9021);
    routesOf(f, target);
    const t = Template.fromStack(f.stack);
    expect(vpcLinkIngress(t, 9021)).toHaveLength(1);
    expect(vpcLinkIngress(t, 9020)).toHaveLength(0);
    expect(target.kind).toBe('ECS service');
  });

  test('a service without Cloud Map fails when routed', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.ecsService(fargateService(f, 'none'));
    expect(errorOf(() => routesOf(f, target)).message)
      .toMatch(/^Service\/EcsService: invalid cloudMapOptions "\(none\)": ApiTarget\.ecsService needs a service registered in Cloud Map: .*DnsRecordType\.SRV/);
  });

  test('a service that registers A records fails when routed', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.ecsService(fargateService(f, servicediscovery.DnsRecordType.A));
    expect(errorOf(() => routesOf(f, target)).message)
      .toBe('Service/EcsService: invalid cloudMapOptions.dnsRecordType "A": API Gateway private integrations need SRV records'
        + ' (cloudMapOptions.dnsRecordType: DnsRecordType.SRV)');
  });

  test('a service whose default container maps no port needs containerPort', () => {
    const f = importedPlatform(false);
    const taskDefinition = new ecs.FargateTaskDefinition(f.stack, 'NoPortTaskDef');
    taskDefinition.addContainer('worker', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/worker:latest') });
    const service = new ecs.FargateService(f.stack, 'Worker', { cluster: f.platform.cluster, taskDefinition });
    expect(errorOf(() => ApiTarget.ecsService(service)).message)
      .toBe('Service/Worker: invalid containerPort "(none)": ApiTarget.ecsService needs it: the service\'s default container maps no port');
  });
});

// ============================================================================= cloudMapService

/** A Cloud Map service with SRV records in the platform's namespace. */
function srvService(f: ImportedPlatform): servicediscovery.Service {
  return new servicediscovery.Service(f.stack, 'CloudMap', {
    namespace: f.platform.namespace,
    name: 'jessica',
    dnsRecordType: servicediscovery.DnsRecordType.SRV,
  });
}

describe('Cloud Map targets with STRIP_BASE_PATH', () => {
  test.each([
    ['ecsService', (f: ImportedPlatform) => ApiTarget.ecsService(fargateService(f))],
    ['cloudMapService', (f: ImportedPlatform) => ApiTarget.cloudMapService(srvService(f))],
  ])('%s: two integrations that overwrite the path', (_name, target) => {
    const f = importedPlatform(false);
    routesOf(f, target(f), PathMode.STRIP_BASE_PATH);
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    const cloudMap = { 'Fn::GetAtt': [onlyOne(t, 'AWS::ServiceDiscovery::Service')[0], 'Arn'] };
    const base = integrationOfRoute(t, ANY_BASE).properties;
    const proxy = integrationOfRoute(t, ANY_PROXY).properties;
    expectPrivate(t, base, cloudMap);
    expectPrivate(t, proxy, cloudMap);
    expect(base.RequestParameters).toEqual({ 'overwrite:path': '/', 'remove:header.x-origin-verify': '' });
    expect(proxy.RequestParameters).toEqual({ 'overwrite:path': '/$request.path.proxy', 'remove:header.x-origin-verify': '' });
  });
});

describe('ApiTarget.cloudMapService', () => {
  test('one HTTP_PROXY integration over the VPC link to the Cloud Map service, plain HTTP', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.cloudMapService(srvService(f));
    routesOf(f, target);
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expectPrivate(t, integration, { 'Fn::GetAtt': [onlyOne(t, 'AWS::ServiceDiscovery::Service')[0], 'Arn'] });
    expect(integration.TlsConfig).toBeUndefined();
    expect(integration.RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
    expect(target.kind).toBe('private integration');
  });

  test('opens no port itself (its instances are not known to CDK)', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.cloudMapService(srvService(f)));
    Template.fromStack(f.stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('an imported Cloud Map service: its ARN is the integration URI', () => {
    const f = importedPlatform(false);
    const service = servicediscovery.Service.fromServiceAttributes(f.stack, 'ImportedCloudMap', {
      namespace: f.platform.namespace,
      serviceName: 'jessica',
      serviceId: 'srv-0123456789abcdef',
      serviceArn: CLOUD_MAP_ARN,
      dnsRecordType: servicediscovery.DnsRecordType.SRV,
      routingPolicy: servicediscovery.RoutingPolicy.MULTIVALUE,
      discoveryType: servicediscovery.DiscoveryType.DNS_AND_API,
    });
    routesOf(f, ApiTarget.cloudMapService(service));
    const t = Template.fromStack(f.stack);
    expectPrivate(t, sharedIntegration(t), CLOUD_MAP_ARN);
  });

  test('on the platform of the same app: the platform\'s own VPC link', () => {
    const f = real();
    routesOf(f, ApiTarget.cloudMapService(srvService(f)));
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', ConnectionType: 'VPC_LINK', PayloadFormatVersion: '1.0' });
    expect(integration.ConnectionId).toEqual({ Ref: onlyOne(t, 'AWS::ApiGatewayV2::VpcLink')[0] });
    const [cloudMapId] = onlyOne(t, 'AWS::ServiceDiscovery::Service', r => r.Properties.Name === 'jessica');
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [cloudMapId, 'Arn'] });
  });
});

// ========================================================================= applicationListener

describe('ApiTarget.applicationListener', () => {
  describe('HTTP listener', () => {
    let t: Template;
    let listenerId: string;
    beforeAll(() => {
      const f = importedPlatform(false);
      routesOf(f, ApiTarget.applicationListener(httpListener(f)));
      t = Template.fromStack(f.stack);
      listenerId = onlyOne(t, 'AWS::ElasticLoadBalancingV2::Listener', r => r.Properties.Protocol === 'HTTP')[0];
    });

    test('one HTTP_PROXY integration over the VPC link to the listener ARN, without TLS', () => {
      const integration = sharedIntegration(t);
      expectPrivate(t, integration, { Ref: listenerId });
      expect(integration.TlsConfig).toBeUndefined();
      expect(integration.RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
    });

    test('opens the listener port to the VPC link security group', () => {
      expect(vpcLinkIngress(t, 80)).toHaveLength(1);
    });
  });

  describe('HTTPS listener with secureServerName', () => {
    let t: Template;
    let listenerId: string;
    beforeAll(() => {
      const f = importedPlatform(false);
      routesOf(f, ApiTarget.applicationListener(httpsListener(f), { secureServerName: 'jessica.internal.georgi.io' }));
      t = Template.fromStack(f.stack);
      listenerId = onlyOne(t, 'AWS::ElasticLoadBalancingV2::Listener', r => r.Properties.Protocol === 'HTTPS')[0];
    });

    test('the integration verifies the server name over TLS', () => {
      const integration = sharedIntegration(t);
      expectPrivate(t, integration, { Ref: listenerId });
      expect(integration.TlsConfig).toEqual({ ServerNameToVerify: 'jessica.internal.georgi.io' });
    });

    test('opens 443 to the VPC link security group', () => {
      expect(vpcLinkIngress(t, 443)).toHaveLength(1);
    });
  });

  test('STRIP_BASE_PATH on an HTTPS listener: both integrations carry the TLS config', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.applicationListener(httpsListener(f, true), { secureServerName: 'jessica.example.com' }), PathMode.STRIP_BASE_PATH);
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    const listener = { Ref: onlyOne(t, 'AWS::ElasticLoadBalancingV2::Listener')[0] };
    const base = integrationOfRoute(t, ANY_BASE).properties;
    const proxy = integrationOfRoute(t, ANY_PROXY).properties;
    for (const integration of [base, proxy]) {
      expectPrivate(t, integration, listener);
      expect(integration.TlsConfig).toEqual({ ServerNameToVerify: 'jessica.example.com' });
    }
    expect(base.RequestParameters).toEqual({ 'overwrite:path': '/', 'remove:header.x-origin-verify': '' });
    expect(proxy.RequestParameters).toEqual({ 'overwrite:path': '/$request.path.proxy', 'remove:header.x-origin-verify': '' });
  });

  test.each([
    ['from its certificate', false],
    ['explicit', true],
  ])('an HTTPS listener (protocol %s) without secureServerName fails and says why', (_, explicit) => {
    const f = importedPlatform(false);
    const listener = httpsListener(f, explicit);
    const message = errorOf(() => ApiTarget.applicationListener(listener)).message;
    expect(message).toMatch(/^Service\/Alb\/Listener: invalid secureServerName "\(none\)": ApiTarget\.applicationListener needs it for an HTTPS listener: /);
    expect(message).toContain('private integrations send plain HTTP unless a server name to verify is set');
    expect(message).toContain('{ secureServerName:');
    // the options object without the name fails the same way
    expect(() => ApiTarget.applicationListener(listener, {})).toThrow(/invalid secureServerName.*needs it for an HTTPS listener/);
  });

  test('an imported listener (protocol unknown) without secureServerName: plain HTTP, no error', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.applicationListener(importedListener(f, 8080)));
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expectPrivate(t, integration, LISTENER_ARN);
    expect(integration.TlsConfig).toBeUndefined();
  });

  test('an imported listener with secureServerName: TLS to the listener; its known default port is opened', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.applicationListener(importedListener(f, 443), { secureServerName: 'jessica.example.com' }));
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expectPrivate(t, integration, LISTENER_ARN);
    expect(integration.TlsConfig).toEqual({ ServerNameToVerify: 'jessica.example.com' });
    expect(vpcLinkIngress(t, 443)).toHaveLength(1);
  });

  test('an imported listener without a known port opens no port', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.applicationListener(importedListener(f)));
    Template.fromStack(f.stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('an unresolved secureServerName is passed through', () => {
    const f = importedPlatform(false);
    const name = Lazy.string({ produce: () => 'late.example.com' });
    routesOf(f, ApiTarget.applicationListener(httpsListener(f), { secureServerName: name }));
    const t = Template.fromStack(f.stack);
    expect(sharedIntegration(t).TlsConfig).toEqual({ ServerNameToVerify: 'late.example.com' });
  });

  test.each([
    '',
    ' ',
    'https://jessica.example.com',
    'jessica.example.com:443',
    'jessica.example.com/health',
    'jessica example.com',
    '-jessica.example.com',
  ])('invalid secureServerName %j', name => {
    const f = importedPlatform(false);
    const listener = httpsListener(f);
    expect(errorOf(() => ApiTarget.applicationListener(listener, { secureServerName: name })).message)
      .toBe(`Service/Alb/Listener: invalid secureServerName ${JSON.stringify(name)}:`
        + ' expected a host name such as "api.example.com", without scheme, port or path');
  });
});

// ============================================================================== lambdaFunction

describe('ApiTarget.lambdaFunction', () => {
  test('one AWS_PROXY integration with payload format 2.0, not over the VPC link', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.lambdaFunction(handler(f));
    routesOf(f, target);
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [onlyOne(t, 'AWS::Lambda::Function')[0], 'Arn'] });
    expect(integration.ConnectionType).toBeUndefined();
    expect(integration.ConnectionId).toBeUndefined();
    expect(integration.TlsConfig).toBeUndefined();
    expect(target.kind).toBe('Lambda function');
    // Lambda proxy integrations take no request mapping (ApiTarget.lambdaFunction's TSDoc says so).
    expect(integration.RequestParameters).toBeUndefined();
  });

  test('STRIP_BASE_PATH fails and names pathMode', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.lambdaFunction(handler(f));
    expect(errorOf(() => routesOf(f, target, PathMode.STRIP_BASE_PATH)).message)
      .toMatch(/^Service\/JessicaRoutes: invalid pathMode "strip": a Lambda function target receives .*PathMode\.KEEP_BASE_PATH/);
  });
});

// ===================================================================================== httpUrl

describe('ApiTarget.httpUrl', () => {
  test('one HTTP_PROXY integration over the internet that appends the request path', () => {
    const f = importedPlatform(false);
    const target = ApiTarget.httpUrl('https://legacy.example.com/');
    routesOf(f, target);
    const t = Template.fromStack(f.stack);
    const integration = sharedIntegration(t);
    expect(integration).toMatchObject({
      IntegrationType: 'HTTP_PROXY',
      IntegrationMethod: 'ANY',
      IntegrationUri: 'https://legacy.example.com',
      PayloadFormatVersion: '1.0',
      RequestParameters: { 'overwrite:path': '$request.path', 'remove:header.x-origin-verify': '' },
    });
    expect(integration.ConnectionType ?? 'INTERNET').toBe('INTERNET');
    expect(integration.ConnectionId).toBeUndefined();
    expect(integration.TlsConfig).toBeUndefined();
    expect(target.kind).toBe('HTTP URL');
  });

  test('STRIP_BASE_PATH: two integrations that overwrite the path', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.httpUrl('http://legacy.example.com:8080', { allowInsecureHttp: true }), PathMode.STRIP_BASE_PATH);
    const t = Template.fromStack(f.stack);
    t.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    const base = integrationOfRoute(t, ANY_BASE).properties;
    const proxy = integrationOfRoute(t, ANY_PROXY).properties;
    for (const integration of [base, proxy]) {
      expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', IntegrationUri: 'http://legacy.example.com:8080', PayloadFormatVersion: '1.0' });
    }
    expect(base.RequestParameters).toEqual({ 'overwrite:path': '/', 'remove:header.x-origin-verify': '' });
    expect(proxy.RequestParameters).toEqual({ 'overwrite:path': '/$request.path.proxy', 'remove:header.x-origin-verify': '' });
  });

  test('an unresolved URL is accepted as is', () => {
    const f = importedPlatform(false);
    routesOf(f, ApiTarget.httpUrl(Lazy.string({ produce: () => 'https://late.example.com' })));
    const t = Template.fromStack(f.stack);
    expect(sharedIntegration(t).IntegrationUri).toBe('https://late.example.com');
  });

  test('http:// is refused unless allowInsecureHttp is set', () => {
    expect(errorOf(() => ApiTarget.httpUrl('http://legacy.example.com')).message).toMatch(
      /^ApiTarget\.httpUrl: invalid url "http:\/\/legacy\.example\.com": expected an https:\/\/ URL: .*unencrypted.*allowInsecureHttp: true/);
    expect(errorOf(() => ApiTarget.httpUrl('http://legacy.example.com', { allowInsecureHttp: false })).message).toMatch(/allowInsecureHttp/);
    expect(() => ApiTarget.httpUrl('http://legacy.example.com', { allowInsecureHttp: true })).not.toThrow();
  });

  test('a target of one\'s own that makes an HTTP integration: the header is removed too', () => {
    class OwnTarget extends ApiTarget {
      public readonly kind = 'own';
      public bind(): ApiTargetBinding {
        const integration = new integrations.HttpUrlIntegration('Own', 'https://own.example.com');
        return { baseIntegration: integration, proxyIntegration: integration };
      }
    }
    const f = importedPlatform(false);
    routesOf(f, new OwnTarget());
    expect(sharedIntegration(Template.fromStack(f.stack)).RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
  });

  test.each([
    'https://legacy.example.com/v1',
    'ftp://legacy.example.com',
    'legacy.example.com',
    'https://legacy.example.com?x=1',
  ])('invalid URL %s', url => {
    expect(errorOf(() => ApiTarget.httpUrl(url)).message)
      .toBe(`ApiTarget.httpUrl: invalid url ${JSON.stringify(url)}: expected https://host[:port] without a path`);
  });
});

describe('a custom ApiTarget (extending the class)', () => {
  class MockTarget extends ApiTarget {
    public readonly kind = 'mock';
    public readonly seen: ApiTargetBindOptions[] = [];
    public bind(options: ApiTargetBindOptions): ApiTargetBinding {
      this.seen.push(options);
      const integration = new integrations.HttpUrlIntegration('Mock', 'https://mock.example.com/{proxy}');
      return { baseIntegration: integration, proxyIntegration: integration };
    }
  }

  test('ApiRoutes binds it once with its scope, platform, path mode and base path, and routes both keys to its integration', () => {
    const f = importedPlatform();
    const target = new MockTarget();
    const routes = new ApiRoutes(f.stack, 'Routes', { platform: f.platform, serviceName: 'mock', target, pathMode: PathMode.STRIP_BASE_PATH });
    expect(target.seen).toEqual([{ scope: routes, platform: f.platform, pathMode: PathMode.STRIP_BASE_PATH, basePath: '/mock' }]);
    const template = Template.fromStack(f.stack);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationUri: 'https://mock.example.com/{proxy}' });
    const keys = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(r => r.Properties.RouteKey).sort();
    expect(keys).toEqual(['ANY /mock', 'ANY /mock/{proxy+}']);
  });

  test('a custom target that says how the load balancer reaches it gets long-lived rules, and only its port opened', () => {
    const f = importedPlatform();
    const sg = new ec2.SecurityGroup(f.stack, 'TargetSg', { vpc: f.platform.vpc, allowAllOutbound: false });
    const attached: elbv2.IApplicationTargetGroup[] = [];
    class LongLivedMock extends MockTarget {
      public bind(options: ApiTargetBindOptions): ApiTargetBinding {
        return {
          ...super.bind(options),
          longLived: {
            port: 7000,
            connectable: { connections: new ec2.Connections({ securityGroups: [sg] }) },
            target: {
              attachToApplicationTargetGroup: (targetGroup: elbv2.IApplicationTargetGroup) => {
                attached.push(targetGroup);
                return { targetType: elbv2.TargetType.IP, targetJson: { id: '10.0.0.9', port: 7000 } };
              },
            },
          },
        };
      }
    }
    const routes = new ApiRoutes(f.stack, 'Routes', { platform: f.platform, serviceName: 'mock', target: new LongLivedMock(), longLivedPaths: ['/ws'] });
    expect(attached).toEqual([routes.longLivedTargetGroup]);
    const template = Template.fromStack(f.stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 7000, TargetType: 'ip', Targets: [{ Id: '10.0.0.9', Port: 7000 }], HealthCheckPath: '/mock/health',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/mock/ws', '/mock/ws/*'] } }],
    });
    const ingress = Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map(r => [r.Properties.FromPort, r.Properties.ToPort])).toEqual([[7000, 7000]]);
  });

  test('long-lived paths still need an ECS service target', () => {
    const f = importedPlatform();
    expect(() => new ApiRoutes(f.stack, 'Routes', { platform: f.platform, serviceName: 'mock', target: new MockTarget(), longLivedPaths: ['/ws'] }))
      .toThrow(/long-lived paths need a target the load balancer can reach, such as ApiTarget.ecsService, not a mock/);
  });
});
