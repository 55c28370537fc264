import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GlobalPlatform, GlobalPlatformProps, NatType } from '../../../src';
import { synthPlatform } from '../../helpers/fixtures';

const synth = (props: Partial<GlobalPlatformProps> = {}): Template => synthPlatform(props).template;

function ids(template: Template, type: string, properties?: Record<string, unknown>): string[] {
  return Object.keys(template.findResources(type, properties ? { Properties: properties } : undefined));
}

/** Logical ids of the subnets that the VPC tagged with this CDK subnet type (Public, Private, Isolated). */
function subnetIds(template: Template, subnetType: string): string[] {
  return ids(template, 'AWS::EC2::Subnet', { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: subnetType }]) });
}

/** Logical ids of the route tables of the given subnets. */
function routeTablesOf(template: Template, subnets: string[]): string[] {
  return Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation'))
    .filter(a => subnets.includes(a.Properties.SubnetId.Ref))
    .map(a => a.Properties.RouteTableId.Ref as string);
}

/** The default routes (0.0.0.0/0) of the given route tables. */
function defaultRoutesOf(template: Template, routeTables: string[]): Array<Record<string, any>> {
  return Object.values(template.findResources('AWS::EC2::Route', { Properties: { DestinationCidrBlock: '0.0.0.0/0' } }))
    .filter(r => routeTables.includes(r.Properties.RouteTableId.Ref))
    .map(r => r.Properties);
}

