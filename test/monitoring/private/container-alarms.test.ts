import { ServiceSchedule } from '../../../src';
import { inHoursCondition } from '../../../src/monitoring/private/container-alarms';

const minuteOfDay = (id: string) => `(HOUR(${id}) * 60 + MINUTE(${id}))`;

describe('inHoursCondition', () => {
  test('always on: the series itself (a time series, never a scalar: IF(S, TS, S) is no valid syntax)', () => {
    expect(inHoursCondition(ServiceSchedule.ALWAYS_ON, 'clock')).toBe('clock');
  });

  test('weekdays 7-19: Monday to Friday, from 07:15 (start plus 15 minutes of grace) until 19:00 UTC', () => {
    expect(inHoursCondition(ServiceSchedule.weekdays(7, 19), 'tasks'))
      .toBe('DAY(tasks) < 6 AND (HOUR(tasks) * 60 + MINUTE(tasks)) >= 435 AND (HOUR(tasks) * 60 + MINUTE(tasks)) < 1140');
  });

  test('daily 0-24: every day, from 00:15 until midnight, without a day condition', () => {
    expect(inHoursCondition(ServiceSchedule.daily(0, 24), 'tasks'))
      .toBe('(HOUR(tasks) * 60 + MINUTE(tasks)) >= 15 AND (HOUR(tasks) * 60 + MINUTE(tasks)) < 1440');
  });

  test('uses the given metric id everywhere', () => {
    const condition = inHoursCondition(ServiceSchedule.weekdays(20, 24), 'm1');
    expect(condition).toBe(`DAY(m1) < 6 AND ${minuteOfDay('m1')} >= 1215 AND ${minuteOfDay('m1')} < 1440`);
    expect(condition).not.toContain('tasks');
  });

  test('daily 6-22 starts at 06:15 and ends at 22:00', () => {
    expect(inHoursCondition(ServiceSchedule.daily(6, 22), 'x')).toBe(`${minuteOfDay('x')} >= 375 AND ${minuteOfDay('x')} < 1320`);
  });
});
