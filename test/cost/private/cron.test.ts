import { parseWeeklyCron, weeklyHoursAtCapacity } from '../../../src/cost/private/cron';

describe('parseWeeklyCron', () => {
  test('weekdays at 07:00 fire on Monday to Friday (minutes after Monday 00:00)', () => {
    const day = 24 * 60;
    expect(parseWeeklyCron('cron(0 7 ? * MON-FRI *)')?.minutesOfWeek).toEqual([0, 1, 2, 3, 4].map(d => d * day + 7 * 60));
  });

  test('numbered days follow EventBridge (1 = Sunday), lists and steps', () => {
    // 1 = SUN is day 6 of a week that starts on Monday
    expect(parseWeeklyCron('cron(30 8 ? * 1 *)')?.minutesOfWeek).toEqual([6 * 24 * 60 + 8 * 60 + 30]);
    expect(parseWeeklyCron('cron(0/30 9 ? * MON *)')?.minutesOfWeek).toEqual([540, 570]);
    expect(parseWeeklyCron('cron(0 9,17 ? * SAT *)')?.minutesOfWeek).toEqual([5 * 1440 + 540, 5 * 1440 + 1020]);
    expect(parseWeeklyCron('cron(0 0 * * ? *)')?.minutesOfWeek).toHaveLength(7);
  });

  test.each([
    ['rate(1 hour)'],
    ['at(2026-12-24T10:00:00)'],
    ['cron(0 7 1 * ? *)'], // a day of the month
    ['cron(0 7 ? 12 MON *)'], // a month
    ['cron(0 7 ? * MON 2027)'], // a year
    ['cron(0 25 ? * MON *)'], // no such hour
    ['cron(0 7 ? * FUNDAY *)'],
    ['cron(0 7 ? * MON)'], // five fields
  ])('%s does not repeat weekly: undefined', expression => {
    expect(parseWeeklyCron(expression)).toBeUndefined();
  });
});

describe('weeklyHoursAtCapacity', () => {
  test('no changes: the initial capacity all week', () => {
    expect(weeklyHoursAtCapacity([], 2)).toEqual(new Map([[2, 168]]));
  });

  test('start 07:00 and stop 19:00 on weekdays: 60 hours at 1, 108 at 0', () => {
    const changes = [0, 1, 2, 3, 4].flatMap(d => [
      { minuteOfWeek: d * 1440 + 7 * 60, minCapacity: 1 },
      { minuteOfWeek: d * 1440 + 19 * 60, minCapacity: 0 },
    ]);
    const hours = weeklyHoursAtCapacity(changes, 5);
    expect(hours.get(1)).toBeCloseTo(60, 9);
    expect(hours.get(0)).toBeCloseTo(108, 9);
    // the initial capacity does not count: the week starts in the state the previous one left
    expect(hours.has(5)).toBe(false);
  });
});
