import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ServiceSchedule } from './service-schedule';

/**
 * The size, scaling and capacity of a service's Fargate tasks. `ContainerService` takes these
 * options, and so do the presets built on it (`TtsService` with its own defaults for
 * `maxCapacity` and `schedule`, named in their `@default`).
 *
 * Prices are us-east-1 list prices for Linux: x86 $0.04048 per vCPU-hour and $0.004445 per
 * GB-hour; ARM64 about 20% less; Fargate Spot up to 70% less. A month always on is 730 hours;
 * `ServiceSchedule.weekdays(7, 19)` runs about 261 hours a month (36%). The default task
 * (0.5 vCPU, 1 GB, x86) is about $18.02 a month always on, about $6.44 on that schedule.
 */
export interface FargateTaskOptions {
  /**
   * CPU units of the task: 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * Cost: each 1024 units (1 vCPU) about $29.55 a month per task always on (x86), about
   * $10.57 on `ServiceSchedule.weekdays(7, 19)`.
   *
   * @default 512
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; must be a size Fargate allows for `cpu` (512: 1024-4096 in 1024 steps).
   *
   * Cost: each 1024 MiB about $3.24 a month per task always on (x86), about $1.16 on
   * `ServiceSchedule.weekdays(7, 19)`.
   *
   * @default 1024
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of the image.
   *
   * Cost: ARM64 is about 20% cheaper than x86 for the same size.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  /**
   * Fewest tasks while the service runs (inside its schedule's hours). With 0, ECS still creates
   * the service with one task (the template sets no `DesiredCount`); CPU tracking may scale it in
   * to none and cannot start one again (there is no CPU without a task): scale it yourself; the
   * "no running task" alarm is then left out.
   *
   * Cost: these tasks run whenever the service does, so they set the floor of the bill (see the
   * task prices above).
   *
   * @default 1
   */
  readonly minCapacity?: number;

  /**
   * Most tasks (CPU target tracking scales between min and max; with max equal to min there is
   * no scaling policy).
   *
   * Cost: the ceiling: under load the service may run this many tasks. A scaling policy adds
   * the two alarms Application Auto Scaling creates for it ($0.20 a month).
   *
   * @default 2 (TtsService: 1, see its class doc)
   */
  readonly maxCapacity?: number;

  /**
   * The CPU and memory alarms (ContainerService: `cpuThresholdPercent`, `memoryThresholdPercent`; 80% each). `false` leaves
   * the 5xx and "no running task" alarms only; the platform dashboard still shows CPU and memory.
   *
   * Cost: $0.20 a month (two alarms).
   *
   * @default true
   */
  readonly utilizationAlarms?: boolean;

  /**
   * CPU utilization that target tracking keeps the service at (10-90); only used when
   * `maxCapacity` is above `minCapacity`.
   *
   * @default 60
   */
  readonly cpuTargetUtilizationPercent?: number;

  /**
   * When the service runs; outside the hours it scales to zero tasks.
   *
   * A deployment that changes the scalable target (this schedule, `minCapacity` or
   * `maxCapacity`) registers the template's capacities again, which outside the hours starts
   * `minCapacity` tasks until the next stop action: deploy such changes inside the hours.
   *
   * Cost: `ServiceSchedule.weekdays(7, 19)` runs 60 of 168 hours a week: about 36% of always-on.
   *
   * @default ServiceSchedule.ALWAYS_ON (TtsService: ServiceSchedule.weekdays(7, 19))
   */
  readonly schedule?: ServiceSchedule;

  /**
   * Run on Fargate Spot (AWS may stop tasks with two minutes' notice).
   *
   * Cost: up to 70% less: the default task from about $18.02 down to about $5.41 a month always
   * on (from about $6.44 down to about $1.93 on `ServiceSchedule.weekdays(7, 19)`).
   *
   * @default false
   */
  readonly fargateSpot?: boolean;

  /**
   * Allow `aws ecs execute-command` into the container (ECS Exec; grants the task SSM messages).
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
}
