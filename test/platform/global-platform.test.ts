import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { georgiPlatform, PlatformSynth, synthPlatform as synth } from '../helpers/fixtures';

const ACCOUNT = '123456789012';
const EDGE_CERT_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';


/** The sorted names of the CloudWatch alarms in a template. */
function alarmNames(template: Template): string[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(r => r.Properties.AlarmName).sort();
}

/** The ids of the stacks in an app. */
function stackIds(app: App): string[] {
  return app.node.children.filter(Stack.isStack).map(c => c.node.id).sort();
}

/** Logical ids of the resources of one type (optionally with matching properties). */
function ids(template: Template, type: string, properties?: Record<string, unknown>): string[] {
  return Object.keys(template.findResources(type, properties ? { Properties: properties } : undefined));
}

/** The logical id of the one resource of a type (with matching properties). */
function onlyId(template: Template, type: string, properties?: Record<string, unknown>): string {
  const found = ids(template, type, properties);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('GlobalPlatform defaults', () => {
  let s: PlatformSynth;
  beforeAll(() => {
    s = synth();
  });

  test('creates the core resources', () => {
    const t = s.template;
    t.resourceCountIs('AWS::Route53::HostedZone', 1);
    t.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'georgi.io.' });
    t.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::ECS::Cluster', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    t.resourceCountIs('AWS::ApiGatewayV2::VpcLink', 1);
    t.resourceCountIs('AWS::CloudFront::Distribution', 1);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    t.resourceCountIs('AWS::Budgets::Budget', 1);
  });

  test('the created hosted zone is retained by default (its validation records stay in it), deleted with RemovalPolicy.DESTROY', () => {
    s.template.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    synth({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'Delete' });
  });

  test('the certificate covers the apex and the wildcard, validated in the platform zone', () => {
    const zone = onlyId(s.template, 'AWS::Route53::HostedZone');
    s.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'georgi.io',
      SubjectAlternativeNames: ['*.georgi.io'],
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'georgi.io', HostedZoneId: { Ref: zone } }],
    });
  });

  test('creates no optional resources', () => {
    const t = s.template;
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 0);
    t.resourceCountIs('AWS::CloudFront::VpcOrigin', 0);
    t.resourceCountIs('Custom::AWS', 0);
    t.resourceCountIs('AWS::WAFv2::WebACL', 0);
    t.resourceCountIs('AWS::WAFv2::IPSet', 0);
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    expect(ids(t, 'AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' })).toHaveLength(0);
    t.resourceCountIs('AWS::EC2::Instance', 0);
  });

  test('has one NAT gateway and two Availability Zones', () => {
    const t = s.template;
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::EC2::Subnet', 4);
    const azs = new Set(Object.values(t.findResources('AWS::EC2::Subnet')).map(r => JSON.stringify(r.Properties.AvailabilityZone)));
    expect(azs.size).toBe(2);
  });

  test('records rejected traffic in /platform/georgi/vpc-flow', () => {
    const group = onlyId(s.template, 'AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/vpc-flow' });
    const vpc = onlyId(s.template, 'AWS::EC2::VPC');
    s.template.resourceCountIs('AWS::EC2::FlowLog', 1);
    s.template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceId: { Ref: vpc },
      ResourceType: 'VPC',
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
      LogGroupName: { Ref: group },
    });
  });

  test('keeps central logs for 30 days and retains them on delete', () => {
    const groups = s.template.findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).map(g => g.Properties.LogGroupName).sort())
      .toEqual(['/platform/georgi/api-access', '/platform/georgi/jwt-origin-check', '/platform/georgi/origin-check',
        '/platform/georgi/origin-secret-stage', '/platform/georgi/vpc-flow']);
    for (const g of Object.values(groups)) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Retain');
    }
  });

  test('retains the alarm topic key on delete', () => {
    const keys = Object.values(s.template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    expect(keys[0].DeletionPolicy).toBe('Retain');
    expect(keys[0].Properties.PendingWindowInDays).toBeUndefined();
  });

  test('creates a monthly budget of 100 USD: actual 80 and 100, forecasted 100', () => {
    s.template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetLimit: { Amount: 100, Unit: 'USD' },
        BudgetName: 'georgi-us-east-1-monthly',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        CostFilters: Match.absent(),
      },
      NotificationsWithSubscribers: [
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 80 }) }),
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 100 }) }),
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }) }),
      ],
    });
  });

  test('tags every taggable resource platform=georgi', () => {
    const tag = { Key: 'platform', Value: 'georgi' };
    const listTagged = [
      'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::EC2::SecurityGroup', 'AWS::ECS::Cluster',
      'AWS::Logs::LogGroup', 'AWS::CertificateManager::Certificate', 'AWS::CloudFront::Distribution', 'AWS::SNS::Topic',
      'AWS::KMS::Key', 'AWS::CloudWatch::Alarm', 'AWS::ServiceDiscovery::PrivateDnsNamespace', 'AWS::EC2::FlowLog',
    ];
    for (const type of listTagged) {
      const resources = s.template.findResources(type);
      expect(Object.keys(resources).length).toBeGreaterThan(0);
      for (const [id, r] of Object.entries(resources)) {
        expect({ id, tags: r.Properties.Tags }).toEqual({ id, tags: expect.arrayContaining([tag]) });
      }
    }
    s.template.hasResourceProperties('AWS::Route53::HostedZone', { HostedZoneTags: Match.arrayWith([tag]) });
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::VpcLink', 'AWS::SSM::Parameter']) {
      for (const r of Object.values(s.template.findResources(type))) {
        expect(r.Properties.Tags).toEqual(expect.objectContaining({ platform: 'georgi' }));
      }
    }
  });

  test('outputs the API URL', () => {
    const outputs = s.template.findOutputs('*', { Value: 'https://api.georgi.io' });
    expect(Object.keys(outputs)).toHaveLength(1);
    expect(Object.keys(outputs)[0]).toMatch(/^PlatformApiUrl/);
  });
});

