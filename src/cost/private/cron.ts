/**
 * The weekly pattern of an Application Auto Scaling schedule: `cron(minutes hours day-of-month
 * month day-of-week year)`, the six-field form of EventBridge and Application Auto Scaling.
 *
 * Only what repeats every week can be turned into task-hours a month: a schedule that names
 * days of the month, months or years, `rate(...)` or `at(...)` is reported as unsupported.
 *
 * @internal
 */
export interface WeeklyCron {
  /** Minutes after Monday 00:00 at which the action fires, sorted (0 .. 10079). */
  readonly minutesOfWeek: number[];
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTES_PER_DAY = 24 * 60;

/** The values of one cron field (`*`, `5`, `1-5`, `MON-FRI`, `0,30`, `0/15`). */
function expandField(field: string, min: number, max: number, names?: string[]): number[] | undefined {
  const value = (token: string): number | undefined => {
    const upper = token.toUpperCase();
    if (names && names.includes(upper)) {
      // EventBridge numbers days of the week 1 (SUN) .. 7 (SAT)
      return names.indexOf(upper) + 1;
    }
    return /^\d+$/.test(token) ? Number(token) : undefined;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (from === undefined || to === undefined || from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Parses `cron(...)` into the minutes of the week at which it fires; undefined when the
 * expression does not repeat weekly.
 *
 * @internal
 */
export function parseWeeklyCron(expression: string): WeeklyCron | undefined {
  const match = /^cron\((.*)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minutesField, hoursField, domField, monthField, dowField, yearField] = fields;
  // Only weekly patterns: every day of the month, every month, every year.
  if (!['*', '?'].includes(domField) || monthField !== '*' || !['*', '?'].includes(yearField)) return undefined;
  const minutes = expandField(minutesField, 0, 59);
  const hours = expandField(hoursField, 0, 23);
  const days = expandField(dowField, 1, 7, DAY_NAMES);
  if (!minutes || !hours || !days) return undefined;
  const minutesOfWeek: number[] = [];
  for (const day of days) {
    // Monday is day 0 of our week; EventBridge's 1 is Sunday.
    const dayIndex = (day + 5) % 7;
    for (const hour of hours) {
      for (const minute of minutes) minutesOfWeek.push(dayIndex * MINUTES_PER_DAY + hour * 60 + minute);
    }
  }
  return { minutesOfWeek: minutesOfWeek.sort((a, b) => a - b) };
}

/** A capacity change at a minute of the week. @internal */
export interface CapacityChange {
  readonly minuteOfWeek: number;
  readonly minCapacity: number;
}

/**
 * Hours per week spent at each minimum capacity, given the capacity changes of a week (they
 * repeat every week; with none, `initial` holds all week).
 *
 * @returns capacity -> hours per week (sums to 168)
 * @internal
 */
export function weeklyHoursAtCapacity(changes: CapacityChange[], initial: number): Map<number, number> {
  const result = new Map<number, number>();
  const add = (capacity: number, minutes: number) => {
    if (minutes > 0) result.set(capacity, (result.get(capacity) ?? 0) + minutes / 60);
  };
  const week = 7 * MINUTES_PER_DAY;
  if (changes.length === 0) {
    add(initial, week);
    return result;
  }
  const sorted = [...changes].sort((a, b) => a.minuteOfWeek - b.minuteOfWeek);
  // Before the first change of the week, the last change of the previous week holds.
  let capacity = sorted[sorted.length - 1].minCapacity;
  let since = 0;
  for (const change of sorted) {
    add(capacity, change.minuteOfWeek - since);
    capacity = change.minCapacity;
    since = change.minuteOfWeek;
  }
  add(capacity, week - since);
  return result;
}
