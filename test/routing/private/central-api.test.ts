import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GlobalPlatform } from '../../../src';
import { onlyId, synthPlatform as synth } from '../../helpers/fixtures';

function parameterValue(template: Template, name: string): unknown {
  const found = Object.values(template.findResources('AWS::SSM::Parameter', { Properties: { Name: name } }));
  expect(found).toHaveLength(1);
  return found[0].Properties.Value;
}

describe('central HTTP API', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  beforeAll(() => {
    ({ template, stack, platform } = synth({ longLivedConnections: {}, waf: {} }));
  });

  test('one HTTP API named after the platform', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'georgi-api', ProtocolType: 'HTTP' });
  });

  test('no route at all (no $default catch-all) and no integration', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', 0);
  });

  describe('$default stage', () => {
    test('auto-deploys on the platform API', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        ApiId: { Ref: onlyId(template, 'AWS::ApiGatewayV2::Api') },
        StageName: '$default',
        AutoDeploy: true,
      });
      expect(platform.httpStageName).toBe('$default');
    });

    test('throttles at 100 requests per second with a burst of 200 by default', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
    });

    test('writes access logs to the api-access log group', () => {
      const group = onlyId(template, 'AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/api-access' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [group, 'Arn'] }, Format: Match.anyValue() },
      });
      expect(stack.resolve(platform.apiAccessLogGroup.logGroupArn)).toEqual({ 'Fn::GetAtt': [group, 'Arn'] });
    });

    test('the access log format is one JSON object per request', () => {
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
      const format: string = stage.Properties.AccessLogSettings.Format;
      expect(format).toContain('$context.requestId');
      const parsed = JSON.parse(format);
      expect(parsed).toEqual(expect.objectContaining({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        status: '$context.status',
        routeKey: '$context.routeKey',
        integrationError: '$context.integrationErrorMessage',
      }));
    });
  });

  describe('VPC link', () => {
    test('sits in the service (private) subnets', () => {
      const privateSubnets = Object.keys(template.findResources('AWS::EC2::Subnet', {
        Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Private' }]) },
      }));
      expect(privateSubnets).toHaveLength(2);
      const link = Object.values(template.findResources('AWS::ApiGatewayV2::VpcLink'))[0];
      expect(link.Properties.SubnetIds.map((s: { Ref: string }) => s.Ref).sort()).toEqual(privateSubnets.sort());
      expect(link.Properties.Name).toBe('georgi-vpc-link');
    });

    test('uses the published security group', () => {
      const sg = onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('VPC link') });
      template.hasResourceProperties('AWS::ApiGatewayV2::VpcLink', {
        SecurityGroupIds: [{ 'Fn::GetAtt': [sg, 'GroupId'] }],
      });
      expect(parameterValue(template, '/platform/georgi/api/vpc-link-security-group-id')).toEqual({ 'Fn::GetAtt': [sg, 'GroupId'] });
      expect(parameterValue(template, '/platform/georgi/api/vpc-link-id')).toEqual({ Ref: onlyId(template, 'AWS::ApiGatewayV2::VpcLink') });
      expect(stack.resolve(platform.vpcLinkSecurityGroup.securityGroupId)).toEqual({ 'Fn::GetAtt': [sg, 'GroupId'] });
    });

    test('its security group reaches only TCP inside the VPC and accepts nothing', () => {
      const vpc = onlyId(template, 'AWS::EC2::VPC');
      const sg = onlyId(template, 'AWS::EC2::SecurityGroup', { GroupDescription: Match.stringLikeRegexp('VPC link') });
      const props = template.findResources('AWS::EC2::SecurityGroup')[sg].Properties;
      expect(props.VpcId).toEqual({ Ref: vpc });
      expect(props.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: { 'Fn::GetAtt': [vpc, 'CidrBlock'] }, IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }),
      ]);
      expect(props.SecurityGroupIngress).toBeUndefined();
      const standalone = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter(r => JSON.stringify(r.Properties.GroupId).includes(sg));
      expect(standalone).toEqual([]);
    });
  });
});

test('custom throttling limits', () => {
  const { template } = synth({ throttlingRateLimit: 25, throttlingBurstLimit: 50 });
  template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
    DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
  });
});

test('the access-log group follows logRetention', () => {
  const { template } = synth({ logRetention: logs.RetentionDays.ONE_WEEK });
  template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/api-access', RetentionInDays: 7 });
});

describe('detailedMetrics', () => {
  test('on by default: the stage publishes route-level metrics, no warning', () => {
    const { template, stack } = synth();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: Match.objectLike({ DetailedMetricsEnabled: true }) });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('detailedMetrics is false'))).toEqual([]);
  });

  test('false: no route-level metrics, and a warning that the service alarms will see no data', () => {
    const { template, stack } = synth({ detailedMetrics: false });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: Match.objectLike({ DetailedMetricsEnabled: false }) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('detailedMetrics is false: the per-service 5xx alarms'));
    expect(warnings).toHaveLength(1);
  });
});
