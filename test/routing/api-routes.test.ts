import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { ApiRoutes, ApiRoutesProps, ApiTarget, GlobalPlatform, GlobalPlatformProps, IGlobalPlatform, PathMode } from '../../src';
import { ENV, georgiPlatform, importedPlatform as importedPlatformApp } from '../helpers/fixtures';
import { integrationIdOf, integrationOf, onlyOne, Resource, resources, routeByKey } from '../helpers/templates';

const ANY_BASE = 'ANY /jessica';
const ANY_PROXY = 'ANY /jessica/{proxy+}';

// ------------------------------------------------------------------------------------ fixtures

interface RealFixture {
  readonly app: App;
  readonly platformStack: Stack;
  readonly serviceStack: Stack;
  readonly platform: GlobalPlatform;
}

/** The platform's own app: a platform stack and a service stack next to it. */
function realPlatform(props: Partial<GlobalPlatformProps> = {}): RealFixture {
  const app = new App();
  const platformStack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(platformStack, { longLivedConnections: {}, ...props });
  const serviceStack = new Stack(app, 'Service', { env: ENV });
  return { app, platformStack, serviceStack, platform };
}

interface ImportedFixture {
  readonly app: App;
  readonly serviceStack: Stack;
  readonly platform: IGlobalPlatform;
}

/** A service repository's app: the platform imported from its SSM parameters. */
function importedPlatform(longLivedConnections = true): ImportedFixture {
  const { app, stack, platform } = importedPlatformApp(longLivedConnections);
  return { app, serviceStack: stack, platform };
}

/** A Fargate service on the platform's cluster whose container maps 9020, registered in Cloud Map. */
function ecsService(stack: Stack, platform: IGlobalPlatform, dns: 'srv' | 'a' | 'none' = 'srv', id = 'Service'): ecs.FargateService {
  const taskDefinition = new ecs.FargateTaskDefinition(stack, `${id}TaskDef`);
  const container = taskDefinition.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:latest'),
    portMappings: [{ containerPort: 9020 }],
  });
  return new ecs.FargateService(stack, id, {
    cluster: platform.cluster,
    taskDefinition,
    cloudMapOptions: dns === 'none' ? undefined : dns === 'srv'
      ? { cloudMapNamespace: platform.namespace, dnsRecordType: servicediscovery.DnsRecordType.SRV, containerPort: 9020, container }
      : { cloudMapNamespace: platform.namespace, dnsRecordType: servicediscovery.DnsRecordType.A, container },
  });
}

function lambdaFunction(stack: Stack): lambda.Function {
  return new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
}

function routesOf(scope: Stack, platform: IGlobalPlatform, target: ApiTarget, props: Partial<ApiRoutesProps> = {}, id = 'JessicaRoutes'): ApiRoutes {
  return new ApiRoutes(scope, id, { platform, serviceName: 'jessica', target, ...props });
}

// ------------------------------------------------------------------------------------- helpers

/** Follows an `Fn::ImportValue` of the service stack to the value the platform stack exports. */
function resolveImport(platformTemplate: Template, value: unknown): unknown {
  const name = (value as Record<string, unknown>)?.['Fn::ImportValue'];
  expect(typeof name).toBe('string');
  const outputs = Object.values(platformTemplate.toJSON().Outputs ?? {}) as Array<{ Value: unknown; Export?: { Name: string } }>;
  const found = outputs.filter(o => o.Export?.Name === name);
  expect(found).toHaveLength(1);
  return found[0].Value;
}

/** `{ Ref }` of the CloudFormation parameter that reads the SSM parameter `name`. */
function ssmRef(template: Template, name: string): { Ref: string } {
  const parameters = Object.entries(template.toJSON().Parameters ?? {}) as Array<[string, { Type: string; Default: string }]>;
  const found = parameters.filter(([, p]) => p.Default === name);
  expect(found).toHaveLength(1);
  expect(found[0][1].Type).toBe('AWS::SSM::Parameter::Value<String>');
  return { Ref: found[0][0] };
}

function ingressRules(template: Template, port: number): Resource[] {
  return Object.values(resources(template, 'AWS::EC2::SecurityGroupIngress'))
    .filter(r => r.Properties.FromPort === port && r.Properties.ToPort === port && r.Properties.IpProtocol === 'tcp');
}

function serviceSecurityGroup(service: Resource): unknown {
  const groups = service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups;
  expect(groups).toHaveLength(1);
  return groups[0];
}

function nagRuleIds(resource: Resource): string[] {
  return (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []).map((r: { id: string }) => r.id);
}

function listenerRules(template: Template): Resource[] {
  return Object.values(resources(template, 'AWS::ElasticLoadBalancingV2::ListenerRule'))
    .sort((a, b) => a.Properties.Priority - b.Properties.Priority);
}

function pathPatterns(rule: Resource): string[] {
  const conditions = rule.Properties.Conditions as Array<{ Field: string; PathPatternConfig: { Values: string[] } }>;
  expect(conditions).toHaveLength(1);
  expect(conditions[0].Field).toBe('path-pattern');
  return conditions[0].PathPatternConfig.Values;
}

/** Every metric (not expression) of the service's 5xx alarm. */
function alarmMetrics(alarm: Resource): Array<{ name: string; dimensions: Record<string, unknown> }> {
  return (alarm.Properties.Metrics as Array<Record<string, any>>)
    .filter(m => m.MetricStat)
    .map(m => ({
      name: m.MetricStat.Metric.MetricName,
      dimensions: Object.fromEntries((m.MetricStat.Metric.Dimensions as Array<{ Name: string; Value: unknown }>).map(d => [d.Name, d.Value])),
    }));
}

// ============================================================================== ECS, real platform

