import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { errorRate, notify, sustainedAlarm } from './alarm-helpers';
import { IGlobalPlatform } from '../../contract/platform';

/** @internal */
export interface ServiceApiMonitoringProps {
  readonly platform: IGlobalPlatform;
  readonly serviceName: string;
  /** Route resources of the service, e.g. `/jessica` and `/jessica/{proxy+}`. */
  readonly resources: string[];
  readonly serverErrorRatePercent: number;
  /** A dashboard of the service's own, instead of widgets on a platform dashboard in the same stack. */
  readonly ownDashboard: boolean;
}

const PERIOD = Duration.minutes(5);

/**
 * One route-level metric of the central API for one route resource (`ANY` method; route-level
 * metrics need detailed metrics on the stage).
 * @internal
 */
export function routeMetric(platform: IGlobalPlatform, resource: string, metricName: string,
  options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ApiGateway',
    metricName,
    statistic: 'Sum',
    period: PERIOD,
    ...options,
    dimensionsMap: { ApiId: platform.httpApi.apiId, Stage: platform.httpStageName, Method: 'ANY', Resource: resource },
  });
}

/**
 * A count metric summed over several route resources, each missing value counted as 0.
 * @internal
 */
export function summedRouteMetric(platform: IGlobalPlatform, resources: string[], metricName: string,
  options: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
  const period = options.period ?? PERIOD;
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const prefix = metricName.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  resources.forEach((resource, i) => {
    usingMetrics[`${/^[a-z]/.test(prefix) ? '' : 'm'}${prefix}${i}`] = routeMetric(platform, resource, metricName, { period });
  });
  return new cloudwatch.MathExpression({
    expression: `FILL(${Object.keys(usingMetrics).join(', 0) + FILL(')}, 0)`,
    usingMetrics,
    ...options,
    period,
  });
}

/**
 * A service's view of the central API: its requests, errors and latency from the API's
 * route-level (detailed) metrics, as widgets on a dashboard of its own (opt-in) or on the
 * platform dashboard when it is in the same stack, and an alarm on its 5xx rate.
 *
 * Cost: $0.10 a month per metric of the alarm (two per route); $3 a month for an own dashboard.
 *
 * @internal
 */
export class ServiceApiMonitoring extends Construct {
  public readonly serverErrorRateAlarm: cloudwatch.Alarm;
  /** The dashboard that holds the widgets; undefined without an own or same-stack platform dashboard. */
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly widgets: cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: ServiceApiMonitoringProps) {
    super(scope, id);
    const { platform, serviceName } = props;

    const sum = (metricName: string, label: string) => summedRouteMetric(platform, props.resources, metricName, { label });
    const requests = sum('Count', 'requests');
    const clientErrors = sum('4xx', '4xx');
    const serverErrors = sum('5xx', '5xx');
    const latency = props.resources.map(resource => routeMetric(platform, resource, 'Latency', { statistic: 'p99', label: `p99 ${resource}` }));
    const serverErrorRate = errorRate(requests, serverErrors, '5xx rate (%)');

    this.widgets = [
      new cloudwatch.TextWidget({ markdown: `## ${serviceName}`, width: 24, height: 1 }),
      new cloudwatch.GraphWidget({ title: `${serviceName} requests`, left: [requests], width: 8 }),
      new cloudwatch.GraphWidget({ title: `${serviceName} errors`, left: [clientErrors, serverErrors], right: [serverErrorRate], width: 8 }),
      new cloudwatch.GraphWidget({ title: `${serviceName} latency p99 (ms)`, left: latency, width: 8 }),
    ];
    // An own dashboard when asked for; else the platform dashboard, only when it is in this
    // stack: widgets that name the service's resources would otherwise make the platform's stack
    // depend on the service's (its search widgets show the service anyway).
    const platformDashboard = platform.dashboard && Stack.of(platform.dashboard) === Stack.of(this) ? platform.dashboard : undefined;
    this.dashboard = props.ownDashboard
      ? new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${platform.platformName}-${Stack.of(this).region}-${serviceName}` })
      : platformDashboard;
    this.dashboard?.addWidgets(...this.widgets);

    this.serverErrorRateAlarm = sustainedAlarm(this, 'ServerErrorRateAlarm', serverErrorRate, {
      alarmName: `${platform.platformName}-${serviceName}-api-5xx-rate`,
      what: `more than ${props.serverErrorRatePercent}% of ${serviceName} requests answered 5xx`,
      threshold: props.serverErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    notify([this.serverErrorRateAlarm], platform.alarmTopic);
  }
}
