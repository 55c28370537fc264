import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GlobalPlatform, GlobalPlatformProps } from '../../../src';
import { onlyId, synthPlatform } from '../../helpers/fixtures';

/** The platform with a long-lived origin (and `props` on top). */
const synth = (props: Partial<GlobalPlatformProps> = {}, region?: string) => synthPlatform({ longLivedConnections: {}, ...props }, region);

function albSecurityGroupId(template: Template): string {
  return onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('long-lived origin ALB') });
}

function vpcOriginConfig(template: Template): Record<string, any> {
  const dist = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
  const origins = (dist.Properties.DistributionConfig.Origins as Array<Record<string, any>>).filter(o => o.VpcOriginConfig);
  expect(origins).toHaveLength(1);
  return origins[0].VpcOriginConfig;
}

describe('long-lived origin (defaults)', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  beforeAll(() => {
    ({ template, stack, platform } = synth());
  });

  test('one internal ALB in the service subnets with its own security group', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    const sg = albSecurityGroupId(template);
    const privateSubnets = Object.keys(template.findResources('AWS::EC2::Subnet', {
      Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Private' }]) },
    }));
    const alb = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties;
    expect(alb.Scheme).toBe('internal');
    expect(alb.Type).toBe('application');
    expect(alb.SecurityGroups).toEqual([{ 'Fn::GetAtt': [sg, 'GroupId'] }]);
    expect(alb.Subnets.map((s: { Ref: string }) => s.Ref).sort()).toEqual(privateSubnets.sort());
  });

  test('idle timeout 600 s, invalid headers dropped, HTTP/2 on', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http2.enabled', Value: 'true' },
        { Key: 'idle_timeout.timeout_seconds', Value: '600' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
  });

  test('no access logs by default', () => {
    const alb = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0].Properties;
    expect(alb.LoadBalancerAttributes.map((a: { Key: string }) => a.Key)).not.toContain('access_logs.s3.enabled');
  });

  test('HTTPS listener on 443 with the regional certificate and a TLS 1.2+ policy', () => {
    const cert = onlyId(template, 'AWS::CertificateManager::Certificate');
    const alb = onlyId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: alb },
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: { Ref: cert } }],
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
  });

  test('the default action answers 404 JSON', () => {
    const listener = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener'))[0].Properties;
    expect(listener.DefaultActions).toEqual([{
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '404', ContentType: 'application/json', MessageBody: '{"message":"Not Found"}' },
    }]);
    expect(JSON.parse(listener.DefaultActions[0].FixedResponseConfig.MessageBody)).toEqual({ message: 'Not Found' });
  });

  test('a VPC origin on the ALB, HTTPS only with TLS 1.2', () => {
    const alb = onlyId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    template.resourceCountIs('AWS::CloudFront::VpcOrigin', 1);
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: {
        Arn: { Ref: alb },
        Name: 'georgi-us-east-1-long-lived',
        OriginProtocolPolicy: 'https-only',
        HTTPPort: 80,
        HTTPSPort: 443,
        OriginSSLProtocols: ['TLSv1.2'],
      },
    });
  });

  test('the distribution reaches the VPC origin as api.georgi.io', () => {
    const vpcOrigin = onlyId(template, 'AWS::CloudFront::VpcOrigin');
    expect(vpcOriginConfig(template)).toEqual(expect.objectContaining({
      VpcOriginId: { 'Fn::GetAtt': [vpcOrigin, 'Id'] },
      OriginReadTimeout: 60,
      OriginKeepaliveTimeout: 60,
    }));
  });

  test("looks up CloudFront's VPC origin security group (CloudFront-VPCOrigins-Service-SG) in the VPC after the VPC origin exists", () => {
    const vpc = onlyId(template, 'AWS::EC2::VPC');
    const vpcOrigin = onlyId(template, 'AWS::CloudFront::VpcOrigin');
    template.resourceCountIs('Custom::AWS', 1);
    const lookup = Object.values(template.findResources('Custom::AWS'))[0];
    for (const when of ['Create', 'Update']) {
      const call = lookup.Properties[when];
      const text = JSON.stringify(call);
      expect(text).toContain('describeSecurityGroups');
      expect(text).toContain('CloudFront-VPCOrigins-Service-SG');
      expect(text).toContain('SecurityGroups.0.GroupId');
      expect(call['Fn::Join'][1]).toContainEqual({ Ref: vpc });
    }
    // after the VPC origin: the call names its id (an implicit dependency)
    expect(JSON.stringify(lookup.Properties.Create)).toContain(JSON.stringify({ 'Fn::GetAtt': [vpcOrigin, 'Id'] }));
  });

  test('the look-up waits for the distribution (CloudFront may create its group only then)', () => {
    const lookup = Object.values(template.findResources('Custom::AWS'))[0];
    expect(lookup.DependsOn).toContain(onlyId(template, 'AWS::CloudFront::Distribution'));
  });

  test("the look-up's physical id names the VPC origin, so a replaced VPC origin updates it (and the ingress rule)", () => {
    const vpcOrigin = onlyId(template, 'AWS::CloudFront::VpcOrigin');
    const lookup = Object.values(template.findResources('Custom::AWS'))[0];
    for (const when of ['Create', 'Update']) {
      expect(JSON.stringify(lookup.Properties[when])).toContain(JSON.stringify({ 'Fn::GetAtt': [vpcOrigin, 'Id'] }));
    }
  });

  test('a separate ingress resource admits the looked-up group on 443 into the ALB security group', () => {
    const sg = albSecurityGroupId(template);
    const lookup = onlyId(template, 'Custom::AWS');
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [lookup, 'SecurityGroups.0.GroupId'] },
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
  });

  test('the ALB security group has no inline ingress; it reaches TCP inside the VPC and HTTPS out (JWT issuers\' keys)', () => {
    const vpc = onlyId(template, 'AWS::EC2::VPC');
    const props = template.findResources('AWS::EC2::SecurityGroup')[albSecurityGroupId(template)].Properties;
    expect(props.SecurityGroupIngress).toBeUndefined();
    expect(props.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [vpc, 'CidrBlock'] }, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }),
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
  });

  test('the listener and its security group are published and exposed', () => {
    const listener = onlyId(template, 'AWS::ElasticLoadBalancingV2::Listener');
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/platform/georgi/front-door/long-lived-listener-arn', Value: { Ref: listener },
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/platform/georgi/front-door/long-lived-security-group-id',
      Value: { 'Fn::GetAtt': [albSecurityGroupId(template), 'GroupId'] },
    });
    expect(stack.resolve(platform.longLivedListener!.listenerArn)).toEqual({ Ref: listener });
  });
});

