import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { errorRate, notify, sustainedAlarm } from './alarm-helpers';
import { PropError } from '../../core/errors';
import { validateIntegerRange, validatePercentage } from '../../core/validation';

/** @internal */
export interface PlatformMonitoringProps {
  readonly platformName: string;
  /**
   * `<platformName>-<Region of the platform's stack>`: the prefix of names that must be unique in
   * the account, not only in its Region.
   */
  readonly accountWidePrefix: string;
  readonly httpApi: apigwv2.HttpApi;
  readonly topic: sns.ITopic;
  /** The regional certificate to watch; none when nothing of the platform's uses it. */
  readonly certificate?: acm.ICertificate;
  readonly serverErrorRatePercent: number;
  readonly latencyP99: Duration;
  readonly certificateExpiryDays: number;
  /** Whether to build the dashboard. */
  readonly dashboard: boolean;
  /** The ECS cluster whose services the dashboard's search widgets show. */
  readonly clusterName: string;
  /**
   * With a figure: `DrainAlarm`, the 5xx rate alarm that drains an additional Region (ADR 15),
   * counting only periods with at least this many requests. @default - no drain alarm
   */
  readonly drainMinimumRequests?: number;
}

const PERIOD = Duration.minutes(5);
/** CloudWatch dynamic labels: each series of a search is named by its dimension. */
const BY_ROUTE = "${PROP('Dim.Resource')}";
const BY_SERVICE = "${PROP('Dim.ServiceName')}";
const BY_CALLEE = "${PROP('Dim.DiscoveryName')}";
const BY_CALL = "${PROP('Dim.ServiceName')} to ${PROP('Dim.TargetDiscoveryName')}";

/**
 * The platform dashboard (requests, 4xx, 5xx, latency p50/p99 of the central API; every
 * service's routes, CPU and memory and its Service Connect calls, 5xx and response time through
 * search expressions, so services in other stacks and apps appear without changing this stack;
 * services in this stack append widgets) and the platform alarms, all notifying one topic.
 *
 * Cost: $3 a month for the dashboard (optional; its search widgets cost nothing more), $0.10 a
 * month per alarm metric.
 *
 * @internal
 */