describe('ECS service target on the platform of the same app', () => {
  let fixture: RealFixture;
  let routes: ApiRoutes;
  let st: Template;
  let pt: Template;
  beforeAll(() => {
    fixture = realPlatform();
    const service = ecsService(fixture.serviceStack, fixture.platform);
    routes = routesOf(fixture.serviceStack, fixture.platform, ApiTarget.ecsService(service), { longLivedPaths: ['/ws', '/mcp'] });
    st = Template.fromStack(fixture.serviceStack);
    pt = Template.fromStack(fixture.platformStack);
  });

  test('ANY /jessica and ANY /jessica/{proxy+} on the platform HTTP API', () => {
    const apiId = onlyOne(pt, 'AWS::ApiGatewayV2::Api')[0];
    for (const key of [ANY_BASE, ANY_PROXY]) {
      const [, route] = routeByKey(st, key);
      expect(resolveImport(pt, route.Properties.ApiId)).toEqual({ Ref: apiId });
      // The front door's origin check (x-origin-verify) guards every route.
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
    }
    st.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    // the platform's own template gets no routes from the service
    pt.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
  });

  test('exposes basePath, url, longLivedUrls, the routes and the target group', () => {
    expect(routes.basePath).toBe('/jessica');
    expect(routes.url).toBe('https://api.georgi.io/jessica');
    expect(routes.longLivedUrls).toEqual(['wss://api.georgi.io/jessica/ws', 'https://api.georgi.io/jessica/mcp']);
    expect(routes.routes).toHaveLength(2);
    expect(routes.longLivedTargetGroup).toBeDefined();
  });

  test('one HTTP_PROXY integration over the VPC link to the Cloud Map service, path kept', () => {
    const [, base] = routeByKey(st, ANY_BASE);
    const [, proxy] = routeByKey(st, ANY_PROXY);
    expect(integrationIdOf(base)).toBe(integrationIdOf(proxy));
    st.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    const integration = integrationOf(st, base).Properties;
    expect(integration.IntegrationType).toBe('HTTP_PROXY');
    expect(integration.ConnectionType).toBe('VPC_LINK');
    expect(integration.IntegrationMethod).toBe('ANY');
    // The backend never sees the front door's secret.
    expect(integration.RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
    expect(resolveImport(pt, integration.ConnectionId)).toEqual({ Ref: onlyOne(pt, 'AWS::ApiGatewayV2::VpcLink')[0] });
    expect(resolveImport(pt, integration.ApiId)).toEqual({ Ref: onlyOne(pt, 'AWS::ApiGatewayV2::Api')[0] });
    const [cloudMapId, cloudMap] = onlyOne(st, 'AWS::ServiceDiscovery::Service');
    expect(cloudMap.Properties.DnsConfig.DnsRecords).toEqual([{ TTL: 60, Type: 'SRV' }]);
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [cloudMapId, 'Arn'] });
    // the Cloud Map service is the one the ECS service registers in
    const [, service] = onlyOne(st, 'AWS::ECS::Service');
    expect(service.Properties.ServiceRegistries[0].RegistryArn).toEqual({ 'Fn::GetAtt': [cloudMapId, 'Arn'] });
  });

  test('the service security group admits the VPC link security group on 9020', () => {
    const [, service] = onlyOne(st, 'AWS::ECS::Service');
    const sg = serviceSecurityGroup(service);
    const vpcLinkSg = onlyOne(pt, 'AWS::EC2::SecurityGroup', r => /central API VPC link/.test(r.Properties.GroupDescription))[0];
    const fromVpcLink = ingressRules(st, 9020).filter(r =>
      JSON.stringify(resolveImport(pt, r.Properties.SourceSecurityGroupId)) === JSON.stringify({ 'Fn::GetAtt': [vpcLinkSg, 'GroupId'] }));
    expect(fromVpcLink).toHaveLength(1);
    expect(fromVpcLink[0].Properties.GroupId).toEqual(sg);
  });

  test('a listener rule on the platform long-lived listener for /jessica/ws and /jessica/mcp', () => {
    const rules = listenerRules(st);
    expect(rules).toHaveLength(1);
    const listenerId = onlyOne(pt, 'AWS::ElasticLoadBalancingV2::Listener')[0];
    expect(resolveImport(pt, rules[0].Properties.ListenerArn)).toEqual({ Ref: listenerId });
    expect(pathPatterns(rules[0])).toEqual(['/jessica/ws', '/jessica/ws/*', '/jessica/mcp', '/jessica/mcp/*']);
    const priority = rules[0].Properties.Priority;
    expect(Number.isInteger(priority)).toBe(true);
    expect(priority).toBeGreaterThanOrEqual(1000);
    expect(priority).toBeLessThanOrEqual(48999);
  });

  test('the rule forwards to a new IP target group on 9020 with health check /jessica/health', () => {
    const [tgId, tg] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(tg.Properties).toMatchObject({ TargetType: 'ip', Port: 9020, Protocol: 'HTTP', HealthCheckPath: '/jessica/health' });
    expect(resolveImport(pt, tg.Properties.VpcId)).toEqual({ Ref: onlyOne(pt, 'AWS::EC2::VPC')[0] });
    const rule = listenerRules(st)[0];
    expect(rule.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: tgId } }]);
  });

  test('the ECS service registers its container in the long-lived target group', () => {
    const [tgId] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    const [, service] = onlyOne(st, 'AWS::ECS::Service');
    expect(service.Properties.LoadBalancers).toEqual([{ ContainerName: 'app', ContainerPort: 9020, TargetGroupArn: { Ref: tgId } }]);
  });

  test('the service security group admits the load balancer security group on 9020', () => {
    const [, service] = onlyOne(st, 'AWS::ECS::Service');
    const sg = serviceSecurityGroup(service);
    const albSg = onlyOne(pt, 'AWS::EC2::SecurityGroup', r => /long-lived origin ALB/.test(r.Properties.GroupDescription))[0];
    const fromAlb = ingressRules(st, 9020).filter(r =>
      JSON.stringify(resolveImport(pt, r.Properties.SourceSecurityGroupId)) === JSON.stringify({ 'Fn::GetAtt': [albSg, 'GroupId'] }));
    expect(fromAlb).toHaveLength(1);
    expect(fromAlb[0].Properties.GroupId).toEqual(sg);
  });

  test('in another stack than the platform: no dashboard of its own; the platform dashboard shows it by search (no stack cycle)', () => {
    st.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(routes.dashboard).toBeUndefined();
    const platformBody = JSON.stringify(onlyOne(pt, 'AWS::CloudWatch::Dashboard')[1].Properties.DashboardBody);
    expect(platformBody).not.toContain('jessica requests');
    expect(platformBody).toContain('Requests by route');
    expect(platformBody).toContain('SEARCH(');
  });

  test('dashboard: true: a dashboard of its own, georgi-jessica, holds the service widgets ($3 a month)', () => {
    const own = realPlatform();
    const ownRoutes = routesOf(own.serviceStack, own.platform, ApiTarget.ecsService(ecsService(own.serviceStack, own.platform)), { dashboard: true });
    const [, dashboard] = onlyOne(Template.fromStack(own.serviceStack), 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('georgi-us-east-1-jessica');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(body).toContain('jessica requests');
    expect(body).toContain('jessica errors');
    expect(body).toContain('/jessica/{proxy+}');
    expect(ownRoutes.dashboard).toBeDefined();
    expect(ownRoutes.dashboard).not.toBe(own.platform.dashboard);
  });

  test('a 5xx rate alarm on the service routes that notifies the platform topic', () => {
    const [, alarm] = onlyOne(st, 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties.AlarmName).toBe('georgi-jessica-api-5xx-rate');
    expect(alarm.Properties.Threshold).toBe(5);
    expect(alarm.Properties.ComparisonOperator).toBe('GreaterThanThreshold');
    const apiId = onlyOne(pt, 'AWS::ApiGatewayV2::Api')[0];
    const metrics = alarmMetrics(alarm);
    expect(metrics.map(m => m.name).sort()).toEqual(['5xx', '5xx', 'Count', 'Count']);
    for (const m of metrics) {
      expect(resolveImport(pt, m.dimensions.ApiId)).toEqual({ Ref: apiId });
      expect(m.dimensions).toMatchObject({ Stage: '$default', Method: 'ANY' });
    }
    expect(metrics.map(m => m.dimensions.Resource).sort()).toEqual(['/jessica', '/jessica', '/jessica/{proxy+}', '/jessica/{proxy+}']);
    const topicId = onlyOne(pt, 'AWS::SNS::Topic')[0];
    expect(alarm.Properties.AlarmActions.map((a: unknown) => resolveImport(pt, a))).toEqual([{ Ref: topicId }]);
    expect(alarm.Properties.OKActions.map((a: unknown) => resolveImport(pt, a))).toEqual([{ Ref: topicId }]);
  });

  test('routes without a JWT use the platform\'s one origin authorizer: the service adds no authorizer and no permission', () => {
    st.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const [authorizerId] = onlyOne(pt, 'AWS::ApiGatewayV2::Authorizer', r => r.Properties.Name === 'origin');
    for (const key of [ANY_BASE, ANY_PROXY]) {
      const route = routeByKey(st, key)[1];
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(resolveImport(pt, route.Properties.AuthorizerId)).toEqual({ Ref: authorizerId });
      // An authorizer is set, so no AwsSolutions-APIG4 suppression is needed.
      expect(nagRuleIds(route)).not.toContain('AwsSolutions-APIG4');
    }
    st.resourceCountIs('AWS::Lambda::Permission', 0);
  });

  test('no route throttling is added to the platform, and its only authorizers are its own two', () => {
    const [, stage] = onlyOne(pt, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.RouteSettings).toBeUndefined();
    pt.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 2);
  });
});

// ========================================================================== ECS, imported platform

