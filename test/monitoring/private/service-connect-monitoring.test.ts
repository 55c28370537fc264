import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ServiceConnectMonitoring, ServiceConnectMonitoringProps } from '../../../src/monitoring/private/service-connect-monitoring';
import { onlyId, testStack } from '../../helpers/fixtures';

interface Built {
  readonly stack: Stack;
  readonly template: Template;
  readonly monitoring: ServiceConnectMonitoring;
  /** The dashboard's widgets as CloudWatch reads them. */
  readonly widgets: any[];
}

function build(props: Partial<ServiceConnectMonitoringProps> = {}): Built {
  const stack = testStack();
  const topic = new sns.Topic(stack, 'Topic');
  const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
  const monitoring = new ServiceConnectMonitoring(stack, 'Mesh', {
    alarmPrefix: 'georgi-orders',
    clusterName: 'georgi-cluster',
    serviceName: 'orders',
    discoveryName: 'orders-sc',
    calls: [],
    topic,
    dashboard,
    ...props,
  });
  const template = Template.fromStack(stack);
  const body = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody;
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).map(p => (typeof p === 'string' ? p : '<token>')).join('');
  return { stack, template, monitoring, widgets: JSON.parse(text).widgets };
}

/** A widget metric `[namespace, name, dim, value, ..., options]` as its parts. */
function parse(metric: unknown[]): { namespace: string; name: string; dimensions: Record<string, string>; options: Record<string, any> } {
  const options = (typeof metric[metric.length - 1] === 'object' ? metric[metric.length - 1] : {}) as Record<string, any>;
  const flat = metric.slice(2, typeof metric[metric.length - 1] === 'object' ? -1 : undefined) as string[];
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) dimensions[flat[i]] = flat[i + 1];
  return { namespace: metric[0] as string, name: metric[1] as string, dimensions, options };
}