describe('GlobalPlatform public properties', () => {
  let s: PlatformSynth;
  beforeAll(() => {
    s = synth();
  });

  test('names', () => {
    expect(s.platform.platformName).toBe('georgi');
    expect(s.platform.domainName).toBe('georgi.io');
    expect(s.platform.apiDomainName).toBe('api.georgi.io');
    expect(s.platform.parameterPrefix).toBe('/platform/georgi');
    expect(s.platform.httpStageName).toBe('$default');
  });

  test('in us-east-1 the edge certificate is the regional certificate and there is no edge stack', () => {
    expect(s.platform.edgeCertificate).toBe(s.platform.certificate);
    expect(s.platform.edgeStack).toBeUndefined();
    expect(stackIds(s.app)).toEqual(['S']);
  });

  test('optional parts are undefined by default', () => {
    expect(s.platform.longLivedListener).toBeUndefined();
    expect(s.platform.longLivedPathSuffixes).toEqual([]);
    expect(s.platform.webAclArn).toBeUndefined();
    expect(s.platform.accessLogsBucket).toBeUndefined();
    expect(s.platform.dashboard).toBeDefined();
    expect(s.platform.alarms).toHaveLength(3);
  });

  test('properties resolve to the resources in the template', () => {
    const resolve = (v: unknown) => s.stack.resolve(v);
    expect(resolve(s.platform.vpc.vpcId)).toEqual({ Ref: onlyId(s.template, 'AWS::EC2::VPC') });
    expect(resolve(s.platform.httpApi.apiId)).toEqual({ Ref: onlyId(s.template, 'AWS::ApiGatewayV2::Api') });
    expect(resolve(s.platform.cluster.clusterName)).toEqual({ Ref: onlyId(s.template, 'AWS::ECS::Cluster') });
    expect(resolve(s.platform.alarmTopic.topicArn)).toEqual({ Ref: onlyId(s.template, 'AWS::SNS::Topic') });
    expect(resolve(s.platform.hostedZone.hostedZoneId)).toEqual({ Ref: onlyId(s.template, 'AWS::Route53::HostedZone') });
    expect(resolve(s.platform.frontDoor.distributionId)).toEqual({ Ref: onlyId(s.template, 'AWS::CloudFront::Distribution') });
    expect(resolve(s.platform.vpcLink.vpcLinkId)).toEqual({ Ref: onlyId(s.template, 'AWS::ApiGatewayV2::VpcLink') });
  });

  test('longLivedPathSuffixes defaults to ws and mcp with longLivedConnections', () => {
    const { platform } = synth({ longLivedConnections: {} });
    expect(platform.longLivedPathSuffixes).toEqual(['ws', 'mcp']);
    expect(platform.longLivedListener).toBeDefined();
  });
});

