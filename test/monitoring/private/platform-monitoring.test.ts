import { Duration, Stack } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerService, GlobalPlatform } from '../../../src';
import { georgiPlatform, onlyId, synthPlatform as synth, testStack } from '../../helpers/fixtures';

function alarm(template: Template, name: string): Record<string, any> {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

const ALARM_NAMES = ['georgi-api-5xx-rate', 'georgi-api-latency-p99', 'georgi-certificate-regional-expiry'];

describe('dashboard', () => {
  let template: Template;
  let platform: GlobalPlatform;
  let body: string;
  beforeAll(() => {
    ({ template, platform } = synth());
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    body = JSON.stringify(dashboard.Properties.DashboardBody);
  });

  test('one dashboard named <platform>-platform', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'georgi-us-east-1-platform' });
    expect(platform.dashboard).toBeDefined();
  });

  test('shows requests, 4xx, 5xx and latency p50/p99 of the central API', () => {
    for (const text of ['5xx', '4xx', 'p50', 'p99', 'API requests', 'Latency', 'AWS/ApiGateway']) {
      expect(body).toContain(text);
    }
    expect(body).toContain(onlyId(template, 'AWS::ApiGatewayV2::Api'));
  });

  test('search widgets show every service: routes of the central API and ECS services of the cluster, named by dimension', () => {
    // The body with each { Ref } written as <Ref:ID>, parsed: the widgets as CloudWatch reads them.
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    const widgets: any[] = JSON.parse(parts.map(p => (typeof p === 'string' ? p : `<Ref:${(p as { Ref: string }).Ref}>`)).join('')).widgets;
    const expressionOf = (title: string) => {
      const widget = widgets.find(w => w.properties?.title === title);
      expect(widget).toBeDefined();
      return widget.properties.metrics[0][0];
    };
    const apiId = `<Ref:${onlyId(template, 'AWS::ApiGatewayV2::Api')}>`;
    const cluster = `<Ref:${onlyId(template, 'AWS::ECS::Cluster')}>`;
    expect(expressionOf('Requests by route')).toEqual({
      label: "${PROP('Dim.Resource')}",
      expression: `SEARCH('{AWS/ApiGateway,ApiId,Method,Resource,Stage} MetricName="Count" Method="ANY" ApiId="${apiId}"', 'Sum', 300)`,
    });
    expect(expressionOf('5xx by route').expression).toBe(`SEARCH('{AWS/ApiGateway,ApiId,Method,Resource,Stage} MetricName="5xx" Method="ANY" ApiId="${apiId}"', 'Sum', 300)`);
    expect(expressionOf('CPU by service (%)')).toEqual({
      label: "${PROP('Dim.ServiceName')}",
      expression: `SEARCH('{AWS/ECS,ClusterName,ServiceName} MetricName="CPUUtilization" ClusterName="${cluster}"', 'Average', 300)`,
    });
    expect(expressionOf('Memory by service (%)').expression)
      .toBe(`SEARCH('{AWS/ECS,ClusterName,ServiceName} MetricName="MemoryUtilization" ClusterName="${cluster}"', 'Average', 300)`);
  });

  test('Service Connect search widgets: calls by DiscoveryName, 5xx and response time by caller (ServiceName) and TargetDiscoveryName', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const parts: unknown[] = dashboard.Properties.DashboardBody['Fn::Join'][1];
    const widgets: any[] = JSON.parse(parts.map(p => (typeof p === 'string' ? p : `<Ref:${(p as { Ref: string }).Ref}>`)).join('')).widgets;
    const expressionOf = (title: string) => {
      const found = widgets.filter(w => w.properties?.title === title);
      expect(found).toHaveLength(1);
      expect(found[0].properties.metrics).toHaveLength(1);
      return found[0].properties.metrics[0][0];
    };
    const cluster = `<Ref:${onlyId(template, 'AWS::ECS::Cluster')}>`;
    expect(expressionOf('Service Connect calls by callee')).toEqual({
      label: "${PROP('Dim.DiscoveryName')}",
      expression: `SEARCH('{AWS/ECS,ClusterName,DiscoveryName,ServiceName} MetricName="RequestCount" ClusterName="${cluster}"', 'Sum', 300)`,
    });
    expect(expressionOf('Service Connect 5xx by caller and callee')).toEqual({
      label: "${PROP('Dim.ServiceName')} to ${PROP('Dim.TargetDiscoveryName')}",
      expression: `SEARCH('{AWS/ECS,ClusterName,ServiceName,TargetDiscoveryName} MetricName="HTTPCode_Target_5XX_Count" ClusterName="${cluster}"', 'Sum', 300)`,
    });
    expect(expressionOf('Service Connect response time by caller and callee (ms)')).toEqual({
      label: "${PROP('Dim.ServiceName')} to ${PROP('Dim.TargetDiscoveryName')}",
      expression: `SEARCH('{AWS/ECS,ClusterName,ServiceName,TargetDiscoveryName} MetricName="TargetResponseTime" ClusterName="${cluster}"', 'Average', 300)`,
    });
  });

  test('dashboard: false: none, and a service in the same stack adds its widgets nowhere (alarms stay)', () => {
    const stack = testStack();
    const lean = georgiPlatform(stack, { dashboard: false });
    expect(lean.dashboard).toBeUndefined();
    const service = new ContainerService(stack, 'Service1', {
      platform: lean, serviceName: 'service1', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
    });
    const after = Template.fromStack(stack);
    after.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(service.routes!.dashboard).toBeUndefined();
    after.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'georgi-service1-api-5xx-rate' });
  });
});