describe('ECS service target on an imported platform (a service repository)', () => {
  let st: Template;
  let routes: ApiRoutes;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    routes = routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), { longLivedPaths: ['/ws', '/mcp'] });
    st = Template.fromStack(serviceStack);
  });

  test('the routes use the HTTP API id from /platform/georgi/api/http-api-id', () => {
    const apiId = ssmRef(st, '/platform/georgi/api/http-api-id');
    for (const key of [ANY_BASE, ANY_PROXY]) {
      expect(routeByKey(st, key)[1].Properties.ApiId).toEqual(apiId);
    }
  });

  test('the integration uses the imported VPC link and the Cloud Map service', () => {
    const integration = integrationOf(st, routeByKey(st, ANY_PROXY)[1]).Properties;
    expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', ConnectionType: 'VPC_LINK' });
    expect(integration.ConnectionId).toEqual(ssmRef(st, '/platform/georgi/api/vpc-link-id'));
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [onlyOne(st, 'AWS::ServiceDiscovery::Service')[0], 'Arn'] });
  });

  test('the service security group admits the imported VPC link and ALB security groups on 9020', () => {
    const sg = serviceSecurityGroup(onlyOne(st, 'AWS::ECS::Service')[1]);
    const rules = ingressRules(st, 9020).filter(r => JSON.stringify(r.Properties.GroupId) === JSON.stringify(sg));
    const sources = rules.map(r => r.Properties.SourceSecurityGroupId);
    expect(sources).toContainEqual(ssmRef(st, '/platform/georgi/api/vpc-link-security-group-id'));
    expect(sources).toContainEqual(ssmRef(st, '/platform/georgi/front-door/long-lived-security-group-id'));
  });

  test('the listener rule is added to the listener from /platform/georgi/front-door/long-lived-listener-arn', () => {
    const rules = listenerRules(st);
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.ListenerArn).toEqual(ssmRef(st, '/platform/georgi/front-door/long-lived-listener-arn'));
    expect(pathPatterns(rules[0])).toEqual(['/jessica/ws', '/jessica/ws/*', '/jessica/mcp', '/jessica/mcp/*']);
    const [tgId] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(onlyOne(st, 'AWS::ECS::Service')[1].Properties.LoadBalancers).toEqual([
      { ContainerName: 'app', ContainerPort: 9020, TargetGroupArn: { Ref: tgId } },
    ]);
  });

  test('no dashboard unless asked for; dashboard: true gives georgi-jessica with the service widgets', () => {
    st.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(routes.dashboard).toBeUndefined();
    const { serviceStack, platform } = importedPlatform();
    const own = routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), { dashboard: true });
    const [, dashboard] = onlyOne(Template.fromStack(serviceStack), 'AWS::CloudWatch::Dashboard');
    expect(dashboard.Properties.DashboardName).toBe('georgi-us-east-1-jessica');
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain('jessica requests');
    expect(own.dashboard).toBeDefined();
  });

  test('the 5xx alarm reads the imported API id and notifies the topic from SSM', () => {
    const [, alarm] = onlyOne(st, 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties.AlarmName).toBe('georgi-jessica-api-5xx-rate');
    const apiId = ssmRef(st, '/platform/georgi/api/http-api-id');
    const metrics = alarmMetrics(alarm);
    expect(metrics.length).toBeGreaterThan(0);
    for (const m of metrics) {
      expect(m.dimensions).toEqual({ ApiId: apiId, Stage: '$default', Method: 'ANY', Resource: expect.stringMatching(/^\/jessica/) });
    }
    expect(metrics.map(m => m.dimensions.Resource)).toContain('/jessica/{proxy+}');
    const topic = ssmRef(st, '/platform/georgi/monitoring/alarm-topic-arn');
    expect(alarm.Properties.AlarmActions).toEqual([topic]);
    expect(alarm.Properties.OKActions).toEqual([topic]);
  });
});

// ================================================================================ other base paths

describe('custom base path /team/app', () => {
  let st: Template;
  let routes: ApiRoutes;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    routes = new ApiRoutes(serviceStack, 'AppRoutes', {
      platform, serviceName: 'app', basePath: '/team/app', target: ApiTarget.lambdaFunction(lambdaFunction(serviceStack)),
    });
    st = Template.fromStack(serviceStack);
  });

  test('routes ANY /team/app and ANY /team/app/{proxy+}', () => {
    const keys = Object.values(resources(st, 'AWS::ApiGatewayV2::Route')).map(r => r.Properties.RouteKey).sort();
    expect(keys).toEqual(['ANY /team/app', 'ANY /team/app/{proxy+}']);
    expect(routes.basePath).toBe('/team/app');
    expect(routes.url).toMatch(/^https:\/\/api\..+\/team\/app$/);
  });

  test('the alarm reads the /team/app resources', () => {
    const resourcesSeen = alarmMetrics(onlyOne(st, 'AWS::CloudWatch::Alarm')[1]).map(m => m.dimensions.Resource);
    expect(new Set(resourcesSeen)).toEqual(new Set(['/team/app', '/team/app/{proxy+}']));
    expect(onlyOne(st, 'AWS::CloudWatch::Alarm')[1].Properties.AlarmName).toBe('georgi-app-api-5xx-rate');
  });
});

// =================================================================================== path modes

describe('ECS target with PathMode.STRIP_BASE_PATH', () => {
  let st: Template;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), { pathMode: PathMode.STRIP_BASE_PATH });
    st = Template.fromStack(serviceStack);
  });

  test('two integrations that overwrite the path with / and /$request.path.proxy', () => {
    st.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    const base = integrationOf(st, routeByKey(st, ANY_BASE)[1]).Properties;
    const proxy = integrationOf(st, routeByKey(st, ANY_PROXY)[1]).Properties;
    expect(base.RequestParameters).toEqual({ 'overwrite:path': '/', 'remove:header.x-origin-verify': '' });
    expect(proxy.RequestParameters).toEqual({ 'overwrite:path': '/$request.path.proxy', 'remove:header.x-origin-verify': '' });
    const cloudMap = { 'Fn::GetAtt': [onlyOne(st, 'AWS::ServiceDiscovery::Service')[0], 'Arn'] };
    const vpcLink = ssmRef(st, '/platform/georgi/api/vpc-link-id');
    for (const integration of [base, proxy]) {
      expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', ConnectionType: 'VPC_LINK' });
      expect(integration.IntegrationUri).toEqual(cloudMap);
      expect(integration.ConnectionId).toEqual(vpcLink);
    }
  });
});

