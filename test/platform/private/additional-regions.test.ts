import { App, Aspects, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { GlobalPlatform, GlobalPlatformProps, LongLivedOriginType } from '../../../src';
import { PARAMETER_KEYS } from '../../../src/contract/parameters';
import { MAX_CACHE_BEHAVIORS } from '../../../src/platform/private/additional-regions';
import { errorOf } from '../../helpers/errors';
import { ACCOUNT } from '../../helpers/fixtures';
import { resources } from '../../helpers/templates';

/** A platform in eu-central-1 (stack `Platform`) with `props`; the app synthesized once per call. */
function synth(props: Partial<GlobalPlatformProps> = {}, region = 'eu-central-1') {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region } });
  const platform = new GlobalPlatform(stack, 'Platform', {
    platformName: 'georgi',
    domainName: 'georgi.io',
    additionalRegions: [{ region: 'us-west-2' }],
    ...props,
  });
  const assembly = app.synth();
  const template = (name: string) => Template.fromJSON(assembly.getStackByName(name).template);
  return { app, stack, platform, assembly, template };
}

// One app shared by the template tests (synthesizing three stacks takes seconds).
const shared = synth({ longLivedConnections: {} });
const primary = shared.template('Platform');
const regional = shared.template('Platform-us-west-2');