describe('NAT', () => {
  describe('default: one NAT gateway', () => {
    let template: Template;
    beforeAll(() => {
      template = synth();
    });

    test('one NAT gateway in a public subnet, no NAT instance', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 1);
      template.resourceCountIs('AWS::EC2::Instance', 0);
      const natSubnet = Object.values(template.findResources('AWS::EC2::NatGateway'))[0].Properties.SubnetId.Ref;
      expect(subnetIds(template, 'Public')).toContain(natSubnet);
    });

    test('both private subnets route to the internet through the one gateway', () => {
      const privateSubnets = subnetIds(template, 'Private');
      expect(privateSubnets).toHaveLength(2);
      const routes = defaultRoutesOf(template, routeTablesOf(template, privateSubnets));
      expect(routes).toHaveLength(2);
      const nat = ids(template, 'AWS::EC2::NatGateway')[0];
      for (const r of routes) expect(r.NatGatewayId).toEqual({ Ref: nat });
    });

    test('public subnets route to the internet gateway', () => {
      const routes = defaultRoutesOf(template, routeTablesOf(template, subnetIds(template, 'Public')));
      expect(routes).toHaveLength(2);
      const igw = ids(template, 'AWS::EC2::InternetGateway')[0];
      for (const r of routes) expect(r.GatewayId).toEqual({ Ref: igw });
    });

    test('private subnets are /20 and public subnets /24 of 10.0.0.0/16', () => {
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
      const subnets = template.findResources('AWS::EC2::Subnet');
      for (const id of subnetIds(template, 'Public')) expect(subnets[id].Properties.CidrBlock).toMatch(/^10\.0\.\d+\.0\/24$/);
      for (const id of subnetIds(template, 'Private')) expect(subnets[id].Properties.CidrBlock).toMatch(/^10\.0\.\d+\.0\/20$/);
    });

    test('the default security group is restricted', () => {
      template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    });
  });

  test('availabilityZones in a stack with an explicit account: no context look-up, so cdk synth needs no credentials', () => {
    const app = new App();
    const stack = new Stack(app, 'P', { env: { account: '111111111111', region: 'eu-central-1' }, crossRegionReferences: true });
    new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', availabilityZones: ['eu-central-1a', 'eu-central-1b'] });
    const assembly = app.synth();
    expect(assembly.manifest.missing ?? []).toEqual([]);
    expect(assembly.getStackByName('P').template.Resources).toBeDefined();
    // the stack's own answer is untouched afterwards
    expect(Object.getOwnPropertyDescriptor(stack, 'availabilityZones')).toBeUndefined();
  });

  const acknowledged = (platform: GlobalPlatform): string[] => platform.vpc.node.metadata
    .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(entry => Object.keys(entry.data as Record<string, string>));

  test('literal zones acknowledge the template validation\'s "hard-coded zone" warning (W3010) on the VPC; Fn::GetAZs zones (no account) do not', () => {
    const named = new GlobalPlatform(new Stack(new App(), 'P', { env: { account: '111111111111', region: 'us-east-1' } }), 'Platform', {
      platformName: 'georgi', domainName: 'georgi.io', availabilityZones: ['us-east-1a', 'us-east-1b'],
    });
    expect(acknowledged(named)).toEqual(['CloudFormation-Validate::W3010']);
    const agnostic = new GlobalPlatform(new Stack(new App(), 'P', { env: { region: 'us-east-1' } }), 'Platform', {
      platformName: 'georgi', domainName: 'georgi.io',
    });
    expect(acknowledged(agnostic)).toEqual([]);
  });

  describe('without availabilityZones, in a stack with an explicit account', () => {
    const KEY = 'availability-zones:account=111111111111:region=us-east-1';
    const zonesOf = (template: Template) => [...new Set(Object.values(template.findResources('AWS::EC2::Subnet')).map(s => s.Properties.AvailabilityZone))].sort();
    const platformIn = (context: Record<string, unknown>) => {
      const app = new App({ context });
      const stack = new Stack(app, 'P', { env: { account: '111111111111', region: 'us-east-1' } });
      new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io' });
      return { app, stack };
    };

    test('the zones are looked up (the CLI answers with credentials, or from cdk.context.json)', () => {
      const { app } = platformIn({});
      expect(app.synth().manifest.missing?.map(m => m.key)).toEqual([KEY]);
    });

    test('the looked-up zones in the context are used, the first maxAzs of them', () => {
      const { app, stack } = platformIn({ [KEY]: ['us-east-1a', 'us-east-1b', 'us-east-1c'] });
      expect(app.synth().manifest.missing ?? []).toEqual([]);
      expect(zonesOf(Template.fromStack(stack))).toEqual(['us-east-1a', 'us-east-1b']);
    });

    test('a failed look-up (the CLI without credentials) fails synth, saying what to set', () => {
      // What the CDK CLI puts into the context when the look-up failed, before it runs the app again.
      const failed = { $providerError: 'Need to perform AWS calls for account 111111111111, but no credentials have been configured', $dontSaveContext: true };
      expect(() => platformIn({ [KEY]: failed })).toThrow(new RegExp(
        'P/Platform/Network: invalid availabilityZones "\\(not set\\)": the Availability Zones of account 111111111111 in us-east-1 could not be looked up'
        + ' \\(Need to perform AWS calls .*\\): name them, e.g. availabilityZones: \\[\'us-east-1a\', \'us-east-1b\'\\].*commit the cdk.context.json'));
    });
  });

  test('availabilityZones: the VPC uses exactly the named zones', () => {
    const template = synth({ availabilityZones: ['us-east-1b', 'us-east-1d'] });
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map(s => s.Properties.AvailabilityZone);
    expect([...new Set(zones)].sort()).toEqual(['us-east-1b', 'us-east-1d']);
    expect(subnetIds(template, 'Private')).toHaveLength(2);
  });

  test('natGateways 2 with maxAzs 3: two gateways, three AZs', () => {
    const template = synth({ natGateways: 2, maxAzs: 3 });
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    template.resourceCountIs('AWS::EC2::EIP', 2);
    expect(subnetIds(template, 'Public')).toHaveLength(3);
    expect(subnetIds(template, 'Private')).toHaveLength(3);
    const routes = defaultRoutesOf(template, routeTablesOf(template, subnetIds(template, 'Private')));
    expect(routes).toHaveLength(3);
    const used = new Set(routes.map(r => r.NatGatewayId.Ref));
    expect(used).toEqual(new Set(ids(template, 'AWS::EC2::NatGateway')));
  });

  describe('NatType.instance()', () => {
    let template: Template;
    beforeAll(() => {
      template = synth({ natType: NatType.instance() });
    });

    test('one t4g.nano NAT instance and no NAT gateway', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Instance', 1);
      template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.nano', SourceDestCheck: false });
    });

    test('private subnets route to the internet through the instance', () => {
      const instance = ids(template, 'AWS::EC2::Instance')[0];
      const routes = defaultRoutesOf(template, routeTablesOf(template, subnetIds(template, 'Private')));
      expect(routes).toHaveLength(2);
      for (const r of routes) expect(r.InstanceId).toEqual({ Ref: instance });
    });

    test('the NAT instance accepts traffic only from the VPC', () => {
      const vpc = ids(template, 'AWS::EC2::VPC')[0];
      const instance = Object.values(template.findResources('AWS::EC2::Instance'))[0];
      // With its own public address the instance names its groups on its network interface.
      const groups = instance.Properties.SecurityGroupIds ?? instance.Properties.NetworkInterfaces[0].GroupSet;
      const groupRef = groups[0]['Fn::GetAtt'][0];
      const group = template.findResources('AWS::EC2::SecurityGroup')[groupRef];
      expect(group.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [vpc, 'CidrBlock'] }, IpProtocol: '-1' }),
      ]);
    });
  });

  test('NatType.instance(custom type)', () => {
    const template = synth({ natType: NatType.instance(ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL)) });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Instance', 1);
    template.hasResourceProperties('AWS::EC2::Instance', { InstanceType: 't4g.small' });
  });

  test('NatType.instance() with natGateways 2: each instance requires IMDSv2 through a launch template of its own, unnamed', () => {
    const template = synth({ natType: NatType.instance(), natGateways: 2 });
    const templates = template.findResources('AWS::EC2::LaunchTemplate');
    expect(Object.keys(templates)).toHaveLength(2);
    for (const t of Object.values(templates)) {
      expect(t.Properties.LaunchTemplateName).toBeUndefined();
      expect(t.Properties.LaunchTemplateData.MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled' });
    }
    const used = Object.values(template.findResources('AWS::EC2::Instance')).map(i => i.Properties.LaunchTemplate.LaunchTemplateId.Ref).sort();
    expect(used).toEqual(Object.keys(templates).sort());
  });

  test('NatType.instance() with natGateways 2 runs two instances', () => {
    const template = synth({ natType: NatType.instance(), natGateways: 2 });
    template.resourceCountIs('AWS::EC2::Instance', 2);
  });

  describe('NatType.NONE', () => {
    let template: Template;
    beforeAll(() => {
      template = synth({ natType: NatType.NONE, interfaceEndpoints: true });
    });

    test('no NAT at all', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Instance', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
    });

    test('private subnets are isolated: no route to 0.0.0.0/0', () => {
      expect(subnetIds(template, 'Private')).toHaveLength(0);
      const isolated = subnetIds(template, 'Isolated');
      expect(isolated).toHaveLength(2);
      const tables = routeTablesOf(template, isolated);
      expect(tables).toHaveLength(2);
      expect(defaultRoutesOf(template, tables)).toEqual([]);
    });

    test('the VPC link and service subnets are the isolated subnets', () => {
      const isolated = subnetIds(template, 'Isolated');
      template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', {
        SubnetIds: Match.arrayEquals(isolated.map(id => ({ Ref: id }))),
      });
      const param = Object.values(template.findResources('AWS::SSM::Parameter', {
        Properties: { Name: '/platform/georgi/network/service-subnet-ids' },
      }))[0];
      const refs = JSON.stringify(param.Properties.Value);
      for (const id of isolated) expect(refs).toContain(id);
    });
  });

  describe('NatType.PUBLIC_TASKS', () => {
    let template: Template;
    beforeAll(() => {
      template = synth({ natType: NatType.PUBLIC_TASKS, longLivedConnections: {} });
    });

    test('no NAT and no Elastic IP, and no interface endpoints needed', () => {
      template.resourceCountIs('AWS::EC2::NatGateway', 0);
      template.resourceCountIs('AWS::EC2::Instance', 0);
      template.resourceCountIs('AWS::EC2::EIP', 0);
      expect(ids(template, 'AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' })).toEqual([]);
    });

    test('the private subnets are isolated; the public ones route to the internet gateway', () => {
      const isolated = subnetIds(template, 'Isolated');
      expect(isolated).toHaveLength(2);
      expect(defaultRoutesOf(template, routeTablesOf(template, isolated))).toEqual([]);
      const publicRoutes = defaultRoutesOf(template, routeTablesOf(template, subnetIds(template, 'Public')));
      expect(publicRoutes).toHaveLength(2);
      for (const route of publicRoutes) expect(route.GatewayId).toEqual({ Ref: ids(template, 'AWS::EC2::InternetGateway')[0] });
    });

    test('services run in the public subnets with a public IPv4 (published); the VPC link and ALB stay in the isolated ones', () => {
      const publicSubnets = subnetIds(template, 'Public').map(id => ({ Ref: id }));
      const isolated = subnetIds(template, 'Isolated').map(id => ({ Ref: id }));
      const param = (name: string) => Object.values(template.findResources('AWS::SSM::Parameter', {
        Properties: { Name: `/platform/georgi/network/${name}` },
      }))[0].Properties.Value;
      const serviceSubnets = JSON.stringify(param('service-subnet-ids'));
      for (const ref of publicSubnets) expect(serviceSubnets).toContain(ref.Ref);
      for (const ref of isolated) expect(serviceSubnets).not.toContain(ref.Ref);
      expect(param('service-assign-public-ip')).toBe('ENABLED');
      template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', { SubnetIds: Match.arrayEquals(isolated) });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Subnets: Match.arrayEquals(isolated) });
    });

    test('natGateways is refused with it', () => {
      expect(() => synth({ natType: NatType.PUBLIC_TASKS, natGateways: 1 }))
        .toThrow('S/Platform: invalid natGateways 1: must be 0 or unset with NatType.PUBLIC_TASKS');
    });
  });

  test('the default shape publishes service-assign-public-ip DISABLED', () => {
    const template = synth();
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/network/service-assign-public-ip', Value: 'DISABLED' });
  });
});