describe('ECS target errors', () => {
  test('an ECS service without a Cloud Map service', () => {
    const { serviceStack, platform } = importedPlatform();
    const service = ecsService(serviceStack, platform, 'none');
    expect(() => routesOf(serviceStack, platform, ApiTarget.ecsService(service)))
      .toThrow(/Service\/Service: invalid cloudMapOptions "\(none\)": ApiTarget.ecsService needs a service registered in Cloud Map.*cloudMapOptions/);
  });

  test('an ECS service that registers A records instead of SRV', () => {
    const { serviceStack, platform } = importedPlatform();
    const service = ecsService(serviceStack, platform, 'a');
    expect(() => routesOf(serviceStack, platform, ApiTarget.ecsService(service))).toThrow(/dnsRecordType "A".*need SRV/);
  });

  test('an explicit container port wins over the first port mapping', () => {
    const { serviceStack, platform } = importedPlatform();
    const service = ecsService(serviceStack, platform);
    routesOf(serviceStack, platform, ApiTarget.ecsService(service, 9021));
    const st = Template.fromStack(serviceStack);
    const sg = serviceSecurityGroup(onlyOne(st, 'AWS::ECS::Service')[1]);
    expect(ingressRules(st, 9021).filter(r => JSON.stringify(r.Properties.GroupId) === JSON.stringify(sg))).toHaveLength(1);
    expect(ingressRules(st, 9020)).toHaveLength(0);
  });

  test('an ECS service whose default container maps no port needs containerPort', () => {
    const { serviceStack, platform } = importedPlatform();
    const taskDefinition = new ecs.FargateTaskDefinition(serviceStack, 'NoPortTaskDef');
    taskDefinition.addContainer('worker', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/worker:latest') });
    const service = new ecs.FargateService(serviceStack, 'Worker', { cluster: platform.cluster, taskDefinition });
    expect(() => ApiTarget.ecsService(service)).toThrow('Service/Worker: invalid containerPort "(none)": ApiTarget.ecsService needs it');
  });
});

// ======================================================================================= Lambda

describe('Lambda function target', () => {
  let st: Template;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.lambdaFunction(lambdaFunction(serviceStack)));
    st = Template.fromStack(serviceStack);
  });

  test('one AWS_PROXY integration with payload format 2.0 for both routes', () => {
    const [, base] = routeByKey(st, ANY_BASE);
    const [, proxy] = routeByKey(st, ANY_PROXY);
    expect(integrationIdOf(base)).toBe(integrationIdOf(proxy));
    const integration = integrationOf(st, base).Properties;
    const fnId = onlyOne(st, 'AWS::Lambda::Function')[0];
    expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
    expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    expect(integration.ConnectionType).toBeUndefined();
  });

  test('API Gateway may invoke the function', () => {
    const fnId = onlyOne(st, 'AWS::Lambda::Function')[0];
    const permissions = Object.values(resources(st, 'AWS::Lambda::Permission'));
    expect(permissions.length).toBeGreaterThan(0);
    for (const p of permissions) {
      expect(p.Properties).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(p.Properties.FunctionName).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    }
  });

  test('STRIP_BASE_PATH with a Lambda target fails and names pathMode', () => {
    const { serviceStack, platform } = importedPlatform();
    expect(() => routesOf(serviceStack, platform, ApiTarget.lambdaFunction(lambdaFunction(serviceStack)), { pathMode: PathMode.STRIP_BASE_PATH }))
      .toThrow(/Service\/JessicaRoutes: invalid pathMode "strip": a Lambda function target.*KEEP_BASE_PATH/);
  });
});

// ========================================================================================== URL

describe('URL target', () => {
  function synthUrl(url: string, pathMode?: PathMode): Template {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.httpUrl(url), { pathMode });
    return Template.fromStack(serviceStack);
  }

  test('KEEP_BASE_PATH: one HTTP_PROXY integration to the URL that appends $request.path', () => {
    const st = synthUrl('https://legacy.example.com');
    st.resourceCountIs('AWS::ApiGatewayV2::Integration', 1);
    const [, base] = routeByKey(st, ANY_BASE);
    const [, proxy] = routeByKey(st, ANY_PROXY);
    expect(integrationIdOf(base)).toBe(integrationIdOf(proxy));
    const integration = integrationOf(st, base).Properties;
    expect(integration).toMatchObject({
      IntegrationType: 'HTTP_PROXY',
      IntegrationUri: 'https://legacy.example.com',
      IntegrationMethod: 'ANY',
      RequestParameters: { 'overwrite:path': '$request.path', 'remove:header.x-origin-verify': '' },
    });
    expect(integration.ConnectionType ?? 'INTERNET').toBe('INTERNET');
  });

  test('STRIP_BASE_PATH: two integrations that overwrite the path with / and /$request.path.proxy', () => {
    const st = synthUrl('https://legacy.example.com:8443', PathMode.STRIP_BASE_PATH);
    st.resourceCountIs('AWS::ApiGatewayV2::Integration', 2);
    const base = integrationOf(st, routeByKey(st, ANY_BASE)[1]).Properties;
    const proxy = integrationOf(st, routeByKey(st, ANY_PROXY)[1]).Properties;
    expect(base).toMatchObject({ IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://legacy.example.com:8443' });
    expect(proxy).toMatchObject({ IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://legacy.example.com:8443' });
    expect(base.RequestParameters).toEqual({ 'overwrite:path': '/', 'remove:header.x-origin-verify': '' });
    expect(proxy.RequestParameters).toEqual({ 'overwrite:path': '/$request.path.proxy', 'remove:header.x-origin-verify': '' });
  });

  test('a trailing slash is dropped from the URL', () => {
    const st = synthUrl('https://legacy.example.com/');
    expect(onlyOne(st, 'AWS::ApiGatewayV2::Integration')[1].Properties.IntegrationUri).toBe('https://legacy.example.com');
  });

  test.each([
    'https://legacy.example.com/v1',
    'ftp://legacy.example.com',
    'legacy.example.com',
    'https://legacy.example.com?x=1',
  ])('invalid URL %s', url => {
    expect(() => ApiTarget.httpUrl(url)).toThrow(`ApiTarget.httpUrl: invalid url ${JSON.stringify(url)}: expected https://host[:port] without a path`);
  });
});

// ================================================================================ ALB listener

describe('Application Load Balancer listener target', () => {
  let st: Template;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    const alb = new elbv2.ApplicationLoadBalancer(serviceStack, 'Alb', { vpc: platform.vpc, internetFacing: false });
    const listener = alb.addListener('Listener', { port: 80, open: false, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
    routesOf(serviceStack, platform, ApiTarget.applicationListener(listener));
    st = Template.fromStack(serviceStack);
  });

  test('HTTP_PROXY over the VPC link to the listener ARN', () => {
    const listenerId = onlyOne(st, 'AWS::ElasticLoadBalancingV2::Listener')[0];
    const [, base] = routeByKey(st, ANY_BASE);
    expect(integrationIdOf(base)).toBe(integrationIdOf(routeByKey(st, ANY_PROXY)[1]));
    const integration = integrationOf(st, base).Properties;
    expect(integration).toMatchObject({ IntegrationType: 'HTTP_PROXY', ConnectionType: 'VPC_LINK' });
    expect(integration.ConnectionId).toEqual(ssmRef(st, '/platform/georgi/api/vpc-link-id'));
    expect(integration.IntegrationUri).toEqual({ Ref: listenerId });
    expect(integration.RequestParameters).toEqual({ 'remove:header.x-origin-verify': '' });
  });

  test('the load balancer admits the VPC link on the listener port', () => {
    const albSg = onlyOne(st, 'AWS::EC2::SecurityGroup')[0];
    const vpcLinkSg = ssmRef(st, '/platform/georgi/api/vpc-link-security-group-id');
    const [, alb] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(alb.Properties.SecurityGroups).toEqual([{ 'Fn::GetAtt': [albSg, 'GroupId'] }]);
    const fromVpcLink = ingressRules(st, 80).filter(r => JSON.stringify(r.Properties.SourceSecurityGroupId) === JSON.stringify(vpcLinkSg));
    expect(fromVpcLink).toHaveLength(1);
    expect(fromVpcLink[0].Properties.GroupId).toEqual({ 'Fn::GetAtt': [albSg, 'GroupId'] });
  });
});

// ==================================================================================== long-lived

describe('long-lived rule priorities and health checks', () => {
  function synthLongLived(props: Partial<ApiRoutesProps> = {}, basePath?: string): { st: Template; routes: ApiRoutes } {
    const { serviceStack, platform } = importedPlatform();
    const routes = routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), {
      longLivedPaths: ['/ws'], basePath, ...props,
    });
    return { st: Template.fromStack(serviceStack), routes };
  }

  test('the default priority is stable: the same base path gets the same priority in two apps', () => {
    const first = listenerRules(synthLongLived().st)[0].Properties.Priority;
    const second = listenerRules(synthLongLived().st)[0].Properties.Priority;
    expect(second).toBe(first);
    expect(Number.isInteger(first)).toBe(true);
    expect(first).toBeGreaterThanOrEqual(1000);
    expect(first).toBeLessThanOrEqual(48999);
  });

  test('different base paths get different default priorities', () => {
    const jessica = listenerRules(synthLongLived().st)[0].Properties.Priority;
    const other = listenerRules(synthLongLived({}, '/voice').st)[0].Properties.Priority;
    expect(other).not.toBe(jessica);
    expect(other).toBeGreaterThanOrEqual(1000);
    expect(other).toBeLessThanOrEqual(48999);
  });

  test('an explicit longLivedRulePriority is used', () => {
    const rules = listenerRules(synthLongLived({ longLivedRulePriority: 1234 }).st);
    expect(rules.map(r => r.Properties.Priority)).toEqual([1234]);
  });

  test('3 long-lived paths (6 patterns) make two rules with priorities p and p+1 to the same target group', () => {
    const { st } = synthLongLived({ longLivedPaths: ['/ws', '/mcp', '/voice/ws'], longLivedRulePriority: 2000 });
    const rules = listenerRules(st);
    expect(rules.map(r => r.Properties.Priority)).toEqual([2000, 2001]);
    expect(pathPatterns(rules[0])).toEqual(['/jessica/ws', '/jessica/ws/*', '/jessica/mcp', '/jessica/mcp/*', '/jessica/voice/ws']);
    expect(pathPatterns(rules[1])).toEqual(['/jessica/voice/ws/*']);
    const [tgId] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    for (const rule of rules) {
      expect(rule.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: tgId } }]);
    }
  });

  test('3 long-lived paths with the default priority: p and p+1', () => {
    const rules = listenerRules(synthLongLived({ longLivedPaths: ['/ws', '/mcp', '/voice/ws'] }).st);
    expect(rules).toHaveLength(2);
    expect(rules[1].Properties.Priority).toBe(rules[0].Properties.Priority + 1);
    // the same base path, same default first priority as with one long-lived path
    expect(rules[0].Properties.Priority).toBe(listenerRules(synthLongLived().st)[0].Properties.Priority);
  });

  test('a custom healthCheckPath', () => {
    const { st } = synthLongLived({ healthCheckPath: '/jessica/api/healthz' });
    expect(onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup')[1].Properties.HealthCheckPath).toBe('/jessica/api/healthz');
  });

  test('long-lived URLs: wss:// for paths ending in ws, https:// otherwise', () => {
    const { routes } = synthLongLived({ longLivedPaths: ['/voice/ws', '/mcp'] });
    expect(routes.longLivedUrls).toHaveLength(2);
    expect(routes.longLivedUrls[0]).toMatch(/^wss:\/\/api\..+\/jessica\/voice\/ws$/);
    expect(routes.longLivedUrls[1]).toMatch(/^https:\/\/api\..+\/jessica\/mcp$/);
  });

  test('without longLivedPaths: no target group, no listener rule, no long-lived URLs', () => {
    const { serviceStack, platform } = importedPlatform();
    const routes = routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)));
    const st = Template.fromStack(serviceStack);
    st.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    st.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
    expect(routes.longLivedTargetGroup).toBeUndefined();
    expect(routes.longLivedUrls).toEqual([]);
    expect(onlyOne(st, 'AWS::ECS::Service')[1].Properties.LoadBalancers ?? []).toEqual([]);
  });
});