function distributionConfig(): any {
  return Object.values(resources(primary, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
}

describe('additionalRegions: the sibling stacks', () => {
  test('a stack per Region, named <stack>-<region>, in that Region; the platform\'s stack deploys after it', () => {
    const names = shared.assembly.stacks.map(s => `${s.stackName}@${s.environment.region}`).sort();
    expect(names).toEqual(['Platform-edge@us-east-1', 'Platform-us-west-2@us-west-2', 'Platform@eu-central-1']);
    expect(shared.assembly.getStackByName('Platform').dependencies.map(d => d.id)).toContain('Platform-us-west-2');
    expect(shared.platform.regionalStacks.map(s => s.stackName)).toEqual(['Platform-us-west-2']);
    expect(shared.platform.regions).toEqual(['eu-central-1', 'us-west-2']);
  });

  test('the Region has the regional parts: VPC (10.1.0.0/16 by default), cluster, namespace, HTTP API, VPC link, checks, alarms', () => {
    regional.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16' });
    regional.resourceCountIs('AWS::ECS::Cluster', 1);
    regional.resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
    regional.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    regional.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 1);
    regional.resourcePropertiesCountIs('AWS::ApiGatewayV2::Authorizer', { Name: Match.anyValue() }, 2);
    // Alarms are per Region (the same names as the primary's), and notify the Region's own topic.
    const [topicId] = Object.keys(resources(regional, 'AWS::SNS::Topic'));
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'georgi-api-5xx-rate', AlarmActions: [{ Ref: topicId }] });
    regional.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'georgi-us-west-2-platform' });
    // Both Regions' API domains serve their regional certificates: both are watched for expiry.
    regional.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DaysToExpiry' });
    primary.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DaysToExpiry' });
    regional.resourceCountIs('AWS::CloudFront::Distribution', 0);
    regional.resourceCountIs('AWS::SecretsManager::Secret', 0);
    // Without the entry's own longLivedConnections: no load balancer in the additional Region.
    regional.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
  });

  test('the Region\'s certificate is validated in the zone the companion stack creates (read with Fn::GetStackOutput)', () => {
    regional.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'georgi.io',
      SubjectAlternativeNames: ['*.georgi.io'],
      DomainValidationOptions: [{ DomainName: 'georgi.io', HostedZoneId: { 'Fn::GetStackOutput': { StackName: 'Platform-edge', Region: 'us-east-1', OutputName: 'HostedZoneId' } } }],
    });
    expect(shared.assembly.getStackByName('Platform-us-west-2').dependencies.map(d => d.id)).toContain('Platform-edge');
  });

  test('the Region publishes its own values under the platform\'s keys; the primary writes the rest into it', () => {
    const names = Object.values(resources(regional, 'AWS::SSM::Parameter')).map(r => r.Properties.Name).sort();
    for (const key of ['vpcId', 'clusterName', 'httpApiId', 'namespaceId', 'alarmTopicArn', 'hostedZoneId', 'originAuthorizerId'] as const) {
      expect(names).toContain(`/platform/georgi/${PARAMETER_KEYS[key]}`);
    }
    // Known only to the primary's stack: written into us-west-2 by it.
    const copies = Object.values(resources(primary, 'Custom::RegionalParameters'));
    const written = copies.flatMap(c => Object.keys(c.Properties.Parameters).map(name => [c.Properties.Region, name])).sort();
    expect(written).toEqual(['originSecretArn', 'originSecretAcceptedStages', 'regionRouterStoreArn', 'frontDoorDistributionId', 'frontDoorDomainName', 'edgeCertificateArn']
      .map(k => ['us-west-2', `/platform/georgi/${PARAMETER_KEYS[k as keyof typeof PARAMETER_KEYS]}`]).sort());
    for (const key of ['originSecretArn', 'regionRouterStoreArn', 'frontDoorDistributionId']) {
      expect(names).not.toContain(`/platform/georgi/${PARAMETER_KEYS[key as keyof typeof PARAMETER_KEYS]}`);
    }
  });

  test('the origin secret is replicated into the Region; its checks read the replica by the ARN in SSM, scoped by the secret\'s own tag', () => {
    primary.hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-west-2' }],
      Tags: Match.arrayWith([{ Key: 'platform-origin-secret', Value: 'georgi' }]),
    });
    // The platform tag is on every service's secrets too: it must not be what the read is scoped by.
    expect(JSON.stringify(regional.toJSON())).not.toContain('secretsmanager:ResourceTag/platform"');
    const checks = Object.values(resources(regional, 'AWS::Lambda::Function'))
      .filter(f => f.Properties.Environment?.Variables?.SECRET_ARN_PARAMETER);
    expect(checks).toHaveLength(2);
    for (const check of checks) {
      expect(check.Properties.Environment.Variables.SECRET_ARN_PARAMETER).toBe('/platform/georgi/front-door/origin-secret-arn');
      expect(check.Properties.Environment.Variables.ACCEPTED_STAGES_PARAMETER).toBe('/platform/georgi/front-door/origin-secret-accepted-stages');
      expect(check.Properties.Environment.Variables.SECRET_ARN).toBeUndefined();
      expect(check.Properties.Code.ZipFile).toContain('GetParameterCommand({ Name: process.env.SECRET_ARN_PARAMETER })');
    }
    regional.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'secretsmanager:GetSecretValue',
          Condition: { StringEquals: { 'secretsmanager:ResourceTag/platform-origin-secret': 'georgi' } },
        })]),
      },
    });
  });
});

