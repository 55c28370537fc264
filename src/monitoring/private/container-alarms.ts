import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { notify, sustainedAlarm } from './alarm-helpers';

/**
 * The hours in which a service should run (UTC): `ServiceSchedule` has this shape. Undefined
 * hours mean always on.
 * @internal
 */
export interface ServiceHours {
  readonly startHourUtc?: number;
  readonly endHourUtc?: number;
  readonly weekdaysOnly: boolean;
}

/** @internal */
export interface ContainerAlarmsProps {
  readonly alarmPrefix: string;
  readonly service: ecs.FargateService;
  readonly schedule: ServiceHours;
  readonly topic: sns.ITopic;
  readonly cpuPercent: number;
  readonly memoryPercent: number;
  /** False when the service may have no task on purpose (minCapacity 0). */
  readonly alarmOnNoTask: boolean;
  /** The CPU and memory alarms. */
  readonly utilizationAlarms: boolean;
  readonly dashboard?: cloudwatch.Dashboard;
}

/** Minutes after the scheduled start during which a missing task is expected (tasks starting). */
const START_GRACE_MINUTES = 15;

/**
 * Alarms of one Fargate service: no running task during its hours, CPU high, memory high; all
 * notify the platform topic. Also widgets for the dashboard.
 *
 * Cost: $0.10 a month per alarm (standard resolution).
 *
 * @internal
 */
export class ContainerAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ContainerAlarmsProps) {
    super(scope, id);
    const { service, schedule } = props;

    // ECS publishes service metrics only while a task runs: the sample count of CPUUtilization is
    // above zero exactly when at least one task is RUNNING (ECS replaces tasks whose container
    // health check fails, so a task running for minutes is a healthy one). With no task there is
    // no data at all, so the hours condition runs on TIME_SERIES(1), a series with a value in
    // every period; IF(condition, samples, 1) is then 0 where the condition holds and samples
    // has no value, and 1 outside the hours.
    // @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
    const period = Duration.minutes(5);
    const samples = service.metric('CPUUtilization', { statistic: 'SampleCount', period });
    const running = new cloudwatch.MathExpression({
      expression: `IF(${inHoursCondition(schedule, 'clock')}, samples, 1)`,
      usingMetrics: { clock: new cloudwatch.MathExpression({ expression: 'TIME_SERIES(1)', usingMetrics: {}, period }), samples },
      period,
      label: 'task samples (1 outside hours)',
    });
    const noTask = !props.alarmOnNoTask ? undefined : running.createAlarm(this, 'NoRunningTaskAlarm', {
      alarmName: `${props.alarmPrefix}-no-running-task`,
      alarmDescription: `${props.alarmPrefix} has no running task during its hours (${describe(schedule)})`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const utilization = !props.utilizationAlarms ? [] : [
      sustainedAlarm(this, 'CpuAlarm', service.metricCpuUtilization({ period: Duration.minutes(5) }), {
        alarmName: `${props.alarmPrefix}-cpu-high`,
        what: `${props.alarmPrefix} CPU above ${props.cpuPercent}%`,
        threshold: props.cpuPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      sustainedAlarm(this, 'MemoryAlarm', service.metricMemoryUtilization({ period: Duration.minutes(5) }), {
        alarmName: `${props.alarmPrefix}-memory-high`,
        what: `${props.alarmPrefix} memory above ${props.memoryPercent}%`,
        threshold: props.memoryPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
    ];
    this.alarms = [...(noTask ? [noTask] : []), ...utilization];
    notify(this.alarms, props.topic);

    props.dashboard?.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${props.alarmPrefix} CPU and memory (%)`,
        left: [service.metricCpuUtilization(), service.metricMemoryUtilization()],
        width: 12,
      }),
      ...(this.alarms.length > 0 ? [new cloudwatch.AlarmStatusWidget({ title: `${props.alarmPrefix} alarms`, alarms: this.alarms, width: 12 })] : []),
    );
  }
}

/**
 * A metric-math condition on the time series `id` that is true inside the schedule's hours (UTC),
 * skipping the first minutes after the start while tasks come up; for an always-on service, the
 * series itself (a condition that is always true when the series is TIME_SERIES(1)). DAY() is 1
 * (Monday) to 7, HOUR() 0-23 UTC. The result is always a time series: IF takes no scalar
 * condition with a scalar third argument.
 * @see https://aws.amazon.com/blogs/mt/enhance-cloudwatch-metrics-with-metric-math-functions/
 * @internal
 */
export function inHoursCondition(schedule: ServiceHours, id: string): string {
  if (schedule.startHourUtc === undefined || schedule.endHourUtc === undefined) return id;
  const minuteOfDay = `(HOUR(${id}) * 60 + MINUTE(${id}))`;
  const parts = [
    `${minuteOfDay} >= ${schedule.startHourUtc * 60 + START_GRACE_MINUTES}`,
    `${minuteOfDay} < ${schedule.endHourUtc * 60}`,
  ];
  if (schedule.weekdaysOnly) parts.unshift(`DAY(${id}) < 6`);
  return parts.join(' AND ');
}

function describe(schedule: ServiceHours): string {
  if (schedule.startHourUtc === undefined) return 'always';
  const days = schedule.weekdaysOnly ? 'Monday to Friday' : 'daily';
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `${days} ${hh(schedule.startHourUtc)}-${hh(schedule.endHourUtc!)} UTC`;
}