// ==================================================================================== throttling

describe('route throttling', () => {
  test('routes in the platform\'s stack: both route keys get the rates, in CloudFormation\'s spelling', () => {
    const { platformStack, platform } = realPlatform({ longLivedConnections: undefined });
    routesOf(platformStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { throttlingRateLimit: 50, throttlingBurstLimit: 70 });
    const pt = Template.fromStack(platformStack);
    const [, stage] = onlyOne(pt, 'AWS::ApiGatewayV2::Stage');
    // RouteSettings is raw JSON in the L1: PascalCase like DefaultRouteSettings, with the stage's
    // detailed-metrics flag repeated (a route setting replaces the stage defaults for its route).
    const expected = { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 70, DetailedMetricsEnabled: true };
    expect(stage.Properties.RouteSettings).toEqual({ [ANY_BASE]: expected, [ANY_PROXY]: expected });
    // the stage's default throttling stays
    expect(stage.Properties.DefaultRouteSettings)
      .toMatchObject({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, DetailedMetricsEnabled: true });
  });

  test('the stage is deployed after the routes it names (API Gateway refuses settings for unknown route keys)', () => {
    const { platformStack, platform } = realPlatform({ longLivedConnections: undefined });
    routesOf(platformStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { throttlingRateLimit: 50, throttlingBurstLimit: 70 });
    const pt = Template.fromStack(platformStack);
    const [, stage] = onlyOne(pt, 'AWS::ApiGatewayV2::Stage');
    const routeIds = [routeByKey(pt, ANY_BASE)[0], routeByKey(pt, ANY_PROXY)[0]];
    expect(stage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  test('without throttling the stage has no route settings and waits for no route', () => {
    const { platformStack, platform } = realPlatform({ longLivedConnections: undefined });
    routesOf(platformStack, platform, ApiTarget.httpUrl('https://legacy.example.com'));
    const [, stage] = onlyOne(Template.fromStack(platformStack), 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.RouteSettings).toBeUndefined();
    expect(stage.DependsOn ?? []).toEqual([]);
  });

  test('routes in another stack of the same app: an error, since the stage would be deployed before them', () => {
    const { serviceStack, platform } = realPlatform({ longLivedConnections: undefined });
    expect(() => routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { throttlingRateLimit: 50, throttlingBurstLimit: 70 }))
      .toThrow(/Service\/JessicaRoutes: invalid throttlingRateLimit 50: route throttling needs the routes in the platform's stack \(Platform\), not in Service: API Gateway accepts route throttling only for routes that already exist.*deploy the service first, then call platform\.addRouteThrottling\('ANY \/jessica\/\{proxy\+\}'/);
  });

  test('on an imported platform: an error that points to addRouteThrottling after the service is deployed', () => {
    const { serviceStack, platform } = importedPlatform();
    expect(() => routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { throttlingRateLimit: 50, throttlingBurstLimit: 100 }))
      .toThrow(/Service\/JessicaRoutes: invalid throttlingRateLimit 50: route throttling needs the platform in the same CDK app.*Deploy the service first, then call platform\.addRouteThrottling\('ANY \/jessica\/\{proxy\+\}'/);
  });

  test('platform.addRouteThrottling directly', () => {
    const { platformStack, platform } = realPlatform({ longLivedConnections: undefined, detailedMetrics: false });
    platform.addRouteThrottling('ANY /x', 5, 10);
    platform.addRouteThrottling('GET /y/{proxy+}', 1, 1);
    const [, stage] = onlyOne(Template.fromStack(platformStack), 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.RouteSettings).toEqual({
      'ANY /x': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10, DetailedMetricsEnabled: false },
      'GET /y/{proxy+}': { ThrottlingRateLimit: 1, ThrottlingBurstLimit: 1, DetailedMetricsEnabled: false },
    });
  });

  describe('addRouteThrottling validation', () => {
    let platform: GlobalPlatform;
    beforeAll(() => {
      platform = realPlatform({ longLivedConnections: undefined }).platform;
    });

    test.each(['/x', 'ANY x', 'FETCH /x', 'any /x', 'ANY'])('route key %j', key => {
      expect(() => platform.addRouteThrottling(key, 5, 10))
        .toThrow(`Platform/Platform: invalid routeKey ${JSON.stringify(key)}: expected "METHOD /path", such as "ANY /jessica/{proxy+}"`);
    });

    test.each([0, 10_001, 1.5, -1])('rate limit %p', rate => {
      expect(() => platform.addRouteThrottling('ANY /x', rate, 10))
        .toThrow(`Platform/Platform: invalid rateLimit ${rate}: expected a whole number from 1 to 10000`);
    });

    test.each([0, 5_001, 2.5])('burst limit %p', burst => {
      expect(() => platform.addRouteThrottling('ANY /x', 5, burst))
        .toThrow(`Platform/Platform: invalid burstLimit ${burst}: expected a whole number from 1 to 5000`);
    });

    test('the limits themselves are accepted', () => {
      expect(() => platform.addRouteThrottling('ANY /max', 10_000, 5_000)).not.toThrow();
      expect(() => platform.addRouteThrottling('ANY /min', 1, 1)).not.toThrow();
    });
  });
});

// ============================================================================ authorization

describe('JWT authorizer', () => {
  let st: Template;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.lambdaFunction(lambdaFunction(serviceStack)), {
      jwtIssuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', jwtAudience: ['client-1', 'client-2'],
    });
    st = Template.fromStack(serviceStack);
  });

  test('the service publishes its issuer and audiences for the platform\'s one JWT authorizer, and adds no authorizer', () => {
    st.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    st.resourceCountIs('AWS::Lambda::Function', 1); // the target only
    const [, parameter] = onlyOne(st, 'AWS::SSM::Parameter', r => r.Properties.Name === '/platform/georgi/jwt/jessica');
    expect(parameter.Properties).toMatchObject({ Type: 'String', Tier: 'Standard' });
    expect(JSON.parse(parameter.Properties.Value)).toEqual({
      basePath: '/jessica', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc', audience: ['client-1', 'client-2'],
    });
  });

  test('both routes require the platform\'s JWT authorizer, read from /platform/georgi/front-door/jwt-origin-authorizer-id', () => {
    for (const key of [ANY_BASE, ANY_PROXY]) {
      const [, route] = routeByKey(st, key);
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(route.Properties.AuthorizerId).toEqual(ssmRef(st, '/platform/georgi/front-door/jwt-origin-authorizer-id'));
    }
  });

  test('jwtJwksEndpoint is published as the key set the function reads (otherwise the issuer\'s discovery document)', () => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), {
      jwtIssuer: 'https://accounts.example.com', jwtAudience: ['aud'], jwtJwksEndpoint: 'https://accounts.example.com/oauth2/certs',
    });
    const [, parameter] = onlyOne(Template.fromStack(serviceStack), 'AWS::SSM::Parameter');
    expect(JSON.parse(parameter.Properties.Value).jwksUri).toBe('https://accounts.example.com/oauth2/certs');
  });

  test('on a platform without shared authorizers (an IGlobalPlatform of its own), API Gateway\'s JWT authorizer', () => {
    const { serviceStack, platform } = importedPlatform();
    const withoutOriginCheck = Object.create(platform, {
      originSecret: { value: undefined },
      originAuthorizerFunction: { value: undefined },
      originAuthorizer: { value: undefined },
      jwtOriginAuthorizer: { value: undefined },
    }) as IGlobalPlatform;
    routesOf(serviceStack, withoutOriginCheck, ApiTarget.httpUrl('https://legacy.example.com'), {
      jwtIssuer: 'https://issuer.example.com', jwtAudience: ['aud'],
    });
    const t = Template.fromStack(serviceStack);
    const [authorizerId, authorizer] = onlyOne(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      Name: 'jessica-jwt',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['aud'] },
    });
    for (const key of [ANY_BASE, ANY_PROXY]) {
      expect(routeByKey(t, key)[1].Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
    t.resourceCountIs('AWS::SSM::Parameter', 0);
  });

  test('routes with a JWT authorizer carry no AwsSolutions-APIG4 suppression', () => {
    for (const key of [ANY_BASE, ANY_PROXY]) {
      expect(nagRuleIds(routeByKey(st, key)[1])).not.toContain('AwsSolutions-APIG4');
    }
  });

  // Two services of one app, each with its own issuer: one authorizer for both.
  test.each([['the platform of the same app', false], ['an imported platform', true]])('two services with JWT issuers on %s', (_, imported) => {
    const fixture = imported ? importedPlatform() : realPlatform({ longLivedConnections: undefined });
    const { serviceStack, platform } = fixture;
    routesOf(serviceStack, platform, ApiTarget.httpUrl('https://jessica.example.com'), {
      jwtIssuer: 'https://issuer-a.example.com', jwtAudience: ['a'],
    });
    new ApiRoutes(serviceStack, 'VoiceRoutes', {
      platform,
      serviceName: 'voice',
      target: ApiTarget.httpUrl('https://voice.example.com'),
      jwtIssuer: 'https://issuer-b.example.com',
      jwtAudience: ['b'],
    });
    const s = Template.fromStack(serviceStack);
    s.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const published = Object.values(resources(s, 'AWS::SSM::Parameter')).map(p => JSON.parse(p.Properties.Value))
      .map(c => `${c.basePath} ${c.issuer}`).sort();
    expect(published).toEqual(['/jessica https://issuer-a.example.com', '/voice https://issuer-b.example.com']);
    const authorizerIds = new Set(Object.values(resources(s, 'AWS::ApiGatewayV2::Route')).map(r => JSON.stringify(r.Properties.AuthorizerId)));
    expect(authorizerIds.size).toBe(1);
  });
});