describe('GlobalPlatform with removalPolicy DESTROY (a test platform)', () => {
  let s: PlatformSynth;
  let edge: Template;
  beforeAll(() => {
    s = synth({ removalPolicy: RemovalPolicy.DESTROY, accessLogs: true }, 'eu-central-1', true);
    edge = Template.fromStack(s.platform.edgeStack!);
  });

  test('deletes the central log groups with the stack (their fixed names stay free)', () => {
    const groups = Object.values(s.template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: Match.stringLikeRegexp('^/platform/georgi/') } }));
    expect(groups).toHaveLength(5);
    for (const g of groups) expect(g.DeletionPolicy).toBe('Delete');
  });

  test('empties and deletes the access-log bucket', () => {
    const bucket = onlyId(s.template, 'AWS::S3::Bucket');
    expect(s.template.findResources('AWS::S3::Bucket')[bucket].DeletionPolicy).toBe('Delete');
    s.template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: bucket } });
  });

  test('schedules both alarm topic keys (regional and us-east-1) for deletion after 7 days', () => {
    for (const template of [s.template, edge]) {
      const keys = Object.values(template.findResources('AWS::KMS::Key'));
      expect(keys).toHaveLength(1);
      expect(keys[0].DeletionPolicy).toBe('Delete');
      expect(keys[0].Properties.PendingWindowInDays).toBe(7);
    }
  });
});

describe('GlobalPlatform with an existing hosted zone', () => {
  let s: PlatformSynth;
  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABC', zoneName: 'georgi.io' });
    const platform = georgiPlatform(stack, { hostedZone });
    s = { app, stack, platform, template: Template.fromStack(stack) };
  });

  test('creates no hosted zone', () => {
    s.template.resourceCountIs('AWS::Route53::HostedZone', 0);
  });

  test('validates the certificate and writes the alias records in the given zone', () => {
    s.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainValidationOptions: [{ DomainName: 'georgi.io', HostedZoneId: 'Z0123456789ABC' }],
    });
    const records = Object.values(s.template.findResources('AWS::Route53::RecordSet'));
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.Properties.HostedZoneId).toBe('Z0123456789ABC');
  });

  test('publishes the given zone id', () => {
    s.template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/dns/hosted-zone-id', Value: 'Z0123456789ABC' });
  });
});

