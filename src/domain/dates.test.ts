import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, addMonths, daysBetween, endOfMonth, isIsoDate } from './dates.ts';

describe('dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-12-31', true],
  ])('isIsoDate(%s) = %s', (s, expected) => expect(isIsoDate(s)).toBe(expected));

  it('isIsoDate agrees with the calendar (Date round trip) on any YYYY-MM-DD-shaped text', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(fc.property(fc.integer({ min: 0, max: 9999 }), twoDigits, twoDigits, (y, m, d) => {
      const s = `${String(y).padStart(4, '0')}-${m}-${d}`;
      const t = new Date(`${s}T00:00:00Z`);
      const real = !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === s;
      expect(isIsoDate(s)).toBe(real);
    }), { numRuns: 5000 });
    for (const s of ['1900-02-29', '2000-02-29', '2100-02-29', '2024-2-29', '2024-02-2x',
      '２０２４-02-01', '2024/02/01', ' 2024-02-01']) {
      expect(isIsoDate(s)).toBe(s === '2000-02-29');
    }
  });

  it('counts calendar days across DST changes and leap years', () => {
    expect(daysBetween('2026-03-01', '2026-03-31')).toBe(30);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-12-31', '2025-01-01')).toBe(-364);
    expect(addDays('2026-10-31', 1)).toBe('2026-11-01');
  });

  it('adds months clamping to the month length', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-15', -6)).toBe('2026-05-15');
    expect(addMonths('2026-12-10', 1)).toBe('2027-01-10');
    expect(endOfMonth('2026-02-10')).toBe('2026-02-28');
  });

  it('addDays and daysBetween are inverse', () => {
    fc.assert(
      fc.property(fc.integer({ min: -20000, max: 20000 }), fc.integer({ min: -400, max: 400 }), (d, n) => {
        const base = addDays('2000-01-01', d);
        expect(daysBetween(base, addDays(base, n))).toBe(n);
      }),
    );
  });
});