function widget(widgets: any[], title: string): any {
  const found = widgets.filter(w => w.properties?.title === title);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The plain metrics (not expressions) of a widget, parsed. */
function metricsOf(w: any) {
  return (w.properties.metrics as unknown[][]).filter(m => typeof m[0] === 'string').map(parse);
}

describe('callee (discovery name set)', () => {
  let built: Built;
  beforeAll(() => {
    built = build({ calls: ['billing-sc'] });
  });

  test('one alarm <prefix>-mesh-5xx-rate, above 5 % in 3 of 5 periods, notifying the topic on ALARM and OK', () => {
    const { template, monitoring } = built;
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
    const topic = onlyId(template, 'AWS::SNS::Topic');
    const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm.AlarmName).toBe('georgi-orders-mesh-5xx-rate');
    expect(alarm.Threshold).toBe(5);
    expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    expect(alarm.EvaluationPeriods).toBe(5);
    expect(alarm.DatapointsToAlarm).toBe(3);
    expect(alarm.TreatMissingData).toBe('notBreaching');
    expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
    expect(alarm.OKActions).toEqual([{ Ref: topic }]);
    expect(monitoring.alarms).toHaveLength(1);
  });

  test('the alarm: 5xx of every caller (TargetDiscoveryName alone) over the requests the callee took (DiscoveryName alone)', () => {
    const alarm = Object.values(built.template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    const metrics = alarm.Metrics as Array<Record<string, any>>;
    const expression = metrics.filter(m => m.Expression);
    expect(expression).toHaveLength(1);
    expect(expression[0].Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(expression[0].ReturnData).toBe(true);
    const byId = Object.fromEntries(metrics.filter(m => m.MetricStat).map(m => [m.Id, m.MetricStat]));
    expect(byId.errors).toEqual({
      Metric: { Namespace: 'AWS/ECS', MetricName: 'HTTPCode_Target_5XX_Count', Dimensions: [{ Name: 'TargetDiscoveryName', Value: 'orders-sc' }] },
      Period: 300,
      Stat: 'Sum',
    });
    expect(byId.requests).toEqual({
      Metric: { Namespace: 'AWS/ECS', MetricName: 'RequestCount', Dimensions: [{ Name: 'DiscoveryName', Value: 'orders-sc' }] },
      Period: 300,
      Stat: 'Sum',
    });
  });

  test('widgets: calls in by ClusterName, ServiceName, DiscoveryName; 5xx and response time of every caller by TargetDiscoveryName', () => {
    const { widgets } = built;
    expect(metricsOf(widget(widgets, 'orders mesh calls in'))).toEqual([{
      namespace: 'AWS/ECS',
      name: 'RequestCount',
      dimensions: { ClusterName: 'georgi-cluster', ServiceName: 'orders', DiscoveryName: 'orders-sc' },
      options: expect.objectContaining({ stat: 'Sum' }),
    }]);
    const errors = widget(widgets, 'orders mesh 5xx');
    // The 5xx count shown, and the alarm's rate on the right (its request count hidden).
    expect(metricsOf(errors).map(m => [m.name, m.dimensions, m.options.stat, m.options.visible ?? true])).toEqual([
      ['HTTPCode_Target_5XX_Count', { TargetDiscoveryName: 'orders-sc' }, 'Sum', true],
      ['RequestCount', { DiscoveryName: 'orders-sc' }, 'Sum', false],
    ]);
    expect(JSON.stringify(errors.properties.metrics)).toContain('IF(requests > 0, 100 * errors / requests, 0)');
    const latency = metricsOf(widget(widgets, 'orders mesh response time (ms)'));
    expect(latency.map(m => [m.name, m.dimensions, m.options.stat])).toEqual([
      ['TargetResponseTime', { TargetDiscoveryName: 'orders-sc' }, undefined], // Average is the widget default
      ['TargetResponseTime', { TargetDiscoveryName: 'orders-sc' }, 'p99'],
    ]);
  });

  test('custom threshold', () => {
    const alarm = Object.values(build({ serverErrorRatePercent: 2 }).template.findResources('AWS::CloudWatch::Alarm'))[0].Properties;
    expect(alarm.Threshold).toBe(2);
    expect(alarm.AlarmDescription).toBe('more than 2% of service connect calls to orders answered 5xx in 3 of 5 periods of 5 minutes');
  });
});

describe('caller', () => {
  test('one widget per callee: 5xx and response time of this service\'s calls (ClusterName, ServiceName = caller, TargetDiscoveryName)', () => {
    const { widgets, monitoring } = build({ serviceName: 'web', discoveryName: undefined, calls: ['orders-sc', 'billing-sc'] });
    expect(widgets).toHaveLength(2);
    expect(monitoring.widgets).toHaveLength(2);
    for (const callee of ['orders-sc', 'billing-sc']) {
      const w = widget(widgets, `web calls ${callee}: 5xx and response time (ms)`);
      const dimensions = { ClusterName: 'georgi-cluster', ServiceName: 'web', TargetDiscoveryName: callee };
      expect(metricsOf(w).map(m => [m.namespace, m.name, m.dimensions, m.options.stat ?? 'Average', m.options.yAxis ?? 'left'])).toEqual([
        ['AWS/ECS', 'HTTPCode_Target_5XX_Count', dimensions, 'Sum', 'left'],
        ['AWS/ECS', 'TargetResponseTime', dimensions, 'Average', 'right'],
        ['AWS/ECS', 'TargetResponseTime', dimensions, 'p99', 'right'],
      ]);
    }
  });

  test('client-only (no discovery name): no alarm, no inbound widgets', () => {
    const { template, monitoring, widgets } = build({ serviceName: 'web', discoveryName: undefined, calls: ['orders-sc'] });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(monitoring.alarms).toEqual([]);
    expect(widgets.map(w => w.properties.title)).toEqual(['web calls orders-sc: 5xx and response time (ms)']);
  });

  test('a callee that calls others: its own three widgets, then one per callee', () => {
    const { widgets } = build({ calls: ['billing-sc'] });
    expect(widgets.map(w => w.properties.title)).toEqual([
      'orders mesh calls in', 'orders mesh 5xx', 'orders mesh response time (ms)', 'orders calls billing-sc: 5xx and response time (ms)',
    ]);
  });
});

test('without a dashboard: the widgets are exposed, no dashboard gets them', () => {
  const stack = testStack();
  const monitoring = new ServiceConnectMonitoring(stack, 'Mesh', {
    alarmPrefix: 'georgi-orders', clusterName: 'c', serviceName: 'orders', discoveryName: 'orders-sc', calls: ['billing-sc'], topic: new sns.Topic(stack, 'Topic'),
  });
  expect(monitoring.widgets).toHaveLength(4);
  Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
});