describe('VPC endpoints', () => {
  test('an S3 gateway endpoint on every route table, always', () => {
    const template = synth();
    const vpc = ids(template, 'AWS::EC2::VPC')[0];
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    const tables = ids(template, 'AWS::EC2::RouteTable');
    expect(tables).toHaveLength(4);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      VpcId: { Ref: vpc },
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
    const endpoint = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))[0];
    expect(endpoint.Properties.RouteTableIds.map((r: { Ref: string }) => r.Ref).sort()).toEqual(tables.sort());
  });

  test('the S3 gateway endpoint is there with NatType.NONE too', () => {
    const template = synth({ natType: NatType.NONE, interfaceEndpoints: true });
    expect(ids(template, 'AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' })).toHaveLength(1);
  });

  describe('interfaceEndpoints: true', () => {
    let template: Template;
    beforeAll(() => {
      template = synth({ interfaceEndpoints: true });
    });

    test('five interface endpoints: ecr.api, ecr.dkr, logs, secretsmanager, ssm', () => {
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
      expect(endpoints).toHaveLength(5);
      expect(endpoints.map(e => e.Properties.ServiceName).sort()).toEqual([
        'com.amazonaws.us-east-1.ecr.api',
        'com.amazonaws.us-east-1.ecr.dkr',
        'com.amazonaws.us-east-1.logs',
        'com.amazonaws.us-east-1.secretsmanager',
        'com.amazonaws.us-east-1.ssm',
      ]);
    });

    test('with private DNS, in the private subnets', () => {
      const privateSubnets = subnetIds(template, 'Private').map(id => ({ Ref: id }));
      const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
      const vpc = ids(template, 'AWS::EC2::VPC')[0];
      for (const e of endpoints) {
        expect(e.Properties.PrivateDnsEnabled).toBe(true);
        expect(e.Properties.VpcId).toEqual({ Ref: vpc });
        expect(e.Properties.SubnetIds).toEqual(expect.arrayContaining(privateSubnets));
        expect(e.Properties.SubnetIds).toHaveLength(privateSubnets.length);
      }
    });
  });
});

describe('flow logs', () => {
  test('flowLogs: false: no flow log and no flow log group', () => {
    const template = synth({ flowLogs: false });
    template.resourceCountIs('AWS::EC2::FlowLog', 0);
    expect(ids(template, 'AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/vpc-flow' })).toHaveLength(0);
    expect(ids(template, 'AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/api-access' })).toHaveLength(1);
  });

  test('flowLogTrafficType ALL', () => {
    const template = synth({ flowLogTrafficType: ec2.FlowLogTrafficType.ALL });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL' });
  });
});

describe('vpcCidr', () => {
  test('a custom range is used for the VPC and its subnets', () => {
    const template = synth({ vpcCidr: '172.20.0.0/16' });
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '172.20.0.0/16' });
    const subnets = Object.values(template.findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    for (const s of subnets) expect(s.Properties.CidrBlock).toMatch(/^172\.20\./);
  });
});