describe('alarms (defaults)', () => {
  let template: Template;
  let platform: GlobalPlatform;
  let topic: string;
  beforeAll(() => {
    ({ template, platform } = synth());
    topic = onlyId(template, 'AWS::SNS::Topic');
  });

  test('three alarms, each notifying the alarm topic on ALARM and OK', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    for (const name of ALARM_NAMES) {
      const a = alarm(template, name);
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
    expect(platform.alarms).toHaveLength(3);
  });

  test('API alarms treat missing data (no traffic) as not breaching', () => {
    expect(alarm(template, 'georgi-api-5xx-rate').TreatMissingData).toBe('notBreaching');
    expect(alarm(template, 'georgi-api-latency-p99').TreatMissingData).toBe('notBreaching');
  });

  test('the certificate alarm keeps its state on missing data (ACM stops the metric once a certificate expired)', () => {
    expect(alarm(template, 'georgi-certificate-regional-expiry').TreatMissingData).toBe('ignore');
  });

  test('5xx rate: a math expression over the API request and 5xx counts, above 5 % in 3 of 5 periods', () => {
    const api = onlyId(template, 'AWS::ApiGatewayV2::Api');
    const a = alarm(template, 'georgi-api-5xx-rate');
    expect(a.Threshold).toBe(5);
    expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(a.EvaluationPeriods).toBe(5);
    expect(a.DatapointsToAlarm).toBe(3);
    const metrics = a.Metrics as Array<Record<string, any>>;
    const expression = metrics.filter(m => m.Expression);
    expect(expression).toHaveLength(1);
    expect(expression[0].Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(expression[0].ReturnData).toBe(true);
    const byId = Object.fromEntries(metrics.filter(m => m.MetricStat).map(m => [m.Id, m.MetricStat]));
    expect(byId.requests.Metric).toEqual({ Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }] });
    expect(byId.errors.Metric).toEqual({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }] });
    expect(byId.requests.Stat).toBe('Sum');
    expect(byId.errors.Stat).toBe('Sum');
  });

  test('p99 latency above 5000 ms', () => {
    const api = onlyId(template, 'AWS::ApiGatewayV2::Api');
    const a = alarm(template, 'georgi-api-latency-p99');
    expect(a.Threshold).toBe(5000);
    expect(a.ComparisonOperator).toBe('GreaterThanThreshold');
    const stat = (a.Metrics as Array<Record<string, any>>)[0].MetricStat;
    expect(stat.Stat).toBe('p99');
    expect(stat.Metric).toEqual({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', Dimensions: [{ Name: 'ApiId', Value: { Ref: api } }] });
  });

  test('the certificate has fewer than 30 days to expiry', () => {
    const cert = onlyId(template, 'AWS::CertificateManager::Certificate');
    const a = alarm(template, 'georgi-certificate-regional-expiry');
    expect(a).toEqual(expect.objectContaining({
      Namespace: 'AWS/CertificateManager',
      MetricName: 'DaysToExpiry',
      Dimensions: [{ Name: 'CertificateArn', Value: { Ref: cert } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 30,
    }));
  });
});

test('custom alarm thresholds', () => {
  const { template } = synth({
    serverErrorRateThresholdPercent: 2.5,
    latencyP99Threshold: Duration.millis(1500),
    certificateExpiryThresholdDays: 45,
  });
  expect(alarm(template, 'georgi-api-5xx-rate').Threshold).toBe(2.5);
  expect(alarm(template, 'georgi-api-latency-p99').Threshold).toBe(1500);
  expect(alarm(template, 'georgi-certificate-regional-expiry').Threshold).toBe(45);
});

test('latencyP99Threshold in seconds becomes milliseconds', () => {
  const { template } = synth({ latencyP99Threshold: Duration.seconds(2) });
  expect(alarm(template, 'georgi-api-latency-p99').Threshold).toBe(2000);
});

describe('alarm topic', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  let topic: string;
  let key: string;
  beforeAll(() => {
    ({ template, stack, platform } = synth());
    topic = onlyId(template, 'AWS::SNS::Topic');
    key = onlyId(template, 'AWS::KMS::Key');
  });

  test('is encrypted with a rotating customer managed key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(stack.resolve(platform.alarmTopic.topicArn)).toEqual({ Ref: topic });
  });

  test('the key policy lets CloudWatch and AWS Budgets of this account use the key', () => {
    for (const service of ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com']) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: service },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
            Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
          })]),
        },
      });
    }
  });

  test('the topic policy lets CloudWatch alarms and budgets of this account publish', () => {
    const statements = new Capture();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: { Statement: statements },
    });
    const publishers = (statements.asArray() as Array<Record<string, any>>).filter(s => s.Effect === 'Allow');
    expect(publishers.map(s => s.Principal.Service).sort()).toEqual(['budgets.amazonaws.com', 'cloudwatch.amazonaws.com']);
    for (const s of publishers) {
      expect(s.Action).toBe('sns:Publish');
      expect(s.Resource).toEqual({ Ref: topic });
      expect(s.Condition.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
    }
    const cloudwatch = publishers.find(s => s.Principal.Service === 'cloudwatch.amazonaws.com')!;
    expect(JSON.stringify(cloudwatch.Condition.ArnLike['aws:SourceArn'])).toContain(':cloudwatch:us-east-1:123456789012:alarm:*');
    const budgets = publishers.find(s => s.Principal.Service === 'budgets.amazonaws.com')!;
    expect(JSON.stringify(budgets.Condition.ArnLike['aws:SourceArn'])).toContain(':budgets::123456789012:*');
  });

  test('the topic refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: { Ref: topic },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('no subscription without alarmEmails', () => {
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test('one e-mail subscription per alarmEmails entry', () => {
    const withEmails = synth({ alarmEmails: ['ops@georgi.io', 'oncall@georgi.io'] }).template;
    const t = onlyId(withEmails, 'AWS::SNS::Topic');
    withEmails.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const endpoint of ['ops@georgi.io', 'oncall@georgi.io']) {
      withEmails.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: endpoint, TopicArn: { Ref: t } });
    }
  });

  test('the published alarm-topic parameter is the topic', () => {
    template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/platform/georgi/monitoring/alarm-topic-arn', Value: { Ref: topic } });
  });
});
