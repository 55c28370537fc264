import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpServiceDiscoveryIntegration, HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { ApiRoutes, ApiTarget, GlobalPlatform, GlobalPlatformImportOptions, IGlobalPlatform } from '../../src';
import { PARAMETER_KEYS } from '../../src/contract/parameters';
import { AttributeError } from '../../src/core/errors';
import { errorOf } from '../helpers/errors';
import { ENV, georgiPlatform } from '../helpers/fixtures';

const SSM_STRING = 'AWS::SSM::Parameter::Value<String>';

type Key = keyof typeof PARAMETER_KEYS;
const nameOf = (key: Key) => `/platform/georgi/${PARAMETER_KEYS[key]}`;

/** App A: the platform's own app. Returns the names of the parameters it publishes. */
function platformParameterNames(longLivedConnections: boolean): Set<string> {
  const stack = new Stack(new App(), 'Platform', { env: ENV });
  georgiPlatform(stack, { longLivedConnections: longLivedConnections ? {} : undefined });
  const params = Template.fromStack(stack).findResources('AWS::SSM::Parameter');
  return new Set(Object.values(params).map(p => p.Properties.Name as string));
}

/** App B: a service repository's app, with no reference to app A at all. */
function serviceStack(options: Partial<GlobalPlatformImportOptions> = {}): { stack: Stack; platform: IGlobalPlatform } {
  const stack = new Stack(new App(), 'Service', { env: ENV });
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', { domainName: 'georgi.io', ...options });
  return { stack, platform };
}

/** The CloudFormation parameters of a template except the CDK bootstrap version. */
function templateParameters(template: Template): Record<string, { Type: string; Default: string }> {
  const all = template.toJSON().Parameters ?? {};
  return Object.fromEntries(Object.entries(all).filter(([id]) => id !== 'BootstrapVersion')) as Record<string, { Type: string; Default: string }>;
}

/** The logical id of the CloudFormation parameter that reads one platform parameter. */
function parameterId(template: Template, key: Key): string {
  const found = Object.entries(templateParameters(template)).filter(([, p]) => p.Default === nameOf(key));
  expect(found).toHaveLength(1);
  return found[0][0];
}