describe('GlobalPlatform outside us-east-1', () => {
  describe('with WAF and its own edge certificate (companion stack)', () => {
    let s: PlatformSynth;
    let edge: Template;
    beforeAll(() => {
      s = synth({ waf: {} }, 'eu-central-1', true);
      edge = Template.fromStack(s.platform.edgeStack!);
    });

    test('creates the companion stack S-edge in us-east-1 as a sibling of the platform stack', () => {
      const edgeStack = s.platform.edgeStack!;
      expect(edgeStack).toBeDefined();
      expect(edgeStack.stackName).toBe('S-edge');
      expect(edgeStack.region).toBe('us-east-1');
      expect(edgeStack.account).toBe(ACCOUNT);
      expect(edgeStack.node.scope).toBe(s.app);
      expect(stackIds(s.app)).toEqual(['S', 'S-edge']);
    });

    test('the companion stack holds the hosted zone, the edge certificate and the WAF', () => {
      edge.resourceCountIs('AWS::Route53::HostedZone', 1);
      edge.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'georgi.io.' });
      edge.resourceCountIs('AWS::CertificateManager::Certificate', 1);
      edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: 'georgi.io',
        SubjectAlternativeNames: ['*.georgi.io'],
        DomainValidationOptions: [{ DomainName: 'georgi.io', HostedZoneId: { Ref: onlyId(edge, 'AWS::Route53::HostedZone') } }],
        Tags: Match.arrayWith([{ Key: 'Name', Value: 'georgi-edge' }, { Key: 'platform', Value: 'georgi' }]),
      });
      edge.resourceCountIs('AWS::WAFv2::WebACL', 1);
      edge.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    });

    test('the companion stack alarms on the edge certificate expiry through its own topic', () => {
      const cert = onlyId(edge, 'AWS::CertificateManager::Certificate');
      const topic = onlyId(edge, 'AWS::SNS::Topic');
      edge.resourceCountIs('AWS::CloudWatch::Alarm', 1);
      edge.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'georgi-eu-central-1-certificate-edge-expiry',
        MetricName: 'DaysToExpiry',
        Namespace: 'AWS/CertificateManager',
        Dimensions: [{ Name: 'CertificateArn', Value: { Ref: cert } }],
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 30,
        AlarmActions: [{ Ref: topic }],
        OKActions: [{ Ref: topic }],
      });
    });

    test('the platform stack has no hosted zone, only the regional certificate, and no WAF', () => {
      s.template.resourceCountIs('AWS::Route53::HostedZone', 0);
      s.template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
      s.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
        Tags: Match.arrayWith([{ Key: 'Name', Value: 'georgi-regional' }]),
      });
      s.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    });

    test('the distribution reads the edge certificate and web ACL with Fn::GetStackOutput of the companion stack (no export writer or reader)', () => {
      const dist = Object.values(s.template.findResources('AWS::CloudFront::Distribution'))[0];
      const config = dist.Properties.DistributionConfig;
      const output = (name: string) => ({ 'Fn::GetStackOutput': { StackName: 'S-edge', OutputName: name, Region: 'us-east-1' } });
      expect(config.ViewerCertificate.AcmCertificateArn).toEqual(output('EdgeCertificateArn'));
      expect(config.WebACLId).toEqual(output('WebAclArn'));
      edge.hasOutput('EdgeCertificateArn', { Value: { Ref: onlyId(edge, 'AWS::CertificateManager::Certificate') } });
      edge.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [onlyId(edge, 'AWS::WAFv2::WebACL'), 'Arn'] } });
      for (const template of [s.template, edge]) {
        expect(JSON.stringify(template.toJSON())).not.toMatch(/CrossRegionExport|ExportsWriter|ExportsReader/);
      }
      expect(s.platform.edgeStack!.dependencies).toEqual([]);
      expect(Stack.of(s.platform).dependencies).toEqual([s.platform.edgeStack]);
    });

    test('a replaced edge certificate or web ACL (another domain, another platform name) reaches the platform stack as a new output value: the same references', () => {
      const other = synth({ domainName: 'georgi.dev', platformName: 'georgi2', waf: {} }, 'eu-central-1', false);
      const otherEdge = Template.fromStack(other.platform.edgeStack!);
      const refsOf = (template: Template) => JSON.stringify(template.toJSON()).match(/"Fn::GetStackOutput":\{[^}]*\}/g)!.sort();
      expect(refsOf(other.template)).toEqual(refsOf(s.template));
      // the replaced resources themselves
      expect(otherEdge.findResources('AWS::CertificateManager::Certificate')).not.toEqual(edge.findResources('AWS::CertificateManager::Certificate'));
      expect(otherEdge.findResources('AWS::WAFv2::WebACL')).not.toEqual(edge.findResources('AWS::WAFv2::WebACL'));
    });

    test('the regional alarms stay in the platform stack; the unused regional certificate gets none', () => {
      // ACM renews only certificates in use: an alarm on this one would fire before every expiry
      expect(alarmNames(s.template)).toEqual(['georgi-api-5xx-rate', 'georgi-api-latency-p99']);
      expect(s.platform.alarms).toHaveLength(2);
    });

    test('edgeAlarmTopic is the companion stack topic that the edge certificate alarm notifies', () => {
      expect(s.platform.edgeAlarmTopic).toBeDefined();
      expect(Stack.of(s.platform.edgeAlarmTopic!)).toBe(s.platform.edgeStack);
      expect(s.platform.edgeAlarmTopic).not.toBe(s.platform.alarmTopic);
      const topic = onlyId(edge, 'AWS::SNS::Topic');
      expect(Stack.of(s.platform.edgeAlarmTopic!).resolve(s.platform.edgeAlarmTopic!.topicArn)).toEqual({ Ref: topic });
    });

    test('the edge certificate property is not the regional certificate', () => {
      expect(s.platform.edgeCertificate).not.toBe(s.platform.certificate);
    });

    test('tags the companion stack platform=georgi', () => {
      edge.hasResourceProperties('AWS::WAFv2::WebACL', { Tags: Match.arrayWith([{ Key: 'platform', Value: 'georgi' }]) });
      edge.hasResourceProperties('AWS::SNS::Topic', { Tags: Match.arrayWith([{ Key: 'platform', Value: 'georgi' }]) });
    });
  });

  test('without WAF the companion stack still holds the zone and edge certificate, but no web ACL', () => {
    const { platform } = synth({}, 'eu-central-1', true);
    const edge = Template.fromStack(platform.edgeStack!);
    edge.resourceCountIs('AWS::Route53::HostedZone', 1);
    edge.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    edge.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    edge.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('with long-lived connections (TLS to the origin) the regional certificate is in use and watched', () => {
    const { template, platform } = synth({ longLivedConnections: {} }, 'eu-central-1', true);
    expect(alarmNames(template)).toEqual(['georgi-api-5xx-rate', 'georgi-api-latency-p99', 'georgi-certificate-regional-expiry']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'georgi-certificate-regional-expiry',
      Dimensions: [{ Name: 'CertificateArn', Value: { Ref: onlyId(template, 'AWS::CertificateManager::Certificate') } }],
    });
    expect(platform.alarms).toHaveLength(3);
  });

  test('with long-lived connections over plain HTTP the regional certificate is not watched', () => {
    const { template } = synth({ longLivedConnections: { originTls: false } }, 'eu-central-1', true);
    expect(alarmNames(template)).not.toContain('georgi-certificate-regional-expiry');
  });

  test('needs no crossRegionReferences on the platform stack', () => {
    expect(() => synth({}, 'eu-central-1', false)).not.toThrow();
  });

  describe('with an edge certificate passed in and no WAF', () => {
    let s: PlatformSynth;
    beforeAll(() => {
      const app = new App();
      const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'eu-central-1' } });
      const edgeCertificate = acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT_ARN);
      const platform = georgiPlatform(stack, { edgeCertificate });
      s = { app, stack, platform, template: Template.fromStack(stack) };
    });

    test('creates no companion stack (and needs no crossRegionReferences)', () => {
      expect(s.platform.edgeStack).toBeUndefined();
      expect(stackIds(s.app)).toEqual(['S']);
    });

    test('the hosted zone is in the platform stack', () => {
      s.template.resourceCountIs('AWS::Route53::HostedZone', 1);
      s.template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    });

    test('the distribution uses the given certificate', () => {
      s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({ ViewerCertificate: Match.objectLike({ AcmCertificateArn: EDGE_CERT_ARN }) }),
      });
      s.template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/tls/edge-certificate-arn', Value: EDGE_CERT_ARN });
    });
  });

  test('with an edge certificate passed in and WAF on, the companion stack holds only the WAF', () => {
    const app = new App();
    const stack = new Stack(app, 'S', { env: { account: ACCOUNT, region: 'eu-central-1' }, crossRegionReferences: true });
    const edgeCertificate = acm.Certificate.fromCertificateArn(stack, 'EdgeCert', EDGE_CERT_ARN);
    const platform = georgiPlatform(stack, { edgeCertificate, waf: {} });
    expect(platform.edgeCertificate).toBe(edgeCertificate);
    const edge = Template.fromStack(platform.edgeStack!);
    edge.resourceCountIs('AWS::WAFv2::WebACL', 1);
    edge.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    edge.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(platform.edgeAlarmTopic).toBeUndefined();
  });
});
