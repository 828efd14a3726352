import { describe, expect, it } from 'vitest';
import { dueSlot, isoWeek, isoWeekday, parseTimeOfDay, slotOf } from './schedule.ts';

const TWO_AM = { hour: 2, minute: 0 };

describe('dueSlot', () => {
  it.each([
    // now (UTC), cadence, at, expected slot, expected asOf
    ['2026-11-20T02:00:00Z', 'daily', TWO_AM, '2026-11-20', '2026-11-20'],
    ['2026-11-20T01:59:59Z', 'daily', TWO_AM, '2026-11-19', '2026-11-19'],
    ['2026-11-20T23:59:00Z', 'daily', TWO_AM, '2026-11-20', '2026-11-20'],
    ['2026-11-20T00:00:00Z', 'daily', { hour: 0, minute: 0 }, '2026-11-20', '2026-11-20'],
    ['2026-11-21T00:29:00Z', 'daily', { hour: 23, minute: 30 }, '2026-11-20', '2026-11-20'],
    // Weekly: due from Monday at the time; Friday's tick still names that week.
    ['2026-11-16T02:00:00Z', 'weekly', TWO_AM, '2026-W47', '2026-11-16'],
    ['2026-11-20T12:00:00Z', 'weekly', TWO_AM, '2026-W47', '2026-11-20'],
    ['2026-11-16T01:00:00Z', 'weekly', TWO_AM, '2026-W46', '2026-11-16'],
  ] as const)('%s %s at %o: %s', (now, cadence, at, slot, asOf) => {
    expect(dueSlot(new Date(now), cadence, at)).toEqual({ slot, asOf });
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-11-16', 1, '2026-W47'],
    ['2026-11-22', 7, '2026-W47'],
    ['2026-01-01', 4, '2026-W01'],
    ['2025-12-29', 1, '2026-W01'],
    ['2027-01-01', 5, '2026-W53'],
    ['2024-12-30', 1, '2025-W01'],
    ['2021-01-03', 7, '2020-W53'],
    ['1969-12-31', 3, '1970-W01'],
  ])('%s is weekday %i of %s', (date, weekday, week) => {
    expect(isoWeekday(date)).toBe(weekday);
    expect(isoWeek(date)).toBe(week);
  });

  it('a run by hand takes the slot of its business date', () => {
    expect(slotOf('2026-11-20', 'daily')).toBe('2026-11-20');
    expect(slotOf('2026-11-20', 'weekly')).toBe('2026-W47');
  });
});

describe('parseTimeOfDay', () => {
  it.each([
    ['02:00', { hour: 2, minute: 0 }], ['23:59', { hour: 23, minute: 59 }],
    [' 00:05 ', { hour: 0, minute: 5 }], ['2:00', undefined], ['24:00', undefined],
    ['12:60', undefined], ['noon', undefined],
  ])('%j', (text, expected) => expect(parseTimeOfDay(text)).toEqual(expected));
});