describe('cost-allocation tags', () => {
  test('in a service app: platform and service tags on the routes\' taggable resources', () => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), {
      longLivedPaths: ['/ws'], cors: { allowOrigins: ['https://jessica.georgi.io'] },
    });
    const st = Template.fromStack(serviceStack);
    const expected = expect.arrayContaining([{ Key: 'platform', Value: 'georgi' }, { Key: 'service', Value: 'jessica' }]);
    for (const type of ['AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::Lambda::Function', 'AWS::CloudWatch::Alarm']) {
      const found = Object.values(resources(st, type));
      expect(found.length).toBeGreaterThan(0);
      for (const resource of found) expect(resource.Properties.Tags).toEqual(expected);
    }
  });
});

describe('JWT on the long-lived paths', () => {
  const PATHS = ['/ws', '/mcp', '/voice/ws', '/admin/mcp'];
  function longLivedWithJwt(props: Partial<ApiRoutesProps>): Template {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), {
      longLivedPaths: PATHS, jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['aud-1', 'aud-2'], ...props,
    });
    return Template.fromStack(serviceStack);
  }
  const isPreflight = (rule: Resource) => JSON.stringify(rule.Properties.Conditions).includes('http-request-method');
  const methodsOf = (rule: Resource) => (rule.Properties.Conditions as Array<any>)
    .filter(c => c.Field === 'http-request-method').flatMap(c => c.HttpRequestMethodConfig.Values);
  const patternsOf = (rule: Resource) => (rule.Properties.Conditions as Array<any>)
    .filter(c => c.Field === 'path-pattern').flatMap(c => c.PathPatternConfig.Values);

  test('every checking rule verifies the token (issuer, key set, aud among jwtAudience), then forwards (the paths bypass API Gateway)', () => {
    const st = longLivedWithJwt({});
    const [targetGroupId] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    const rules = listenerRules(st).filter(rule => !isPreflight(rule));
    expect(rules).toHaveLength(2); // 8 path patterns, at most 5 per rule
    for (const rule of rules) {
      expect(rule.Properties.Actions).toEqual([
        {
          Type: 'jwt-validation',
          Order: 1,
          // The issuer as given; the key set at <issuer>/.well-known/jwks.json (one slash).
          JwtValidationConfig: {
            Issuer: 'https://issuer.example.com/',
            JwksEndpoint: 'https://issuer.example.com/.well-known/jwks.json',
            AdditionalClaims: [{ Name: 'aud', Format: 'single-string', Values: ['aud-1', 'aud-2'] }],
          },
        },
        { Type: 'forward', Order: 2, TargetGroupArn: { Ref: targetGroupId } },
      ]);
    }
  });

  test('CORS preflights (OPTIONS, sent without a token) pass unchecked, in rules ahead of the checking ones for the same paths', () => {
    const st = longLivedWithJwt({ longLivedRulePriority: 2000 });
    const [targetGroupId] = onlyOne(st, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    const rules = listenerRules(st);
    const preflight = rules.filter(isPreflight);
    const checking = rules.filter(rule => !isPreflight(rule));
    expect(preflight).toHaveLength(2); // 8 patterns, at most 4 per rule beside the method
    expect(preflight.map(rule => rule.Properties.Priority)).toEqual([1998, 1999]);
    expect(checking.map(rule => rule.Properties.Priority)).toEqual([2000, 2001]);
    for (const rule of preflight) {
      expect(methodsOf(rule)).toEqual(['OPTIONS']);
      expect(rule.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: targetGroupId } }]);
    }
    expect(preflight.flatMap(patternsOf).sort()).toEqual(checking.flatMap(patternsOf).sort());
    expect(preflight.flatMap(patternsOf)).toHaveLength(8);
  });

  test('jwtAudienceClaim names the claim the load balancer compares (client_id for Cognito access tokens)', () => {
    const st = longLivedWithJwt({ jwtAudienceClaim: 'client_id' });
    for (const rule of listenerRules(st).filter(candidate => !isPreflight(candidate))) {
      expect(rule.Properties.Actions[0].JwtValidationConfig.AdditionalClaims).toEqual([{ Name: 'client_id', Format: 'single-string', Values: ['aud-1', 'aud-2'] }]);
    }
  });

  test.each([
    [{ jwtAudienceClaim: 'exp' }, 'jwtAudienceClaim', 'not exp, iss, nbf or iat'],
    [{ jwtAudienceClaim: 'has space' }, 'jwtAudienceClaim', 'expected a claim name'],
    [{ jwtAudience: Array.from({ length: 11 }, (_, i) => `a${i}`) }, 'jwtAudience', 'at most 10 audiences with longLivedPaths'],
    [{ jwtAudience: ['x'.repeat(257)] }, 'jwtAudience', 'at most 256 characters per audience with longLivedPaths'],
    [{ longLivedRulePriority: 2 }, 'longLivedRulePriority', 'expected a whole number from 3 to 49999'],
  ])('refuses %j', (props, prop, allowed) => {
    expect(() => longLivedWithJwt(props as Partial<ApiRoutesProps>)).toThrow(new RegExp(`invalid ${prop} .*${allowed.replace(/[[\]()]/g, '\\$&')}`));
  });

  test('jwtAudienceClaim without long-lived paths is refused', () => {
    const { serviceStack, platform } = importedPlatform();
    expect(() => routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), {
      jwtIssuer: 'https://issuer.example.com/', jwtAudience: ['a'], jwtAudienceClaim: 'client_id',
    })).toThrow(/invalid jwtAudienceClaim "client_id": only used with jwtIssuer and longLivedPaths/);
  });

  test('jwtJwksEndpoint overrides the key set URL', () => {
    const st = longLivedWithJwt({ jwtJwksEndpoint: 'https://issuer.example.com/oauth2/v1/keys' });
    for (const rule of listenerRules(st).filter(candidate => !isPreflight(candidate))) {
      expect(rule.Properties.Actions[0].JwtValidationConfig.JwksEndpoint).toBe('https://issuer.example.com/oauth2/v1/keys');
    }
  });

  test('without jwtIssuer the rules only forward, and no preflight rule is added', () => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), { longLivedPaths: ['/ws'] });
    const rules = listenerRules(Template.fromStack(serviceStack));
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: expect.anything() }]);
  });
});