test('a custom idle timeout', () => {
  const { template } = synth({ longLivedConnections: { idleTimeout: Duration.minutes(20) } });
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '1200' }]),
  });
});

test('a custom read timeout reaches the VPC origin', () => {
  const { template } = synth({ longLivedConnections: { readTimeout: Duration.seconds(90) } });
  expect(vpcOriginConfig(template).OriginReadTimeout).toBe(90);
});

describe('longLivedConnections.originTls: false', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synth({ longLivedConnections: { originTls: false } }));
  });

  test('an HTTP listener on 80 without certificate or TLS policy', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      Certificates: Match.absent(),
      SslPolicy: Match.absent(),
    });
  });

  test('the VPC origin speaks HTTP only', () => {
    template.hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({ OriginProtocolPolicy: 'http-only' }),
    });
  });

  test('CloudFront is admitted on port 80', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 80, ToPort: 80, IpProtocol: 'tcp' });
  });
});

describe('longLivedConnections.originPeer', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = synth({ longLivedConnections: { originPeer: ec2.Peer.prefixList('pl-123') } }));
  });

  test('no look-up custom resource', () => {
    template.resourceCountIs('Custom::AWS', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('CloudFront-VPCOrigins-Service-SG');
  });

  test('the only ingress into the ALB security group is the prefix list on 443', () => {
    const sg = albSecurityGroupId(template);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [sg, 'GroupId'] },
      SourcePrefixListId: 'pl-123',
      SourceSecurityGroupId: Match.absent(),
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
    });
    expect(template.findResources('AWS::EC2::SecurityGroup')[sg].Properties.SecurityGroupIngress).toBeUndefined();
  });
});

test('outside us-east-1 the listener keeps the regional certificate (not the edge one)', () => {
  const { template, platform } = synth({}, 'eu-central-1');
  const regional = onlyId(template, 'AWS::CertificateManager::Certificate');
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
    Certificates: [{ CertificateArn: { Ref: regional } }],
  });
  expect(Template.fromStack(platform.edgeStack!).findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).toEqual({});
});
