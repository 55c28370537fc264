import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { GlobalPlatform } from '../../src';
import { PARAMETER_KEYS } from '../../src/contract/parameters';
import { onlyId, synthPlatform as synth, testStack } from '../helpers/fixtures';

/** Keys of platforms with additionalRegions only (the store's ARN; the labels the Regions' checks accept). */
const REGIONS_KEYS: string[] = ['regionRouterStoreArn', 'originSecretAcceptedStages'];
const LONG_LIVED_KEYS: Array<keyof typeof PARAMETER_KEYS> = ['longLivedListenerArn', 'longLivedSecurityGroupId', 'longLivedPathSuffixes',
  'longLivedProxySecurityGroupId'];


/** name -> Value of every SSM parameter in the template. */
function parameters(template: Template): Map<string, unknown> {
  return new Map(Object.values(template.findResources('AWS::SSM::Parameter')).map(p => [p.Properties.Name as string, p.Properties.Value]));
}

function nameOf(key: keyof typeof PARAMETER_KEYS): string {
  return `/platform/georgi/${PARAMETER_KEYS[key]}`;
}

/** The logical ids that a comma-joined value refers to, in order. */
function joinedRefs(value: any): string[] {
  expect(value['Fn::Join'][0]).toBe('');
  const parts = value['Fn::Join'][1] as unknown[];
  expect(parts.filter(p => typeof p === 'string').every(p => p === ',')).toBe(true);
  return parts.filter((p): p is { Ref: string } => typeof p === 'object').map(p => p.Ref);
}

function subnetIds(template: Template, subnetType: string): string[] {
  return Object.keys(template.findResources('AWS::EC2::Subnet', {
    Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: subnetType }]) },
  })).sort();
}

function routeTablesOf(template: Template, subnets: string[]): string[] {
  return Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation'))
    .filter(a => subnets.includes(a.Properties.SubnetId.Ref))
    .map(a => a.Properties.RouteTableId.Ref as string)
    .sort();
}

describe('published parameters with longLivedConnections', () => {
  let template: Template;
  let platform: GlobalPlatform;
  let params: Map<string, unknown>;
  beforeAll(() => {
    ({ template, platform } = synth({ longLivedConnections: {} }));
    params = parameters(template);
  });

  test('every key is published under /platform/georgi, and nothing else (the proxy instance\'s group only with the proxy)', () => {
    const expected = (Object.keys(PARAMETER_KEYS) as Array<keyof typeof PARAMETER_KEYS>)
      .filter(k => k !== 'longLivedProxySecurityGroupId' && !REGIONS_KEYS.includes(k)).map(nameOf).sort();
    expect([...params.keys()].sort()).toEqual(expected);
    expect(expected).toHaveLength(33);
    for (const name of params.keys()) expect(name.startsWith(`${platform.parameterPrefix}/`)).toBe(true);
  });

  test('all are standard-tier String parameters', () => {
    for (const p of Object.values(template.findResources('AWS::SSM::Parameter'))) {
      expect(p.Properties.Type).toBe('String');
      expect(p.Properties.Tier).toBe('Standard');
    }
  });

  test('literal values', () => {
    expect(params.get(nameOf('domainName'))).toBe('georgi.io');
    expect(params.get(nameOf('apiDomainName'))).toBe('api.georgi.io');
    expect(params.get(nameOf('namespaceName'))).toBe('georgi.internal');
    expect(params.get(nameOf('httpStageName'))).toBe('$default');
    expect(params.get(nameOf('longLivedPathSuffixes'))).toBe('ws,mcp');
    expect(params.get(nameOf('serviceAssignPublicIp'))).toBe('DISABLED');
    expect(params.get(nameOf('availabilityZones'))).toEqual(Stack.of(platform).resolve(platform.vpc.availabilityZones.join(',')));
    expect(platform.vpc.availabilityZones).toHaveLength(2);
  });

  test('DNS and TLS values reference the zone and certificate', () => {
    const zone = onlyId(template, 'AWS::Route53::HostedZone');
    const cert = onlyId(template, 'AWS::CertificateManager::Certificate');
    expect(params.get(nameOf('hostedZoneId'))).toEqual({ Ref: zone });
    expect(params.get(nameOf('certificateArn'))).toEqual({ Ref: cert });
    expect(params.get(nameOf('edgeCertificateArn'))).toEqual({ Ref: cert });
  });

  test('network values reference the VPC, its subnets and route tables', () => {
    const vpc = onlyId(template, 'AWS::EC2::VPC');
    expect(params.get(nameOf('vpcId'))).toEqual({ Ref: vpc });
    expect(params.get(nameOf('vpcCidr'))).toEqual({ 'Fn::GetAtt': [vpc, 'CidrBlock'] });
    const publicSubnets = subnetIds(template, 'Public');
    const privateSubnets = subnetIds(template, 'Private');
    expect(publicSubnets).toHaveLength(2);
    expect(privateSubnets).toHaveLength(2);
    expect(joinedRefs(params.get(nameOf('publicSubnetIds'))).sort()).toEqual(publicSubnets);
    expect(joinedRefs(params.get(nameOf('serviceSubnetIds'))).sort()).toEqual(privateSubnets);
    expect(joinedRefs(params.get(nameOf('publicSubnetRouteTableIds'))).sort()).toEqual(routeTablesOf(template, publicSubnets));
    expect(joinedRefs(params.get(nameOf('serviceSubnetRouteTableIds'))).sort()).toEqual(routeTablesOf(template, privateSubnets));
  });

  test('subnet ids and route table ids are listed in the same order (same AZ at the same index)', () => {
    const subnets = joinedRefs(params.get(nameOf('serviceSubnetIds')));
    const tables = joinedRefs(params.get(nameOf('serviceSubnetRouteTableIds')));
    expect(tables).toEqual(subnets.map(s => routeTablesOf(template, [s])[0]));
  });

  test('compute values reference the cluster and namespace', () => {
    const cluster = onlyId(template, 'AWS::ECS::Cluster');
    const namespace = onlyId(template, 'AWS::ServiceDiscovery::PrivateDnsNamespace');
    expect(params.get(nameOf('clusterName'))).toEqual({ Ref: cluster });
    expect(params.get(nameOf('clusterArn'))).toEqual({ 'Fn::GetAtt': [cluster, 'Arn'] });
    expect(params.get(nameOf('namespaceId'))).toEqual({ 'Fn::GetAtt': [namespace, 'Id'] });
    expect(params.get(nameOf('namespaceArn'))).toEqual({ 'Fn::GetAtt': [namespace, 'Arn'] });
  });

  test('API values reference the HTTP API, the VPC link and its security group', () => {
    const api = onlyId(template, 'AWS::ApiGatewayV2::Api');
    const link = onlyId(template, 'AWS::ApiGatewayV2::VpcLink');
    const linkSg = onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('VPC link') });
    expect(params.get(nameOf('httpApiId'))).toEqual({ Ref: api });
    expect(params.get(nameOf('httpApiEndpoint'))).toEqual({ 'Fn::GetAtt': [api, 'ApiEndpoint'] });
    expect(params.get(nameOf('vpcLinkId'))).toEqual({ Ref: link });
    expect(params.get(nameOf('vpcLinkSecurityGroupId'))).toEqual({ 'Fn::GetAtt': [linkSg, 'GroupId'] });
  });

  test('front-door values reference the distribution, the listener and the ALB security group', () => {
    const dist = onlyId(template, 'AWS::CloudFront::Distribution');
    const listener = onlyId(template, 'AWS::ElasticLoadBalancingV2::Listener');
    const albSg = onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('long-lived origin ALB') });
    expect(params.get(nameOf('frontDoorDistributionId'))).toEqual({ Ref: dist });
    expect(params.get(nameOf('frontDoorDomainName'))).toEqual({ 'Fn::GetAtt': [dist, 'DomainName'] });
    expect(params.get(nameOf('longLivedListenerArn'))).toEqual({ Ref: listener });
    expect(params.get(nameOf('longLivedSecurityGroupId'))).toEqual({ 'Fn::GetAtt': [albSg, 'GroupId'] });
  });

  test('the alarm topic value references the topic', () => {
    expect(params.get(nameOf('alarmTopicArn'))).toEqual({ Ref: onlyId(template, 'AWS::SNS::Topic') });
  });
});

