import { Duration } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { FARGATE_MEMORY_BY_CPU } from './fargate-size';
import { PropError } from '../../core/errors';
import { pickOptions } from '../../core/options';
import { isUnresolved, validateIntegerRange } from '../../core/validation';
import { FargateTaskOptions } from '../fargate-task-options';
import { ServiceSchedule } from '../service-schedule';

/** `FargateTaskOptions` with their defaults. @internal */
export const FARGATE_TASK_DEFAULTS = {
  cpu: 512,
  memoryLimitMiB: 1024,
  minCapacity: 1,
  maxCapacity: 2,
  cpuTargetUtilizationPercent: 60,
};

/** Every field of `FargateTaskOptions` (the compiler keeps the list complete). */
const FARGATE_TASK_KEYS: Record<keyof FargateTaskOptions, true> = {
  cpu: true,
  memoryLimitMiB: true,
  cpuArchitecture: true,
  minCapacity: true,
  maxCapacity: true,
  cpuTargetUtilizationPercent: true,
  schedule: true,
  utilizationAlarms: true,
  fargateSpot: true,
  enableExecuteCommand: true,
};

/** Only the task options of a construct's props, to pass on as one struct. @internal */
export function fargateTaskOptionsOf(props: FargateTaskOptions): FargateTaskOptions {
  return pickOptions(props, FARGATE_TASK_KEYS);
}

/** The task options: a size Fargate offers, capacities in order, a schedule of whole UTC hours. @internal */
export function validateFargateTaskOptions(scope: IConstruct, options: FargateTaskOptions): void {
  const cpu = options.cpu ?? FARGATE_TASK_DEFAULTS.cpu;
  const memory = options.memoryLimitMiB ?? FARGATE_TASK_DEFAULTS.memoryLimitMiB;
  if (!isUnresolved(cpu) && !isUnresolved(memory)) {
    const allowed = FARGATE_MEMORY_BY_CPU[cpu];
    if (!allowed) {
      throw new PropError(scope, 'cpu', cpu, `Fargate offers ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')} CPU units`);
    }
    if (!allowed.includes(memory)) {
      const steps = new Set(allowed.slice(1).map((v, i) => v - allowed[i]));
      throw new PropError(scope, 'memoryLimitMiB', memory, steps.size === 1
        ? `with cpu ${cpu} Fargate allows ${allowed[0]} to ${allowed[allowed.length - 1]} MiB in steps of ${allowed[1] - allowed[0]}`
        : `with cpu ${cpu} Fargate allows ${allowed.join(', ')} MiB`);
    }
  }
  validateIntegerRange(scope, 'minCapacity', options.minCapacity, 0, 100);
  validateIntegerRange(scope, 'maxCapacity', options.maxCapacity, 1, 100);
  const min = options.minCapacity ?? FARGATE_TASK_DEFAULTS.minCapacity;
  const max = options.maxCapacity ?? FARGATE_TASK_DEFAULTS.maxCapacity;
  if (!isUnresolved(min) && !isUnresolved(max) && min > max) {
    throw new PropError(scope, 'minCapacity', min, `at most maxCapacity (${max})`);
  }
  validateIntegerRange(scope, 'cpuTargetUtilizationPercent', options.cpuTargetUtilizationPercent, 10, 90);
  validateSchedule(scope, options.schedule);
  if (options.cpuTargetUtilizationPercent !== undefined && !isUnresolved(min) && !isUnresolved(max) && max <= min) {
    throw new PropError(scope, 'cpuTargetUtilizationPercent', options.cpuTargetUtilizationPercent,
      `only used when maxCapacity is above minCapacity (both are ${min}: there is nothing to scale between)`);
  }
}

function validateSchedule(scope: IConstruct, schedule: ServiceSchedule | undefined): void {
  if (!schedule || schedule.startHourUtc === undefined) return;
  const start = schedule.startHourUtc;
  const end = schedule.endHourUtc!;
  if (!Number.isInteger(start) || start < 0 || start > 23) {
    throw new PropError(scope, 'schedule', start, 'the start hour must be a whole hour from 0 to 23 (UTC)');
  }
  if (!Number.isInteger(end) || end < 1 || end > 24 || end <= start) {
    throw new PropError(scope, 'schedule', `${start}-${end}`, 'the end hour must be a whole hour from 1 to 24 (UTC), later than the start');
  }
}

/**
 * CPU target tracking between the capacities (when there is room to scale: max above min) and,
 * with a schedule, a start and a stop action (the stop sets both capacities to 0; an end at
 * 24:00 is 00:00 of the next day).
 * @internal
 */
export function configureTaskScaling(service: ecs.FargateService, options: FargateTaskOptions, schedule: ServiceSchedule): void {
  const minCapacity = options.minCapacity ?? FARGATE_TASK_DEFAULTS.minCapacity;
  const maxCapacity = options.maxCapacity ?? FARGATE_TASK_DEFAULTS.maxCapacity;
  const scaling = service.autoScaleTaskCount({ minCapacity, maxCapacity });
  // With nothing to scale between, a policy would only add the two alarms Application Auto
  // Scaling creates for it ($0.20 a month).
  if (isUnresolved(minCapacity) || isUnresolved(maxCapacity) || maxCapacity > minCapacity) {
    scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: options.cpuTargetUtilizationPercent ?? FARGATE_TASK_DEFAULTS.cpuTargetUtilizationPercent,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(1),
    });
  }
  if (schedule.startHourUtc === undefined) return;
  const weekDay = schedule.weekdaysOnly ? 'MON-FRI' : '*';
  scaling.scaleOnSchedule('ScheduleStart', {
    schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.startHourUtc), weekDay }),
    minCapacity,
    maxCapacity,
  });
  const endsAtMidnight = schedule.endHourUtc === 24;
  const stopWeekDay = endsAtMidnight && schedule.weekdaysOnly ? 'TUE-SAT' : weekDay;
  scaling.scaleOnSchedule('ScheduleStop', {
    schedule: appscaling.Schedule.cron({ minute: '0', hour: String(schedule.endHourUtc! % 24), weekDay: stopWeekDay }),
    minCapacity: 0,
    maxCapacity: 0,
  });
}