describe('authorizer prop', () => {
  test('passes through to both routes, without an APIG4 suppression', () => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { authorizer: new authorizers.HttpIamAuthorizer() });
    const st = Template.fromStack(serviceStack);
    for (const key of [ANY_BASE, ANY_PROXY]) {
      const [, route] = routeByKey(st, key);
      expect(route.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(nagRuleIds(route)).not.toContain('AwsSolutions-APIG4');
    }
  });

  test('a custom JWT authorizer is used as given', () => {
    const { serviceStack, platform } = importedPlatform();
    const authorizer = new authorizers.HttpJwtAuthorizer('Custom', 'https://custom.example.com', { jwtAudience: ['x'], authorizerName: 'custom' });
    routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { authorizer });
    const st = Template.fromStack(serviceStack);
    const [authorizerId, resource] = onlyOne(st, 'AWS::ApiGatewayV2::Authorizer');
    expect(resource.Properties.Name).toBe('custom');
    for (const key of [ANY_BASE, ANY_PROXY]) {
      expect(routeByKey(st, key)[1].Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });
});

// ========================================================================================= CORS

describe('CORS preflight routes', () => {
  let st: Template;
  const cors = { allowOrigins: ['https://jessica.georgi.io', 'http://localhost:5173'], allowCredentials: true };
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    const routes = routesOf(serviceStack, platform, ApiTarget.ecsService(ecsService(serviceStack, platform)), {
      cors, jwtIssuer: 'https://issuer.example.com', jwtAudience: ['aud'],
    });
    expect(routes.routes).toHaveLength(4);
    st = Template.fromStack(serviceStack);
  });

  function preflightFunction(): [string, Resource] {
    return onlyOne(st, 'AWS::Lambda::Function', r => r.Properties.Environment?.Variables?.CORS_POLICY !== undefined);
  }

  test('OPTIONS /jessica and OPTIONS /jessica/{proxy+} check only the origin header, even with jwtIssuer', () => {
    const apiId = ssmRef(st, '/platform/georgi/api/http-api-id');
    st.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const key of ['OPTIONS /jessica', 'OPTIONS /jessica/{proxy+}']) {
      const [, route] = routeByKey(st, key);
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(route.Properties.AuthorizerId).toEqual(ssmRef(st, '/platform/georgi/front-door/origin-authorizer-id'));
      expect(route.Properties.ApiId).toEqual(apiId);
    }
    for (const key of [ANY_BASE, ANY_PROXY]) {
      expect(routeByKey(st, key)[1].Properties.AuthorizerId).toEqual(ssmRef(st, '/platform/georgi/front-door/jwt-origin-authorizer-id'));
    }
  });

  test('without an origin check, the preflight routes have no authorizer (and say why to cdk-nag)', () => {
    const { serviceStack, platform } = importedPlatform();
    const withoutOriginCheck = Object.create(platform, {
      originSecret: { value: undefined },
      originAuthorizerFunction: { value: undefined },
      originAuthorizer: { value: undefined },
      jwtOriginAuthorizer: { value: undefined },
    }) as IGlobalPlatform;
    routesOf(serviceStack, withoutOriginCheck, ApiTarget.httpUrl('https://legacy.example.com'), { cors });
    const t = Template.fromStack(serviceStack);
    t.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    for (const key of ['OPTIONS /jessica', 'OPTIONS /jessica/{proxy+}', ANY_BASE, ANY_PROXY]) {
      const [, route] = routeByKey(t, key);
      expect(route.Properties.AuthorizationType).toBe('NONE');
      expect(nagRuleIds(route)).toContain('AwsSolutions-APIG4');
    }
  });

  test('the preflight routes go to a Lambda whose CORS_POLICY is the JSON policy', () => {
    const [fnId, fn] = preflightFunction();
    for (const key of ['OPTIONS /jessica', 'OPTIONS /jessica/{proxy+}']) {
      const integration = integrationOf(st, routeByKey(st, key)[1]).Properties;
      expect(integration).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
      expect(integration.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
    }
    expect(JSON.parse(fn.Properties.Environment.Variables.CORS_POLICY)).toEqual({
      allowOrigins: ['https://jessica.georgi.io', 'http://localhost:5173'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['content-type', 'authorization'],
      allowCredentials: true,
      maxAgeSeconds: 600,
    });
    expect(fn.Properties.Runtime).toBe('nodejs24.x');
    expect(fn.Properties.Handler).toBe('index.handler');
  });

  test('the preflight function role has no managed policy and may only write to its own log group', () => {
    const [, fn] = preflightFunction();
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const role = resources(st, 'AWS::IAM::Role')[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    expect(resources(st, 'AWS::Logs::LogGroup')[logGroupId]).toBeDefined();
    const policies = Object.values(resources(st, 'AWS::IAM::Policy')).filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
    expect(policies).toHaveLength(1);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [
        { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }, ':log-stream:*']] },
      ],
    }]);
    // no other policy names the role
    const others = Object.values(resources(st, 'AWS::IAM::Policy')).filter(p => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(others).toHaveLength(1);
  });

  test('the preflight log group keeps logs for a month by default', () => {
    const [, fn] = preflightFunction();
    const logGroup = resources(st, 'AWS::Logs::LogGroup')[fn.Properties.LoggingConfig.LogGroup.Ref];
    expect(logGroup.Properties.RetentionInDays).toBe(30);
  });

  test('without cors: no OPTIONS routes and no preflight function', () => {
    const { serviceStack, platform } = importedPlatform();
    routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'));
    const t = Template.fromStack(serviceStack);
    t.resourceCountIs('AWS::Lambda::Function', 0);
    expect(Object.values(resources(t, 'AWS::ApiGatewayV2::Route')).map(r => r.Properties.RouteKey).sort()).toEqual([ANY_BASE, ANY_PROXY]);
  });
});