/** A service that uses every part of the imported platform. */
function useEverything(stack: Stack, platform: IGlobalPlatform): void {
  // vpc + vpcLinkSecurityGroup: the service's security group opens its port to the VPC link only.
  const taskSg = new ec2.SecurityGroup(stack, 'TaskSg', { vpc: platform.vpc, allowAllOutbound: true });
  taskSg.addIngressRule(platform.vpcLinkSecurityGroup, ec2.Port.tcp(8080), 'from the central API');

  // cluster: a Fargate service in the service subnets.
  const taskDefinition = new ecs.FargateTaskDefinition(stack, 'TaskDef');
  taskDefinition.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:latest'), portMappings: [{ containerPort: 8080 }] });
  new ecs.FargateService(stack, 'Service', {
    cluster: platform.cluster,
    taskDefinition,
    securityGroups: [taskSg],
    vpcSubnets: platform.serviceSubnets,
  });

  // httpApi: a route with a URL integration; vpcLink: a route into Cloud Map through the VPC link.
  new apigwv2.HttpRoute(stack, 'HealthRoute', {
    httpApi: platform.httpApi,
    routeKey: apigwv2.HttpRouteKey.with('/svc/health', apigwv2.HttpMethod.GET),
    integration: new HttpUrlIntegration('Health', 'https://example.com/health'),
  });
  const discovery = new servicediscovery.Service(stack, 'Discovery', { namespace: platform.namespace, name: 'svc' });
  new apigwv2.HttpRoute(stack, 'ProxyRoute', {
    httpApi: platform.httpApi,
    routeKey: apigwv2.HttpRouteKey.with('/svc/{proxy+}', apigwv2.HttpMethod.ANY),
    integration: new HttpServiceDiscoveryIntegration('Proxy', discovery, { vpcLink: platform.vpcLink }),
  });

  // hostedZone + frontDoor: svc.<domain> aliases the front door.
  new route53.ARecord(stack, 'Record', {
    zone: platform.hostedZone,
    recordName: 'svc',
    target: route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(platform.frontDoor)),
  });

  // alarmTopic.
  const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'Svc', metricName: 'Errors' }),
    threshold: 1,
    evaluationPeriods: 1,
  });
  alarm.addAlarmAction(new SnsAction(platform.alarmTopic));

  // longLivedListener: the service's WebSocket path.
  new elbv2.ApplicationListenerRule(stack, 'WsRule', {
    listener: platform.longLivedListener!,
    priority: 10,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/svc/ws', '/svc/ws/*'])],
    action: elbv2.ListenerAction.fixedResponse(200, { contentType: 'text/plain', messageBody: 'ok' }),
  });

  // certificate.
  new CfnOutput(stack, 'CertificateArn', { value: platform.certificate.certificateArn });
}

describe('a service app importing the platform by name', () => {
  let template: Template;
  let platform: IGlobalPlatform;
  let json: string;
  beforeAll(() => {
    const service = serviceStack({ longLivedConnections: {} });
    platform = service.platform;
    useEverything(service.stack, platform);
    template = Template.fromStack(service.stack);
    json = JSON.stringify(template.toJSON());
  });

  test('synthesizes without any CloudFormation export or import', () => {
    expect(json).not.toContain('Fn::ImportValue');
    expect(template.toJSON().Outputs?.CertificateArn?.Export).toBeUndefined();
  });

  test('reads every value from an SSM parameter at deploy time', () => {
    const params = templateParameters(template);
    expect(Object.keys(params).length).toBeGreaterThan(0);
    for (const p of Object.values(params)) {
      expect(p.Type).toBe(SSM_STRING);
      expect(p.Default.startsWith('/platform/georgi/')).toBe(true);
    }
  });

  test('reads exactly the parameters that app A publishes (for what it uses)', () => {
    const read = new Set(Object.values(templateParameters(template)).map(p => p.Default));
    const published = platformParameterNames(true);
    for (const name of read) expect(published).toContain(name);
    const expected = new Set<Key>([
      'vpcId', 'serviceSubnetIds', 'vpcLinkSecurityGroupId', 'clusterName', 'namespaceId',
      'httpApiId', 'vpcLinkId', 'hostedZoneId', 'frontDoorDistributionId',
      'frontDoorDomainName', 'alarmTopicArn', 'longLivedListenerArn', 'longLivedSecurityGroupId', 'certificateArn',
    ]);
    // known at synth (the domain from the import options) or derived from what is read (ARNs, the endpoint)
    for (const derived of ['domainName', 'clusterArn', 'namespaceArn', 'namespaceName', 'httpApiEndpoint'] as Key[]) {
      expect(read.has(nameOf(derived))).toBe(false);
    }
    // the VPC reads each attribute when first used: a Fargate service needs the id and its subnets only
    for (const unused of ['vpcCidr', 'availabilityZones', 'publicSubnetIds', 'publicSubnetRouteTableIds', 'serviceSubnetRouteTableIds'] as Key[]) {
      expect(read.has(nameOf(unused))).toBe(false);
    }
    expect([...read].sort()).toEqual([...expected].map(nameOf).sort());
  });

  test('the security group is in the platform VPC and admits the VPC link security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: { Ref: parameterId(template, 'vpcId') },
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { Ref: parameterId(template, 'vpcLinkSecurityGroupId') },
      FromPort: 8080,
      ToPort: 8080,
    });
  });

  test('the Fargate service runs in the platform cluster, in the service subnets (2 entries of Fn::Split)', () => {
    const subnets = parameterId(template, 'serviceSubnetIds');
    // Fn::Split has no count in CloudFormation: the count is how many Fn::Select CDK writes.
    const split = { 'Fn::Split': [',', { Ref: subnets }] };
    template.hasResourceProperties('AWS::ECS::Service', {
      Cluster: { Ref: parameterId(template, 'clusterName') },
      LaunchType: 'FARGATE',
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          Subnets: [{ 'Fn::Select': [0, split] }, { 'Fn::Select': [1, split] }],
        }),
      },
    });
  });

  test('the routes are added to the platform HTTP API (and nowhere a new API)', () => {
    const api = parameterId(template, 'httpApiId');
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { ApiId: { Ref: api }, RouteKey: 'GET /svc/health' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { ApiId: { Ref: api }, RouteKey: 'ANY /svc/{proxy+}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ApiId: { Ref: api }, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com/health',
    });
  });

  test('the Cloud Map integration goes through the platform VPC link into the platform namespace', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      ConnectionType: 'VPC_LINK',
      ConnectionId: { Ref: parameterId(template, 'vpcLinkId') },
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      NamespaceId: { Ref: parameterId(template, 'namespaceId') },
    });
  });

  test('the record is in the platform zone and aliases the front door', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: { Ref: parameterId(template, 'hostedZoneId') },
      Name: 'svc.georgi.io.',
      Type: 'A',
      AliasTarget: Match.objectLike({ DNSName: { Ref: parameterId(template, 'frontDoorDomainName') } }),
    });
  });

  test('the alarm notifies the platform topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: parameterId(template, 'alarmTopicArn') }],
    });
  });

  test('the listener rule is on the long-lived listener, priority 10, with a fixed response', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: parameterId(template, 'longLivedListenerArn') },
      Priority: 10,
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', ContentType: 'text/plain', MessageBody: 'ok' } }],
      Conditions: [Match.objectLike({ Field: 'path-pattern' })],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
  });

  test('the certificate is the platform certificate', () => {
    template.hasOutput('CertificateArn', { Value: { Ref: parameterId(template, 'certificateArn') } });
  });

  test('the imported platform has no dashboard', () => {
    expect(platform.dashboard).toBeUndefined();
    expect(platform.parameterPrefix).toBe('/platform/georgi');
    expect(platform.longLivedPathSuffixes).toEqual(['ws', 'mcp']);
    expect(platform.httpStageName).toBe('$default');
  });
});

describe('parameters are declared only for what the service uses', () => {
  test('only the alarm topic: exactly one parameter', () => {
    const { stack, platform } = serviceStack();
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
      metric: new cloudwatch.Metric({ namespace: 'Svc', metricName: 'Errors' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(new SnsAction(platform.alarmTopic));
    const params = templateParameters(Template.fromStack(stack));
    expect(Object.values(params)).toEqual([{ Type: SSM_STRING, Default: nameOf('alarmTopicArn') }]);
  });

  test('nothing used: no parameter', () => {
    const { stack } = serviceStack();
    new CfnOutput(stack, 'Nothing', { value: 'x' });
    expect(templateParameters(Template.fromStack(stack))).toEqual({});
  });

  test('the same attribute used twice is read once', () => {
    const { stack, platform } = serviceStack();
    new CfnOutput(stack, 'A', { value: platform.alarmTopic.topicArn });
    new CfnOutput(stack, 'B', { value: platform.alarmTopic.topicArn });
    expect(platform.alarmTopic).toBe(platform.alarmTopic);
    expect(Object.keys(templateParameters(Template.fromStack(stack)))).toHaveLength(1);
  });

  test('routes with the origin check read the platform\'s authorizer id, not its function or the secret it checks against', () => {
    const { stack, platform } = serviceStack();
    new ApiRoutes(stack, 'Routes', { platform, serviceName: 'svc', target: ApiTarget.httpUrl('https://backend.example.com') });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const read = Object.values(templateParameters(template)).map(p => p.Default);
    expect(read).toContain(nameOf('originAuthorizerId'));
    expect(read).not.toContain(nameOf('originAuthorizerFunctionArn'));
    // The secret's parameter would be declared and never referenced (cfn-lint W2001).
    expect(read).not.toContain(nameOf('originSecretArn'));
  });

  test('a literal domainName option needs no domain parameter', () => {
    const { stack, platform } = serviceStack({ domainName: 'georgi.io' });
    expect(platform.apiDomainName).toBe('api.georgi.io');
    new route53.ARecord(stack, 'Record', {
      zone: platform.hostedZone,
      recordName: 'svc',
      target: route53.RecordTarget.fromIpAddresses('192.0.2.1'),
    });
    const template = Template.fromStack(stack);
    expect(Object.values(templateParameters(template)).map(p => p.Default)).toEqual([nameOf('hostedZoneId')]);
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'svc.georgi.io.' });
  });
});

describe('subnet lists and availabilityZoneCount', () => {
  function subnetsOf(options: Partial<GlobalPlatformImportOptions> = {}): { template: Template; subnets: unknown[] } {
    const { stack, platform } = serviceStack(options);
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc: platform.vpc });
    new CfnOutput(stack, 'SgId', { value: sg.securityGroupId });
    const ids = platform.vpc.selectSubnets(platform.serviceSubnets).subnetIds;
    new CfnOutput(stack, 'Subnets', { value: ids.join(';') });
    const template = Template.fromStack(stack);
    return { template, subnets: ids.map(id => stack.resolve(id)) };
  }

  test('two entries by default', () => {
    const { template, subnets } = subnetsOf();
    const param = parameterId(template, 'serviceSubnetIds');
    expect(subnets).toEqual([0, 1].map(i => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { Ref: param }] }] })));
  });

  test('derived attributes: the domain from the options, the ARNs and the API endpoint from what is read', () => {
    const { stack, platform } = serviceStack({ namespaceName: 'svc.internal' });
    expect(platform.domainName).toBe('georgi.io');
    expect(platform.apiDomainName).toBe('api.georgi.io');
    expect(platform.namespace.namespaceName).toBe('svc.internal');
    const namespaceId = stack.resolve(platform.namespace.namespaceId);
    expect(stack.resolve(platform.namespace.namespaceArn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':servicediscovery:us-east-1:123456789012:namespace/', namespaceId,
      ]],
    });
    const clusterName = stack.resolve(platform.cluster.clusterName);
    expect(stack.resolve(platform.cluster.clusterArn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:123456789012:cluster/', clusterName,
      ]],
    });
    expect(stack.resolve(platform.httpApi.apiEndpoint)).toEqual({
      'Fn::Join': ['', [
        'https://', stack.resolve(platform.httpApi.apiId), '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' },
      ]],
    });
    expect(serviceStack().platform.namespace.namespaceName).toBe('georgi.internal');
  });

  test('the VPC reads each attribute when first used: a security group declares the VPC id only', () => {
    const { stack, platform } = serviceStack();
    new ec2.SecurityGroup(stack, 'Sg', { vpc: platform.vpc });
    expect(Object.values(templateParameters(Template.fromStack(stack))).map(p => p.Default)).toEqual([nameOf('vpcId')]);
  });

  test('the CIDR block of a subnet is refused with an AttributeError that names the attribute and what to use instead', () => {
    const { platform } = serviceStack();
    const subnet = platform.vpc.privateSubnets[0];
    const error = errorOf(() => subnet.ipv4CidrBlock);
    expect(error).toBeInstanceOf(AttributeError);
    expect(error.name).toBe('AttributeError');
    expect(error.message).toBe(`${subnet.node.path}: ipv4CidrBlock is not available: an imported platform publishes the ids, zones`
      + ' and route tables of its subnets, not their CIDR blocks; use the VPC\'s vpcCidrBlock, which it publishes');
    // the VPC's own range is published
    expect(platform.vpc.vpcCidrBlock).toBeDefined();
  });

  test('the VPC selects like any VPC: public subnets, service subnets (the default), their zones', () => {
    const { stack, platform } = serviceStack();
    const publicIds = platform.vpc.selectSubnets({ subnetType: ec2.SubnetType.PUBLIC }).subnetIds;
    const serviceSelection = platform.vpc.selectSubnets();
    new CfnOutput(stack, 'All', { value: [...publicIds, ...serviceSelection.subnetIds, ...serviceSelection.availabilityZones].join(',') });
    // as for any imported VPC without such subnets, aws-cdk-lib's own message
    expect(() => platform.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED })).toThrow(/There are no 'Isolated' subnet groups in this VPC/);
    const vpcArn = stack.resolve(platform.vpc.vpcArn);
    const template = Template.fromStack(stack);
    const pick = (list: Key) => [0, 1].map(i => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { Ref: parameterId(template, list) }] }] }));
    expect(stack.resolve(publicIds)).toEqual(pick('publicSubnetIds'));
    expect(stack.resolve(serviceSelection.subnetIds)).toEqual(pick('serviceSubnetIds'));
    expect(stack.resolve(serviceSelection.availabilityZones)).toEqual(pick('availabilityZones'));
    expect(vpcArn).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':ec2:us-east-1:123456789012:vpc/', { Ref: parameterId(template, 'vpcId') },
      ]],
    });
  });

  test('the same token on every read, so subnet filters work: by zone, by id, by the platform\'s group name', () => {
    const { platform } = serviceStack();
    const vpc = platform.vpc;
    expect(vpc.privateSubnets[0].subnetId).toBe(vpc.privateSubnets[0].subnetId);
    expect(vpc.availabilityZones[0]).toBe(vpc.availabilityZones[0]);
    // the default type (private) in the first zone: the first service subnet
    expect(vpc.selectSubnets({ availabilityZones: [vpc.availabilityZones[0]] }).subnets).toEqual([vpc.privateSubnets[0]]);
    expect(vpc.selectSubnets({ subnetFilters: [ec2.SubnetFilter.byIds([vpc.privateSubnets[1].subnetId])] }).subnets).toEqual([vpc.privateSubnets[1]]);
    expect(vpc.selectSubnets({ subnetGroupName: 'private' }).subnets).toEqual(vpc.privateSubnets);
    expect(vpc.selectSubnets({ subnetGroupName: 'public' }).subnets).toEqual(vpc.publicSubnets);
  });

  test('availabilityZoneCount 3: three entries', () => {
    const { template, subnets } = subnetsOf({ availabilityZoneCount: 3 });
    const param = parameterId(template, 'serviceSubnetIds');
    expect(subnets).toEqual([0, 1, 2].map(i => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { Ref: param }] }] })));
  });

  test('availability zones and route tables use the same count', () => {
    const { stack, platform } = serviceStack({ availabilityZoneCount: 3 });
    expect(platform.vpc.availabilityZones).toHaveLength(3);
    const routeTables = platform.vpc.privateSubnets.map(s => stack.resolve(s.routeTable.routeTableId));
    const publicSubnets = platform.vpc.publicSubnets.map(s => stack.resolve(s.subnetId));
    new CfnOutput(stack, 'Tables', { value: platform.vpc.privateSubnets.map(s => s.routeTable.routeTableId).join(';') });
    const template = Template.fromStack(stack);
    const tables = parameterId(template, 'serviceSubnetRouteTableIds');
    const pub = parameterId(template, 'publicSubnetIds');
    expect(routeTables).toEqual([0, 1, 2].map(i => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { Ref: tables }] }] })));
    expect(publicSubnets).toEqual([0, 1, 2].map(i => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { Ref: pub }] }] })));
  });
});

describe('optional attributes', () => {
  test('no longLivedListener without longLivedConnections', () => {
    const { stack, platform } = serviceStack();
    expect(platform.longLivedListener).toBeUndefined();
    expect(platform.longLivedPathSuffixes).toEqual([]);
    expect(platform.dashboard).toBeUndefined();
    expect(templateParameters(Template.fromStack(stack))).toEqual({});
  });

  test('custom longLivedConnections.pathSuffixes', () => {
    const { platform } = serviceStack({ longLivedConnections: { pathSuffixes: ['events'] } });
    expect(platform.longLivedPathSuffixes).toEqual(['events']);
  });
});

describe('parameter contract between app A and app B', () => {
  test('every key that app B can read is one that app A publishes (with long-lived connections)', () => {
    const published = platformParameterNames(true);
    const { stack, platform } = serviceStack({ longLivedConnections: {} });
    const touched = [
      platform.domainName, platform.hostedZone.hostedZoneId, platform.certificate.certificateArn, platform.edgeCertificate.certificateArn,
      platform.vpc.vpcId, platform.cluster.clusterArn, platform.namespace.namespaceArn, platform.httpApi.apiEndpoint,
      platform.vpcLink.vpcLinkId, platform.vpcLinkSecurityGroup.securityGroupId, platform.frontDoor.distributionDomainName,
      platform.longLivedListener!.listenerArn, platform.alarmTopic.topicArn, platform.serviceAssignPublicIp,
      platform.originSecret!.secretArn, platform.originAuthorizerFunction!.functionArn,
      platform.originAuthorizer!.bind({} as any).authorizerId!, platform.jwtOriginAuthorizer!.bind({} as any).authorizerId!,
      platform.vpc.vpcCidrBlock, platform.vpc.availabilityZones.join(','),
      ...[...platform.vpc.publicSubnets, ...platform.vpc.privateSubnets].flatMap(s => [s.subnetId, s.routeTable.routeTableId]),
    ];
    touched.forEach((value, i) => new CfnOutput(stack, `Out${i}`, { value }));
    const read = new Set(Object.values(templateParameters(Template.fromStack(stack))).map(p => p.Default));
    // Every publishable key except the path suffixes, which app B takes as a synth-time option.
    // Not read: what app B takes as synth-time options (the suffixes, the domain and its api. name),
    // the stage name, and what follows from what is read (the cluster and namespace ARNs, the endpoint).
    const notRead = ['longLivedPathSuffixes', 'apiDomainName', 'httpStageName', 'domainName', 'clusterArn', 'namespaceArn', 'namespaceName', 'httpApiEndpoint'];
    const readable = [...published].filter(n => !notRead.map(k => nameOf(k as Key)).includes(n));
    expect([...read].sort()).toEqual(readable.sort());
  });

  test('without long-lived connections app A does not publish the listener that app B would not read', () => {
    const published = platformParameterNames(false);
    expect(published.has(nameOf('longLivedListenerArn'))).toBe(false);
    const { stack, platform } = serviceStack();
    expect(platform.longLivedListener).toBeUndefined();
    new CfnOutput(stack, 'Topic', { value: platform.alarmTopic.topicArn });
    const read = Object.values(templateParameters(Template.fromStack(stack))).map(p => p.Default);
    for (const name of read) expect(published.has(name)).toBe(true);
  });
});
