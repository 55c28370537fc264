/**
 * When a service runs. Outside its hours it scales to zero tasks (no Fargate cost); inside them
 * it runs between its minimum and maximum task count. Hours are UTC, like the CloudWatch metric
 * math that keeps the "no running task" alarm quiet outside them.
 */
export class ServiceSchedule {
  /** Always on: no scheduled scaling. */
  public static readonly ALWAYS_ON = new ServiceSchedule(undefined, undefined, false);

  /**
   * Monday to Friday, from `startHourUtc` to `endHourUtc`, e.g. `weekdays(7, 19)` (the original
   * Jessica deployment): 60 hours a week, about a third of the always-on Fargate cost.
   *
   * @param startHourUtc hour (0-23, UTC) at which the service scales up
   * @param endHourUtc hour (1-24, UTC; later than the start) at which it scales to zero
   */
  public static weekdays(startHourUtc: number, endHourUtc: number): ServiceSchedule {
    return new ServiceSchedule(startHourUtc, endHourUtc, true);
  }

  /**
   * Every day, from `startHourUtc` to `endHourUtc`.
   *
   * @param startHourUtc hour (0-23, UTC) at which the service scales up
   * @param endHourUtc hour (1-24, UTC; later than the start) at which it scales to zero
   */
  public static daily(startHourUtc: number, endHourUtc: number): ServiceSchedule {
    return new ServiceSchedule(startHourUtc, endHourUtc, false);
  }

  private constructor(
    /** Scale-up hour (UTC); undefined when always on. */
    public readonly startHourUtc: number | undefined,
    /** Scale-to-zero hour (UTC); undefined when always on. */
    public readonly endHourUtc: number | undefined,
    /** Only Monday to Friday. */
    public readonly weekdaysOnly: boolean,
  ) {}
}