// =================================================================================== monitoring

describe('monitoring options', () => {
  test('a custom serverErrorRateThresholdPercent', () => {
    const { serviceStack, platform } = importedPlatform();
    const routes = routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'), { serverErrorRateThresholdPercent: 12.5 });
    const [, alarm] = onlyOne(Template.fromStack(serviceStack), 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties.Threshold).toBe(12.5);
    expect(alarm.Properties.AlarmDescription).toContain('more than 12.5% of jessica requests');
    expect(routes.serverErrorRateAlarm).toBeDefined();
  });

  test('two services in the platform\'s own stack: both widget sets on the one platform dashboard, one alarm each', () => {
    const { platformStack, platform } = realPlatform({ longLivedConnections: undefined });
    routesOf(platformStack, platform, ApiTarget.httpUrl('https://jessica.example.com'));
    new ApiRoutes(platformStack, 'VoiceRoutes', { platform, serviceName: 'voice', target: ApiTarget.httpUrl('https://voice.example.com') });
    const template = Template.fromStack(platformStack);
    const body = JSON.stringify(onlyOne(template, 'AWS::CloudWatch::Dashboard')[1].Properties.DashboardBody);
    expect(body).toContain('jessica requests');
    expect(body).toContain('voice requests');
    const names = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName)
      .filter(n => n.includes('-api-5xx-rate') && n !== 'georgi-api-5xx-rate').sort();
    expect(names).toEqual(['georgi-jessica-api-5xx-rate', 'georgi-voice-api-5xx-rate']);
  });
});

// An imported listener knows no default port: nothing is opened, the integration still works.
describe('applicationListener on an imported listener without a known port', () => {
  test('adds no ingress rule but still integrates over the VPC link', () => {
    const { serviceStack, platform } = importedPlatform();
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(serviceStack, 'Imported', {
      listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/legacy/0123456789abcdef/0123456789abcdef',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(serviceStack, 'LegacySg', 'sg-0123456789abcdef0'),
    });
    routesOf(serviceStack, platform, ApiTarget.applicationListener(listener));
    const st = Template.fromStack(serviceStack);
    st.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    expect(onlyOne(st, 'AWS::ApiGatewayV2::Integration')[1].Properties).toMatchObject({
      ConnectionType: 'VPC_LINK',
      IntegrationUri: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/legacy/0123456789abcdef/0123456789abcdef',
    });
  });
});

describe('metric methods', () => {
  let stack: Stack;
  let routes: ApiRoutes;
  let template: Template;
  beforeAll(() => {
    const { serviceStack, platform } = importedPlatform();
    stack = serviceStack;
    routes = routesOf(serviceStack, platform, ApiTarget.httpUrl('https://legacy.example.com'));
    // an alarm on each metric, so the template shows what CloudWatch would be asked for
    routes.metricRequests().createAlarm(stack, 'Requests', { threshold: 1, evaluationPeriods: 1 });
    routes.metricServerErrors({ label: 'errors', period: Duration.minutes(1) }).createAlarm(stack, 'Errors', { threshold: 1, evaluationPeriods: 1 });
    routes.metricClientErrors().createAlarm(stack, 'ClientErrors', { threshold: 1, evaluationPeriods: 1 });
    routes.metricLatency({ statistic: 'p90' }).createAlarm(stack, 'Latency', { threshold: 1000, evaluationPeriods: 1 });
    template = Template.fromStack(stack);
  });

  /** The alarm this test created with construct id `id` (logical ids start with it). */
  function alarm(id: string): Resource {
    const found = Object.entries(resources(template, 'AWS::CloudWatch::Alarm')).filter(([logicalId]) => logicalId.startsWith(id));
    expect(found).toHaveLength(1);
    return found[0][1];
  }

  test('metricRequests sums Count over both routes (missing values as 0), per 5 minutes', () => {
    const metrics = alarm('Requests').Properties.Metrics as any[];
    expect(metrics.find(m => m.Expression).Expression).toBe('FILL(count0, 0) + FILL(count1, 0)');
    const stats = metrics.filter(m => m.MetricStat).map(m => m.MetricStat);
    expect(stats.map(s => s.Metric.Dimensions.find((d: any) => d.Name === 'Resource').Value)).toEqual(['/jessica', '/jessica/{proxy+}']);
    for (const s of stats) {
      expect(s.Metric.MetricName).toBe('Count');
      expect(s.Stat).toBe('Sum');
      expect(s.Period).toBe(300);
      expect(s.Metric.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Method', Value: 'ANY' }, { Name: 'Stage', Value: '$default' }]));
    }
  });

  test('metricServerErrors and metricClientErrors: 5xx and 4xx; period and label are honoured', () => {
    const metrics = alarm('Errors').Properties.Metrics as any[];
    expect(metrics.find(m => m.Expression)).toEqual(expect.objectContaining({ Label: 'errors', Expression: 'FILL(m5xx0, 0) + FILL(m5xx1, 0)' }));
    expect(metrics.filter(m => m.MetricStat).map(m => [m.MetricStat.Metric.MetricName, m.MetricStat.Period])).toEqual([['5xx', 60], ['5xx', 60]]);
    const clientErrors = alarm('ClientErrors').Properties.Metrics as any[];
    expect(clientErrors.filter(m => m.MetricStat).map(m => m.MetricStat.Metric.MetricName)).toEqual(['4xx', '4xx']);
  });

  test('metricLatency: the proxy route, with the statistic asked for (default p99)', () => {
    const latency = alarm('Latency');
    expect(latency.Properties.MetricName).toBe('Latency');
    expect(latency.Properties.ExtendedStatistic).toBe('p90');
    expect(latency.Properties.Dimensions).toEqual(expect.arrayContaining([{ Name: 'Resource', Value: '/jessica/{proxy+}' }]));
    expect(routes.metricLatency().statistic).toBe('p99');
  });
});
