import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../dates.ts';
import { perDayHundredths, rateBp, weekdaysBetween } from './reports.ts';

describe('rateBp', () => {
  it.each([
    [0, 0, null], [0, 5, 0], [1, 1, 10_000], [2, 3, 6_667], [1, 3, 3_333], [1, 8, 1_250],
    [1, 20_000, 1], [1, 20_001, 0],
  ])('%i of %i: %s', (part, whole, expected) => expect(rateBp(part, whole)).toBe(expected));
});

describe('weekdaysBetween', () => {
  it.each([
    // 2026-11-16 is a Monday
    ['2026-11-16', '2026-11-16', 1], ['2026-11-16', '2026-11-20', 5],
    ['2026-11-16', '2026-11-22', 5], ['2026-11-21', '2026-11-22', 0],
    ['2026-11-20', '2026-11-23', 2], ['2026-11-01', '2026-11-30', 21],
    ['2026-11-20', '2026-11-19', 0], ['1969-12-29', '1970-01-04', 5],
  ])('%s to %s: %i', (from, to, expected) => expect(weekdaysBetween(from, to)).toBe(expected));

  it('agrees with counting day by day', () => {
    fc.assert(fc.property(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: 0, max: 60 }),
      (offset, length) => {
        const from = addDays('2026-01-01', offset);
        const to = addDays(from, length);
        let n = 0;
        for (let d = from; d <= to; d = addDays(d, 1)) {
          const day = new Date(`${d}T00:00:00Z`).getUTCDay();
          if (day !== 0 && day !== 6) n++;
        }
        expect(weekdaysBetween(from, to)).toBe(n);
      }));
  });
});

describe('perDayHundredths', () => {
  it.each([[7, 2, 350], [0, 5, 0], [1, 3, 33], [2, 3, 67], [5, 0, null]])(
    '%i over %i days: %s', (count, days, expected) => {
      expect(perDayHundredths(count, days)).toBe(expected);
    });
});
