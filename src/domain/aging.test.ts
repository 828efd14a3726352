import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths } from './dates.ts';
import {
  keptMonthEnds,
  addToAging, ageDays, bucketIndex, bucketLabels, bucketLowerBounds, DEFAULT_THRESHOLDS,
  emptyAmounts, isConsistent, isValidThresholds, parseThresholds, sumAging,
} from './aging.ts';

describe('parseThresholds', () => {
  const cases: [string, number[] | string][] = [
    ['30,45,60,90,120', [30, 45, 60, 90, 120]],
    [' 7 , 14 ', [7, 14]],
    ['1', [1]],
    ['3650', [3650]],
    ['30,20', '20 does not exceed 30'],
    ['30,30', '30 does not exceed 30'],
    ['0,30', '0 is not between 1 and 3650'],
    ['3651', '3651 is not between 1 and 3650'],
    ['', '"" is not a whole number of days'],
    ['30,', '"" is not a whole number of days'],
    ['-5', '"-5" is not a whole number of days'],
    ['1.5', '"1.5" is not a whole number of days'],
    ['30;60', '"30;60" is not a whole number of days'],
    ['1,2,3,4,5,6,7,8,9,10,11,12,13', 'at most 12 thresholds'],
  ];
  it.each(cases)('%j -> %j', (text, expected) => {
    const r = parseThresholds(text);
    if (Array.isArray(expected)) expect(r).toEqual({ ok: true, value: expected });
    else expect(r).toEqual({ ok: false, error: { code: 'buckets_invalid', text, reason: expected } });
  });

  it('agrees with isValidThresholds', () => {
    expect(isValidThresholds([30, 60])).toBe(true);
    expect(isValidThresholds([60, 30])).toBe(false);
    expect(isValidThresholds([])).toBe(false);
    expect(isValidThresholds([1.5])).toBe(false);
  });
});

describe('buckets', () => {
  it('derive their labels from the thresholds', () => {
    expect(bucketLabels(DEFAULT_THRESHOLDS)).toEqual(
      ['current', '1-30', '31-45', '46-60', '61-90', '91-120', '120+']);
    expect(bucketLabels([7])).toEqual(['current', '1-7', '7+']);
    expect(bucketLowerBounds([30, 60])).toEqual([1, 31, 61]);
  });

  // Every boundary of the default buckets: the age and the label it falls in.
  const boundaries: [number, string][] = [
    [-5, 'current'], [0, 'current'], [1, '1-30'], [30, '1-30'], [31, '31-45'], [45, '31-45'],
    [46, '46-60'], [60, '46-60'], [61, '61-90'], [90, '61-90'], [91, '91-120'],
    [120, '91-120'], [121, '120+'], [5000, '120+'],
  ];
  it.each(boundaries)('age %i is in %s', (age, label) => {
    expect(bucketLabels(DEFAULT_THRESHOLDS)[bucketIndex(age, DEFAULT_THRESHOLDS)]).toBe(label);
  });

  it('age from the due date or the document date, in calendar days', () => {
    const item = { documentDate: '2026-01-31', dueDate: '2026-03-02' };
    expect(ageDays(item, '2026-03-01', 'due')).toBe(-1);
    expect(ageDays(item, '2026-03-01', 'invoice')).toBe(29);
    expect(ageDays(item, '2028-03-02', 'due')).toBe(731);
  });
});

describe('aging amounts', () => {
  it('put debits in buckets and credits in unapplied', () => {
    const line = emptyAmounts(7);
    expect(addToAging(line, 10_000, 31, DEFAULT_THRESHOLDS)).toBe('31-45');
    expect(addToAging(line, 500, -3, DEFAULT_THRESHOLDS)).toBe('current');
    expect(addToAging(line, -2_500, 400, DEFAULT_THRESHOLDS)).toBe('unapplied');
    expect(line).toEqual({
      totalCents: 8_000, unappliedCents: -2_500, amountsCents: [500, 0, 10_000, 0, 0, 0, 0],
    });
  });

  it('always sum to the total, per line and across lines (property)', () => {
    const thresholds = fc.uniqueArray(fc.integer({ min: 1, max: 3650 }), {
      minLength: 1, maxLength: 12,
    }).map((xs) => xs.sort((a, b) => a - b));
    const item = fc.record({
      open: fc.integer({ min: -10_000_000, max: 10_000_000 }),
      age: fc.integer({ min: -400, max: 4000 }),
      line: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(fc.property(thresholds, fc.array(item, { maxLength: 60 }), (ts, items) => {
      const count = ts.length + 2;
      const lines = Array.from({ length: 5 }, () => emptyAmounts(count));
      for (const i of items) addToAging(lines[i.line]!, i.open, i.age, ts);
      const total = sumAging(lines, count);
      expect(lines.every(isConsistent)).toBe(true);
      expect(isConsistent(total)).toBe(true);
      expect(total.totalCents).toBe(items.reduce((s, i) => s + i.open, 0));
      expect(total.unappliedCents).toBe(items.reduce((s, i) => s + Math.min(i.open, 0), 0));
    }));
  });
});

describe('keptMonthEnds', () => {
  it('are the month ends before the business date, newest first', () => {
    expect(keptMonthEnds('2026-11-20', 3)).toEqual(['2026-10-31', '2026-09-30', '2026-08-31']);
    // The month end itself has not passed yet: dated today, writes would refresh it all day.
    expect(keptMonthEnds('2026-11-30', 1)).toEqual(['2026-10-31']);
    expect(keptMonthEnds('2026-12-01', 1)).toEqual(['2026-11-30']);
    expect(keptMonthEnds('2024-03-15', 2)).toEqual(['2024-02-29', '2024-01-31']);
    expect(keptMonthEnds('2026-01-05', 2)).toEqual(['2025-12-31', '2025-11-30']);
  });

  it('keep a year and one by default, each a month end before the date (property)', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'),
      noInvalidDate: true }), (d) => {
      const asOf = d.toISOString().slice(0, 10);
      const ends = keptMonthEnds(asOf);
      expect(ends).toHaveLength(13);
      for (const [i, end] of ends.entries()) {
        expect(end < asOf).toBe(true);
        expect(addDays(end, 1).endsWith('-01')).toBe(true);
        if (i > 0) expect(end < ends[i - 1]!).toBe(true);
      }
      // None is missing: the newest is the last month end before the date.
      expect(addDays(ends[0]!, 1) <= asOf && asOf < addMonths(addDays(ends[0]!, 1), 1))
        .toBe(true);
    }));
  });
});