describe('published parameters without longLivedConnections', () => {
  let params: Map<string, unknown>;
  beforeAll(() => {
    params = parameters(synth().template);
  });

  test('the long-lived keys are absent', () => {
    for (const key of LONG_LIVED_KEYS) expect(params.has(nameOf(key))).toBe(false);
  });

  test('every other key is published', () => {
    const expected = (Object.keys(PARAMETER_KEYS) as Array<keyof typeof PARAMETER_KEYS>)
      .filter(k => !LONG_LIVED_KEYS.includes(k) && !REGIONS_KEYS.includes(k))
      .map(nameOf)
      .sort();
    expect([...params.keys()].sort()).toEqual(expected);
    expect(expected).toHaveLength(30);
  });
});

describe('published parameters with additionalRegions (issue 24)', () => {
  test('the primary publishes the router store\'s ARN too; the accepted labels go only into the additional Regions', () => {
    const app = new App();
    const stack = new Stack(app, 'P', { env: { account: '123456789012', region: 'eu-central-1' } });
    new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', additionalRegions: [{ region: 'us-west-2' }] });
    const names = [...parameters(Template.fromStack(stack)).keys()];
    expect(names).toContain(nameOf('regionRouterStoreArn'));
    expect(names).not.toContain(nameOf('originSecretAcceptedStages'));
  });
});

test('the prefix follows the platform name', () => {
  const stack = testStack(new App(), 'S');
  const platform = new GlobalPlatform(stack, 'Platform', { platformName: 'acme', domainName: 'acme.dev' });
  expect(platform.parameterPrefix).toBe('/platform/acme');
  const names = [...parameters(Template.fromStack(stack)).keys()];
  expect(names.every(n => n.startsWith('/platform/acme/'))).toBe(true);
  expect(names).toContain('/platform/acme/network/vpc-id');
});

test('with maxAzs 3, the lists hold three entries', () => {
  const { template, platform } = synth({ maxAzs: 3 });
  const params = parameters(template);
  expect(joinedRefs(params.get(nameOf('serviceSubnetIds')))).toHaveLength(3);
  expect(joinedRefs(params.get(nameOf('publicSubnetIds')))).toHaveLength(3);
  expect((params.get(nameOf('availabilityZones')) as string).split(',')).toHaveLength(3);
  expect(platform.vpc.availabilityZones).toHaveLength(3);
});
