import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { errorRate, notify, sustainedAlarm } from './alarm-helpers';

/** @internal */
export interface ServiceConnectMonitoringProps {
  /** `<platform>-<service>`: the prefix of the alarm's name. */
  readonly alarmPrefix: string;
  /** The ECS cluster the service (and its callers) run in. */
  readonly clusterName: string;
  /** The ECS service's name (the `ServiceName` dimension). */
  readonly serviceName: string;
  /**
   * The service's Service Connect discovery name (`<service>-sc`).
   * @default - none: a client-only service takes no calls, so no inbound widgets and no alarm
   */
  readonly discoveryName?: string;
  /** The discovery names (`<callee>-sc`) of the services this one calls; one widget each. */
  readonly calls: string[];
  readonly topic: sns.ITopic;
  /**
   * The share of calls to this service answered 5xx (%) above which the alarm fires.
   * @default 5
   */
  readonly serverErrorRatePercent?: number;
  /**
   * The callee's 5xx-rate alarm; false for a gRPC service (its proxies publish no
   * `HTTPCode_Target_*` metrics, so the alarm would never have data).
   * @default true
   */
  readonly serverErrorAlarm?: boolean;
  /**
   * The dashboard the widgets go on.
   * @default - none: the widgets are only exposed as `widgets`
   */
  readonly dashboard?: cloudwatch.Dashboard;
}

const PERIOD = Duration.minutes(5);

/**
 * A Service Connect metric in `AWS/ECS`. The dimension sets are the documented ones: the callee's
 * proxies publish `RequestCount` by `DiscoveryName` (alone, or with the callee's `ServiceName`
 * and `ClusterName`); `HTTPCode_Target_*` and `TargetResponseTime` are published by
 * `TargetDiscoveryName` alone (every caller) or with the caller's `ServiceName` and
 * `ClusterName` (one caller).
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
 * @internal
 */
export function serviceConnectMetric(metricName: string, dimensionsMap: Record<string, string>,
  statistic: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/ECS', metricName, dimensionsMap, statistic, period: PERIOD, label });
}

/**
 * The Service Connect (mesh) view of one service. As a callee (with a discovery name): an alarm on
 * the share of calls to it answered 5xx, and widgets of its inbound requests, 5xx and response
 * time. As a caller: per callee, the 5xx it got and the callee's response time for its calls.
 *
 * The alarm divides `HTTPCode_Target_5XX_Count` by `TargetDiscoveryName` (every caller's calls)
 * by `RequestCount` by `DiscoveryName` (every request the callee's proxies took): the two
 * documented dimension sets that cover all callers. Both span every cluster of the account and
 * Region, so two platforms there with a service of the same name share these series. The 5xx
 * metrics exist only for the HTTP and HTTP/2 app protocols (gRPC has none).
 *
 * Cost: $0.10 a month per metric of an alarm: $0.20 for a callee (two metrics), $0 for a
 * client-only service; widgets cost nothing (the dashboard is paid for once).
 *
 * @internal
 */
export class ServiceConnectMonitoring extends Construct {
  /** The callee's 5xx-rate alarm; empty for a client-only service. */
  public readonly alarms: cloudwatch.Alarm[];
  public readonly widgets: cloudwatch.IWidget[];

  constructor(scope: Construct, id: string, props: ServiceConnectMonitoringProps) {
    super(scope, id);
    const { serviceName, discoveryName } = props;
    const widgets: cloudwatch.IWidget[] = [];
    const alarms: cloudwatch.Alarm[] = [];

    if (discoveryName !== undefined) {
      const allCallers = { TargetDiscoveryName: discoveryName };
      const inbound = serviceConnectMetric('RequestCount',
        { ClusterName: props.clusterName, ServiceName: serviceName, DiscoveryName: discoveryName }, 'Sum', 'calls');
      const serverErrors = serviceConnectMetric('HTTPCode_Target_5XX_Count', allCallers, 'Sum', '5xx');
      const rate = errorRate(
        serviceConnectMetric('RequestCount', { DiscoveryName: discoveryName }, 'Sum', 'calls'),
        serverErrors,
        'mesh 5xx rate (%)',
      );
      const percent = props.serverErrorRatePercent ?? 5;
      if (props.serverErrorAlarm ?? true) {
        alarms.push(sustainedAlarm(this, 'ServerErrorRateAlarm', rate, {
          alarmName: `${props.alarmPrefix}-mesh-5xx-rate`,
          what: `more than ${percent}% of service connect calls to ${serviceName} answered 5xx`,
          threshold: percent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        }));
      }
      widgets.push(
        new cloudwatch.GraphWidget({ title: `${serviceName} mesh calls in`, left: [inbound], width: 8 }),
        new cloudwatch.GraphWidget({ title: `${serviceName} mesh 5xx`, left: [serverErrors], right: [rate], width: 8 }),
        new cloudwatch.GraphWidget({ title: `${serviceName} mesh response time (ms)`, left: responseTime(allCallers), width: 8 }),
      );
    }

    for (const callee of props.calls) {
      const asCaller = { ClusterName: props.clusterName, ServiceName: serviceName, TargetDiscoveryName: callee };
      widgets.push(new cloudwatch.GraphWidget({
        title: `${serviceName} calls ${callee}: 5xx and response time (ms)`,
        left: [serviceConnectMetric('HTTPCode_Target_5XX_Count', asCaller, 'Sum', '5xx')],
        right: responseTime(asCaller),
        width: 8,
      }));
    }

    this.alarms = alarms;
    this.widgets = widgets;
    notify(this.alarms, props.topic);
    if (widgets.length > 0) props.dashboard?.addWidgets(...widgets);
  }
}

/**
 * `TargetResponseTime` on average and p99: the page lists Average as the most useful statistic
 * and names no percentile, so p99 shows only if ECS publishes the values a percentile needs.
 */
function responseTime(dimensionsMap: Record<string, string>): cloudwatch.IMetric[] {
  return [
    serviceConnectMetric('TargetResponseTime', dimensionsMap, 'Average', 'average'),
    serviceConnectMetric('TargetResponseTime', dimensionsMap, 'p99', 'p99'),
  ];
}