describe('additionalRegions: autoDrain', () => {
  test('the Region\'s drain alarm (5xx rate in periods of 20+ requests) drains it: a function that finds the store in SSM and may write any store of the account', () => {
    const drained = synth({ additionalRegions: [{ region: 'us-west-2', autoDrain: true }] }).template('Platform-us-west-2');
    const [fnId, fn] = Object.entries(resources(drained, 'AWS::Lambda::Function'))
      .find(([, f]) => f.Properties.Environment?.Variables?.STORE_ARN_PARAMETER)!;
    expect(fn.Properties.Environment.Variables).toEqual({ STORE_ARN_PARAMETER: '/platform/georgi/front-door/region-router-store-arn' });
    const alarms = Object.values(resources(drained, 'AWS::CloudWatch::Alarm'));
    const named = (name: string) => alarms.find(a => a.Properties.AlarmName === name)!;
    const drainAlarm = named('georgi-api-5xx-rate-drain');
    expect(drainAlarm.Properties.AlarmActions).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [fnId, 'Arn'] }]));
    expect(drainAlarm.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(requests >= 20, 100 * errors / requests, 0)');
    expect([drainAlarm.Properties.EvaluationPeriods, drainAlarm.Properties.DatapointsToAlarm, drainAlarm.Properties.Threshold]).toEqual([5, 3, 5]);
    // The Region's ordinary 5xx rate alarm only notifies: a quiet period's few errors drain nothing.
    const rateAlarm = named('georgi-api-5xx-rate');
    expect(JSON.stringify(rateAlarm.Properties.AlarmActions)).not.toContain(fnId);
    expect(rateAlarm.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    // The drain alarm notifies the Region's topic too.
    expect(drainAlarm.Properties.AlarmActions).toEqual(expect.arrayContaining(rateAlarm.Properties.AlarmActions));
    drained.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:PutKey', 'cloudfront-keyvaluestore:DeleteKey', 'cloudfront-keyvaluestore:GetKey'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::123456789012:key-value-store/*']] },
        })]),
      },
    });
    // Without autoDrain: no such function.
    expect(Object.values(resources(regional, 'AWS::Lambda::Function')).filter(f => f.Properties.Environment?.Variables?.STORE_ARN_PARAMETER)).toEqual([]);
  });

  test('autoDrainMinimumRequests sets the drain alarm\'s minimum; without autoDrain, or not a whole number from 1, it is refused', () => {
    const drained = synth({ additionalRegions: [{ region: 'us-west-2', autoDrain: true, autoDrainMinimumRequests: 100 }] }).template('Platform-us-west-2');
    const drainAlarm = Object.values(resources(drained, 'AWS::CloudWatch::Alarm')).find(a => a.Properties.AlarmName === 'georgi-api-5xx-rate-drain')!;
    expect(drainAlarm.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(requests >= 100, 100 * errors / requests, 0)');
    // No drain alarm without autoDrain.
    expect(Object.values(resources(regional, 'AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName)).not.toContain('georgi-api-5xx-rate-drain');
    expect(errorOf(() => synth({ additionalRegions: [{ region: 'us-west-2', autoDrainMinimumRequests: 10 }] })).message)
      .toContain('invalid additionalRegions[0].autoDrainMinimumRequests 10: only with autoDrain: true');
    expect(errorOf(() => synth({ additionalRegions: [{ region: 'us-west-2', autoDrain: true, autoDrainMinimumRequests: 0.5 }] })).message)
      .toContain('invalid additionalRegions[0].autoDrainMinimumRequests 0.5: expected a whole number from 1 to 1000000');
  });
});

describe('additionalRegions: the front door', () => {
  test('an API origin per Region, by id: the primary\'s and the Region\'s API under api.<domain>', () => {
    const origins = distributionConfig().Origins.filter((o: any) => String(o.Id).startsWith('api-'));
    expect(origins.map((o: any) => o.Id).sort()).toEqual(['api-eu-central-1', 'api-us-west-2']);
    const west = origins.find((o: any) => o.Id === 'api-us-west-2');
    expect(west.DomainName).toEqual({ 'Fn::GetStackOutput': { StackName: 'Platform-us-west-2', Region: 'us-west-2', OutputName: 'ApiOriginDomainName' } });
    expect(west.OriginCustomHeaders.map((h: any) => h.HeaderName)).toEqual(['x-origin-verify']);
    for (const t of [primary, regional]) {
      t.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.georgi.io', DomainNameConfigurations: [Match.objectLike({ SecurityPolicy: 'TLS_1_2' })] });
      t.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    }
  });

  test('the API behaviours forward the viewer\'s location (AllViewerAndCloudFrontHeaders-2022-06); /_region/<region>/* reaches each Region', () => {
    const config = distributionConfig();
    const allViewerAndCloudFront = '33f36d7e-f396-46d9-90e0-52428a34d9dc';
    expect(config.DefaultCacheBehavior.OriginRequestPolicyId).toBe(allViewerAndCloudFront);
    const region = (pattern: string) => config.CacheBehaviors.find((b: any) => b.PathPattern === pattern);
    expect(region('/_region/us-west-2/*').TargetOriginId).toBe('api-us-west-2');
    expect(region('/_region/eu-central-1/*').TargetOriginId).toBe('api-eu-central-1');
    // Listed before the long-lived patterns, which would match /_region/<region>/<service>/ws too.
    const indexes = (regionPaths: boolean) => config.CacheBehaviors.map((b: any, i: number) => [b.PathPattern.startsWith('/_region/'), i])
      .filter(([isRegion]: [boolean]) => isRegion === regionPaths).map(([, i]: [boolean, number]) => i);
    expect(Math.max(...indexes(true))).toBeLessThan(Math.min(...indexes(false)));
    expect(indexes(false)).toHaveLength(4);
  });

  test('the viewer-request function is the router, with the store associated', () => {
    const [fn] = Object.values(resources(primary, 'AWS::CloudFront::Function'));
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toContain('cf.selectRequestOriginById');
    expect(fn.Properties.FunctionCode).toContain('"us-west-2":"api-us-west-2"');
    expect(fn.Properties.FunctionCode).toContain('const SUFFIXES = ["ws","mcp"]');
    const [storeId] = Object.keys(resources(primary, 'AWS::CloudFront::KeyValueStore'));
    expect(fn.Properties.FunctionConfig.KeyValueStoreAssociations).toEqual([{ KeyValueStoreARN: { 'Fn::GetAtt': [storeId, 'Arn'] } }]);
    primary.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/front-door/region-router-store-arn' });
  });
});

describe('additionalRegions: validation', () => {
  test.each([
    [[{ region: 'eu-central-1' }], 'additionalRegions[0].region', 'other than the platform\'s own'],
    [[{ region: 'us-west-2' }, { region: 'us-west-2' }], 'additionalRegions[1].region', 'list each region once'],
    [[{ region: 'mars-north-1' }], 'additionalRegions[0].region', 'commercial aws region code'],
    [[{ region: 'us-west-2', maxAzs: 9 }], 'additionalRegions[0].maxAzs 9', 'from 2 to 6'],
    [[{ region: 'us-west-2', availabilityZones: ['eu-central-1a', 'eu-central-1b'] }], 'additionalRegions[0].availabilityZones', 'us-west-2'],
  ])('%j: refused naming %s', (regions, prop, message) => {
    const { message: text } = errorOf(() => synth({ additionalRegions: regions as any }));
    expect(text).toContain(`invalid ${prop}`);
    expect(text).toContain(message);
  });

  test('the largest front door (8 Regions, each with a long-lived origin, 10 suffixes) has 38 cache behaviours, within CloudFront\'s 75', () => {
    const regions = ['us-west-2', 'us-east-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'ap-southeast-1', 'ap-northeast-1'];
    const suffixes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const longLived = { origin: LongLivedOriginType.proxyInstance(), pathSuffixes: suffixes };
    const { template } = synth({
      additionalRegions: regions.map(region => ({ region, longLivedConnections: longLived })),
      longLivedConnections: longLived,
    });
    const [distribution] = Object.values(template('Platform').findResources('AWS::CloudFront::Distribution')) as any[];
    const behaviours = 1 + distribution.Properties.DistributionConfig.CacheBehaviors.length;
    // The default, /_region/<region>/* for the primary and each Region, /_region-ll/<region>/*, two per suffix.
    expect(behaviours).toBe(1 + (1 + regions.length) + regions.length + 2 * suffixes.length);
    expect(behaviours).toBeLessThanOrEqual(MAX_CACHE_BEHAVIORS);
    // One more Region or suffix is refused by its own limit.
    expect(errorOf(() => synth({ additionalRegions: [...regions, 'ca-central-1'].map(region => ({ region })) })).message).toContain('expected at most 8 regions');
    expect(errorOf(() => synth({ longLivedConnections: { pathSuffixes: [...suffixes, 'k'] } })).message).toContain('expected 1 to 10 path segments');
  });

  test('overlapping Region networks synthesize with a warning naming both props (they cannot be peered); the defaults never overlap', () => {
    const warnings = (props: Partial<GlobalPlatformProps>) => Annotations.fromStack(synth(props).stack)
      .findWarning('*', Match.stringLikeRegexp('overlaps')).map(w => String(w.entry.data));
    expect(warnings({ additionalRegions: [{ region: 'us-west-2' }, { region: 'eu-west-1' }] })).toEqual([]);
    expect(warnings({ additionalRegions: [{ region: 'us-west-2', vpcCidr: '10.0.0.0/16' }] })).toEqual([expect.stringContaining(
      'additionalRegions[0].vpcCidr "10.0.0.0/16" overlaps vpcCidr "10.0.0.0/16": these regions\' networks cannot be peered')]);
    // The primary moved onto the first Region's default range.
    expect(warnings({ vpcCidr: '10.1.0.0/16', additionalRegions: [{ region: 'us-west-2' }] })).toEqual([expect.stringContaining(
      'additionalRegions[0].vpcCidr "10.1.0.0/16" overlaps vpcCidr "10.1.0.0/16"')]);
    expect(warnings({ additionalRegions: [{ region: 'us-west-2', vpcCidr: '172.16.0.0/16' }, { region: 'eu-west-1', vpcCidr: '172.16.128.0/17' }] }))
      .toEqual([expect.stringContaining('additionalRegions[1].vpcCidr "172.16.128.0/17" overlaps additionalRegions[0].vpcCidr "172.16.0.0/16"')]);
  });

  test('a platform in us-east-1 that would create its zone in its own stack is refused, with an existing zone it is not', () => {
    expect(errorOf(() => synth({}, 'us-east-1')).message).toContain('invalid hostedZone undefined: additionalRegions needs a zone their stacks can read');
    // The same for a platform elsewhere without a companion stack (its edge certificate given, no WAF).
    const edgeCertificate = acm.Certificate.fromCertificateArn(new Stack(new App(), 'X'), 'C', 'arn:aws:acm:us-east-1:123456789012:certificate/abc');
    expect(errorOf(() => synth({ edgeCertificate })).message).toContain('or one given edgeCertificate and no waf');
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'georgi.io' });
    new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io', hostedZone, additionalRegions: [{ region: 'eu-west-1' }] });
    const t = Template.fromJSON(app.synth().getStackByName('Platform-eu-west-1').template);
    t.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainValidationOptions: [{ DomainName: 'georgi.io', HostedZoneId: 'Z123' }] });
  });

  test('without additionalRegions nothing of this is made', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'eu-central-1' } });
    const platform = new GlobalPlatform(stack, 'Platform', { platformName: 'georgi', domainName: 'georgi.io' });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudFront::KeyValueStore', 0);
    t.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(platform.regionalStacks).toEqual([]);
    expect(platform.regionRouterStore).toBeUndefined();
    expect(app.node.children.filter(c => c instanceof Stack).map(s => s.node.id)).toEqual(['Platform', 'Platform-edge']);
  });
});