export class PlatformMonitoring extends Construct {
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly serverErrorRateAlarm: cloudwatch.Alarm;
  public readonly latencyAlarm: cloudwatch.Alarm;
  public readonly certificateExpiryAlarm?: cloudwatch.Alarm;
  /** The alarm that drains the Region (with `drainMinimumRequests`). */
  public readonly drainAlarm?: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    const api = props.httpApi;
    const requests = api.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' });
    const clientErrors = api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' });
    const serverErrors = api.metricServerError({ period: PERIOD, statistic: 'Sum', label: '5xx' });
    const p50 = api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'latency p50' });
    const p99 = api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'latency p99' });
    const serverErrorRate = errorRate(requests, serverErrors, '5xx rate (%)');

    if (props.dashboard) {
      this.dashboard = platformDashboard(this, props, [requests, clientErrors, serverErrors, serverErrorRate, p50, p99]);
    }

    this.serverErrorRateAlarm = sustainedAlarm(this, 'ServerErrorRateAlarm', serverErrorRate, {
      alarmName: `${props.platformName}-api-5xx-rate`,
      what: `more than ${props.serverErrorRatePercent}% of central API requests answered 5xx`,
      threshold: props.serverErrorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.latencyAlarm = sustainedAlarm(this, 'LatencyP99Alarm', p99, {
      alarmName: `${props.platformName}-api-latency-p99`,
      what: `central API p99 latency above ${props.latencyP99.toMilliseconds()} ms`,
      threshold: props.latencyP99.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.certificateExpiryAlarm = props.certificate && createCertificateExpiryAlarm(this, 'CertificateExpiryAlarm', {
      platformName: props.platformName,
      certificate: props.certificate,
      days: props.certificateExpiryDays,
      label: 'regional',
    });
    if (props.drainMinimumRequests !== undefined) {
      const minimum = props.drainMinimumRequests;
      this.drainAlarm = sustainedAlarm(this, 'DrainAlarm', errorRate(requests, serverErrors, `5xx rate (%), periods of ${minimum}+ requests`, minimum), {
        alarmName: `${props.platformName}-api-5xx-rate-drain`,
        what: `more than ${props.serverErrorRatePercent}% of central API requests answered 5xx, in periods of at least ${minimum} requests (drains the region)`,
        threshold: props.serverErrorRatePercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    const alarms = [this.serverErrorRateAlarm, this.latencyAlarm, this.certificateExpiryAlarm, this.drainAlarm];
    notify(alarms.filter((a): a is cloudwatch.Alarm => a !== undefined), props.topic);
  }
}

/**
 * The dashboard: the central API, then one search widget per metric over every service (route
 * metrics of the API by `Resource`, ECS metrics by `ServiceName` in the platform's cluster).
 */
function platformDashboard(scope: Construct, props: PlatformMonitoringProps, api: cloudwatch.IMetric[]): cloudwatch.Dashboard {
  const [requests, clientErrors, serverErrors, serverErrorRate, p50, p99] = api;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: `${props.accountWidePrefix}-platform`,
    defaultInterval: Duration.hours(3),
  });
  dashboard.addWidgets(
    new cloudwatch.TextWidget({
      markdown: `# ${props.platformName} platform\nCentral API on the front door, then every service (by route and by ECS service).`,
      width: 24,
      height: 2,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'API requests', left: [requests], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'API 4xx', left: [clientErrors], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'API 5xx', left: [serverErrors], right: [serverErrorRate], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'API latency (ms)', left: [p50, p99], width: 6 }),
  );
  const search = (label: string, query: string, statistic: string) => new cloudwatch.MathExpression({
    expression: `SEARCH('${query}', '${statistic}', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label,
    period: PERIOD,
  });
  // Method="ANY": the services' routes, not their CORS preflight (OPTIONS) routes of the same path.
  const route = (metric: string) => `{AWS/ApiGateway,ApiId,Method,Resource,Stage} MetricName="${metric}" Method="ANY" ApiId="${props.httpApi.apiId}"`;
  const ecsService = (metric: string) => `{AWS/ECS,ClusterName,ServiceName} MetricName="${metric}" ClusterName="${props.clusterName}"`;
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Requests by route', left: [search(BY_ROUTE, route('Count'), 'Sum')], width: 6 }),
    new cloudwatch.GraphWidget({ title: '5xx by route', left: [search(BY_ROUTE, route('5xx'), 'Sum')], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'CPU by service (%)', left: [search(BY_SERVICE, ecsService('CPUUtilization'), 'Average')], width: 6 }),
    new cloudwatch.GraphWidget({ title: 'Memory by service (%)', left: [search(BY_SERVICE, ecsService('MemoryUtilization'), 'Average')], width: 6 }),
  );
  // Service Connect: calls each callee's proxies took (by its DiscoveryName), and the 5xx and
  // response time each caller got from each callee (ServiceName is the caller); the dimension sets
  // of https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html. Empty
  // until a service of the cluster uses Service Connect.
  const callee = (metric: string) => `{AWS/ECS,ClusterName,DiscoveryName,ServiceName} MetricName="${metric}" ClusterName="${props.clusterName}"`;
  const call = (metric: string) => `{AWS/ECS,ClusterName,ServiceName,TargetDiscoveryName} MetricName="${metric}" ClusterName="${props.clusterName}"`;
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Service Connect calls by callee', left: [search(BY_CALLEE, callee('RequestCount'), 'Sum')], width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Service Connect 5xx by caller and callee', left: [search(BY_CALL, call('HTTPCode_Target_5XX_Count'), 'Sum')], width: 8 }),
    new cloudwatch.GraphWidget({ title: 'Service Connect response time by caller and callee (ms)', left: [search(BY_CALL, call('TargetResponseTime'), 'Average')], width: 8 }),
  );
  return dashboard;
}

/** @internal */
export interface CertificateExpiryAlarmOptions {
  readonly platformName: string;
  readonly certificate: acm.ICertificate;
  readonly days: number;
  readonly label: string;
}

/**
 * Alarm when a certificate has fewer than `days` left. ACM renews DNS-validated certificates that
 * are in use by itself 60 days before expiry, so this alarm means renewal is stuck (usually a
 * removed validation record). Missing data keeps the alarm's state: ACM publishes the metric once
 * a day and not before the certificate is issued, and stops publishing it once the certificate
 * has expired (an expired certificate must not turn the alarm back to OK).
 * @see https://docs.aws.amazon.com/acm/latest/userguide/acm-renewal.html
 * @internal
 */
export function createCertificateExpiryAlarm(scope: Construct, id: string, options: CertificateExpiryAlarmOptions): cloudwatch.Alarm {
  return options.certificate.metricDaysToExpiry().createAlarm(scope, id, {
    alarmName: `${options.platformName}-certificate-${options.label}-expiry`,
    alarmDescription: `the ${options.label} certificate of the ${options.platformName} platform expires in fewer than ${options.days} days: ACM renewal is stuck`,
    threshold: options.days,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.IGNORE,
  });
}

/** The platform alarms' thresholds (the props of the same names). @internal */
export interface PlatformAlarmThresholds {
  readonly serverErrorRateThresholdPercent?: number;
  readonly latencyP99Threshold?: Duration;
  readonly certificateExpiryThresholdDays?: number;
}

/** The thresholds of the platform alarms. @internal */
export function validateAlarmThresholds(scope: IConstruct, thresholds: PlatformAlarmThresholds): void {
  validatePercentage(scope, 'serverErrorRateThresholdPercent', thresholds.serverErrorRateThresholdPercent);
  const latency = thresholds.latencyP99Threshold;
  if (latency && !latency.isUnresolved() && latency.toMilliseconds() <= 0) {
    throw new PropError(scope, 'latencyP99Threshold', `${latency.toMilliseconds()}ms`, 'expected a duration greater than zero');
  }
  validateIntegerRange(scope, 'certificateExpiryThresholdDays', thresholds.certificateExpiryThresholdDays, 1, 395);
}