describe('additionalRegions: cdk-nag', () => {
  test('both majors are clean on every stack', () => {
    const { app } = synthNagged();
    for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
      const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
        .map(e => `${e.id}: ${String(e.entry.data).split('\n')[0]}`);
      expect(errors).toEqual([]);
    }
    const violations = new nag3.AwsSolutionsChecks().validateScope(app).violations
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`));
    expect(violations).toEqual([]);
  });
});

describe('additionalRegions: long-lived connections in a Region', () => {
  const ALL_VIEWER = '216adef6-5c7f-47e4-b989-5492eafa07d3';
  const ALL_VIEWER_AND_CLOUDFRONT = '33f36d7e-f396-46d9-90e0-52428a34d9dc';
  const output = (name: string) => ({ 'Fn::GetStackOutput': { StackName: 'Platform-us-west-2', Region: 'us-west-2', OutputName: name } });
  const ll = synth({ longLivedConnections: {}, additionalRegions: [{ region: 'us-west-2', longLivedConnections: {} }] });
  const llPrimary = ll.template('Platform');
  const llRegional = ll.template('Platform-us-west-2');
  const config = () => Object.values(resources(llPrimary, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
  const sdkCalls = (t: Template, action: string) => Object.entries(resources(t, 'Custom::AWS'))
    .filter(([, r]) => joined(r.Properties.Create).includes(`"action":"${action}"`));

  test('the Region has its own load balancer and VPC origin, and no look-up of CloudFront\'s group (its stack deploys first)', () => {
    llRegional.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    llRegional.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ Name: 'georgi-us-west-2-long-lived', OriginProtocolPolicy: 'https-only' }),
    });
    llRegional.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    expect(sdkCalls(llRegional, 'describeSecurityGroups')).toEqual([]);
    llRegional.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    // The primary's own origin still looks CloudFront's group up in its stack.
    expect(sdkCalls(llPrimary, 'describeSecurityGroups').filter(([, r]) => !joined(r.Properties.Create).includes('"region"'))).toHaveLength(1);
    const outputs = llRegional.toJSON().Outputs;
    for (const name of ['LongLivedVpcOriginId', 'LongLivedSecurityGroupId', 'VpcId']) expect(outputs[name]).toBeDefined();
    expect(outputs.LongLivedOriginDomainName).toBeUndefined();
  });

  test('the Region publishes its long-lived parameters under the platform\'s keys', () => {
    const names = Object.values(resources(llRegional, 'AWS::SSM::Parameter')).map(r => r.Properties.Name);
    for (const key of ['longLivedListenerArn', 'longLivedSecurityGroupId', 'longLivedPathSuffixes'] as const) {
      expect(names).toContain(`/platform/georgi/${PARAMETER_KEYS[key]}`);
    }
    expect(names).not.toContain(`/platform/georgi/${PARAMETER_KEYS.longLivedProxySecurityGroupId}`);
    llRegional.hasResourceProperties('AWS::SSM::Parameter', { Name: `/platform/georgi/${PARAMETER_KEYS.longLivedPathSuffixes}`, Value: 'ws,mcp' });
    // Without a regional long-lived origin: none of them in the Region.
    const plain = Object.values(resources(regional, 'AWS::SSM::Parameter')).map(r => r.Properties.Name);
    expect(plain.filter(n => n.includes('long-lived'))).toEqual([]);
  });

  test('the primary looks CloudFront\'s group up in the Region and admits it to the origin\'s group, after the distribution', () => {
    const [distributionId] = Object.keys(resources(llPrimary, 'AWS::CloudFront::Distribution'));
    const [[lookupId, lookup]] = sdkCalls(llPrimary, 'describeSecurityGroups').filter(([, r]) => joined(r.Properties.Create).includes('"region":"us-west-2"'));
    expect(lookup.DependsOn).toContain(distributionId);
    const create = lookup.Properties.Create['Fn::Join'][1];
    expect(create).toContainEqual(output('VpcId'));
    expect(joined(lookup.Properties.Create)).toContain('"group-name","Values":["CloudFront-VPCOrigins-Service-SG"]');
    const [[, ingress]] = sdkCalls(llPrimary, 'authorizeSecurityGroupIngress');
    expect(ingress.DependsOn).toContain(distributionId);
    const text = joined(ingress.Properties.Create);
    expect(text).toContain('"region":"us-west-2"');
    expect(text).toContain('"IpProtocol":"tcp","FromPort":443,"ToPort":443');
    expect(text).toContain('"ignoreErrorCodesMatching":"InvalidPermission.Duplicate"');
    expect(ingress.Properties.Create['Fn::Join'][1]).toContainEqual(output('LongLivedSecurityGroupId'));
    expect(ingress.Properties.Create['Fn::Join'][1]).toContainEqual({ 'Fn::GetAtt': [lookupId, 'SecurityGroups.0.GroupId'] });
    expect(joined(ingress.Properties.Delete)).toContain('"action":"revokeSecurityGroupIngress"');
    expect(joined(ingress.Properties.Delete)).toContain('InvalidPermission.NotFound');
    // Least privilege: the two EC2 actions on the Region's origin security group only.
    llPrimary.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:us-west-2:123456789012:security-group/', output('LongLivedSecurityGroupId')]] },
        }]),
      },
    });
  });

  test('the front door has the origin ll-<region> with a behaviour /_region-ll/<region>/* before the long-lived patterns', () => {
    const c = config();
    const origin = c.Origins.find((o: any) => o.Id === 'll-us-west-2');
    expect(origin.DomainName).toBe('api.georgi.io');
    expect(origin.VpcOriginConfig).toEqual({ VpcOriginId: output('LongLivedVpcOriginId'), OriginReadTimeout: 60, OriginKeepaliveTimeout: 60 });
    const patterns = c.CacheBehaviors.map((b: any) => b.PathPattern);
    const at = patterns.indexOf('/_region-ll/us-west-2/*');
    expect(c.CacheBehaviors[at].TargetOriginId).toBe('ll-us-west-2');
    expect(at).toBeLessThan(patterns.indexOf('/*/ws'));
    // The long-lived behaviours carry the viewer's location for the router; the primary's origin stays their default.
    const primaryLongLived = c.CacheBehaviors.find((b: any) => b.PathPattern === '/*/ws');
    expect(primaryLongLived.TargetOriginId).not.toBe('ll-us-west-2');
    for (const b of c.CacheBehaviors.filter((x: any) => x.PathPattern.startsWith('/*/') || x.PathPattern.startsWith('/_region-ll/'))) {
      expect(b.OriginRequestPolicyId).toBe(ALL_VIEWER_AND_CLOUDFRONT);
    }
    // Without a regional long-lived origin, the long-lived behaviours keep AllViewer.
    const plain = distributionConfig().CacheBehaviors.filter((b: any) => b.PathPattern.startsWith('/*/'));
    expect(plain.map((b: any) => b.OriginRequestPolicyId)).toEqual([ALL_VIEWER, ALL_VIEWER, ALL_VIEWER, ALL_VIEWER]);
    expect(distributionConfig().CacheBehaviors.map((b: any) => b.PathPattern).filter((p: string) => p.startsWith('/_region-ll/'))).toEqual([]);
  });

  test('the router knows the Region\'s long-lived origin', () => {
    const [fn] = Object.values(resources(llPrimary, 'AWS::CloudFront::Function'));
    expect(fn.Properties.FunctionCode).toContain('const LONG_LIVED = {"us-west-2":"ll-us-west-2"}');
    const [plain] = Object.values(resources(primary, 'AWS::CloudFront::Function'));
    expect(plain.Properties.FunctionCode).toContain('const LONG_LIVED = {}');
  });

  test('the proxy instance in a Region: its VPC origin by the instance\'s own name, port 80, the proxy\'s parameters', () => {
    const proxy = synth({
      longLivedConnections: {},
      additionalRegions: [{ region: 'us-west-2', longLivedConnections: { origin: LongLivedOriginType.proxyInstance() } }],
    });
    const t = proxy.template('Platform-us-west-2');
    t.resourceCountIs('AWS::EC2::Instance', 1);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    t.hasResourceProperties('AWS::CloudFront::VpcOrigin', { VpcOriginEndpointConfig: Match.objectLike({ Name: 'georgi-us-west-2-long-lived-proxy', HTTPPort: 80 }) });
    const names = Object.values(resources(t, 'AWS::SSM::Parameter')).map(r => r.Properties.Name);
    expect(names).toContain(`/platform/georgi/${PARAMETER_KEYS.longLivedProxySecurityGroupId}`);
    expect(names).not.toContain(`/platform/georgi/${PARAMETER_KEYS.longLivedListenerArn}`);
    const p = proxy.template('Platform');
    const origin = Object.values(resources(p, 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig.Origins
      .find((o: any) => o.Id === 'll-us-west-2');
    expect(origin.DomainName).toEqual(output('LongLivedOriginDomainName'));
    const [[, ingress]] = sdkCalls(p, 'authorizeSecurityGroupIngress');
    expect(joined(ingress.Properties.Create)).toContain('"FromPort":80,"ToPort":80');
  });

  test('with originPeer the Region admits the peer itself, and the primary makes no admission there', () => {
    const peered = synth({
      longLivedConnections: {},
      additionalRegions: [{ region: 'us-west-2', longLivedConnections: { originPeer: ec2.Peer.ipv4('10.9.0.0/16') } }],
    });
    const t = peered.template('Platform-us-west-2');
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: '10.9.0.0/16', FromPort: 443, ToPort: 443 })],
    });
    expect(sdkCalls(peered.template('Platform'), 'authorizeSecurityGroupIngress')).toEqual([]);
    expect(Object.values(resources(peered.template('Platform'), 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig.Origins
      .map((o: any) => o.Id)).toContain('ll-us-west-2');
  });

  test.each([
    [{ longLivedConnections: undefined, additionalRegions: [{ region: 'us-west-2', longLivedConnections: {} }] },
      'invalid additionalRegions[0].longLivedConnections', 'needs the platform\'s own longLivedConnections'],
    [{ longLivedConnections: {}, additionalRegions: [{ region: 'us-west-2', longLivedConnections: { pathSuffixes: ['ws'] } }] },
      'invalid additionalRegions[0].longLivedConnections.pathSuffixes', 'expected the platform\'s own pathSuffixes (ws, mcp)'],
    [{ longLivedConnections: { pathSuffixes: ['ws'] }, additionalRegions: [{ region: 'us-west-2', longLivedConnections: {} }] },
      'invalid additionalRegions[0].longLivedConnections.pathSuffixes', 'expected the platform\'s own pathSuffixes (ws)'],
    [{ longLivedConnections: {}, additionalRegions: [{ region: 'us-west-2', longLivedConnections: { readTimeout: Duration.seconds(500) } }] },
      'invalid additionalRegions[0].longLivedConnections.readTimeout', 'cloudfront origin response timeout'],
    [{ longLivedConnections: {}, additionalRegions: [{ region: 'us-west-2', longLivedConnections: { origin: LongLivedOriginType.proxyInstance(), originTls: true } }] },
      'invalid additionalRegions[0].longLivedConnections.originTls', 'cannot hold an acm certificate'],
  ])('case %#: a bad regional longLivedConnections is refused, naming the prop', (props, prop, message) => {
    const { message: text } = errorOf(() => synth(props as any));
    expect(text).toContain(prop);
    expect(text.toLowerCase()).toContain(message.toLowerCase());
  });

});

function synthNagged() {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  new GlobalPlatform(stack, 'Platform', {
    platformName: 'georgi',
    domainName: 'georgi.io',
    additionalRegions: [
      { region: 'us-west-2', autoDrain: true, longLivedConnections: {} },
      { region: 'eu-west-1', longLivedConnections: { origin: LongLivedOriginType.proxyInstance() } },
    ],
    longLivedConnections: {},
    waf: {},
  });
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  return { app };
}

/** An AwsCustomResource's `Create` property (a JSON string, possibly joined with tokens) as text. */
function joined(value: any): string {
  if (typeof value === 'string') return value;
  return value['Fn::Join'][1].map((p: any) => typeof p === 'string' ? p : 'TOKEN').join('');
}
