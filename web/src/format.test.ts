import { describe, expect, it } from 'vitest';
import {
  addDays, bucketLabel, compactAmount, formatAmount, formatDate, formatDays, formatShare,
  formatTimestamp,
  groupThousands, humanize, isIsoDate, isNegativeAmount, isZeroAmount, localDate, methodLabel,
  startOfMonth,
} from './format.ts';

describe('formatAmount', () => {
  it.each([
    ['0', '0.00'],
    ['0.5', '0.50'],
    ['12', '12.00'],
    ['999.99', '999.99'],
    ['1000', '1,000.00'],
    ['1234.5', '1,234.50'],
    ['-1234.56', '-1,234.56'],
    ['1234567.89', '1,234,567.89'],
    ['-1234567890123456.78', '-1,234,567,890,123,456.78'], // beyond float precision: exact
    ['+42.10', '42.10'],
    ['-0.00', '0.00'],
    ['007.10', '7.10'],
    ['1.2345', '1.2345'], // more decimals than the currency: kept, never rounded
  ])('%s -> %s', (input, expected) => {
    expect(formatAmount(input)).toBe(expected);
  });

  it('honours the currency exponent', () => {
    expect(formatAmount('1234567', 0)).toBe('1,234,567');
    expect(formatAmount('1.5', 3)).toBe('1.500');
  });

  it.each([[null], [undefined], ['']])('shows %s as a dash', (v) => {
    expect(formatAmount(v)).toBe('—');
  });

  it('returns text that is not a decimal unchanged', () => {
    expect(formatAmount('n/a')).toBe('n/a');
    expect(formatAmount('1e5')).toBe('1e5');
  });
});

describe('sign helpers', () => {
  it.each([
    ['-0.01', true, false],
    ['-0.00', false, true],
    ['0', false, true],
    ['12.00', false, false],
    ['-12', true, false],
  ])('%s negative=%s zero=%s', (v, negative, zero) => {
    expect(isNegativeAmount(v)).toBe(negative);
    expect(isZeroAmount(v)).toBe(zero);
  });
});

describe('groupThousands', () => {
  it.each([['1', '1'], ['123', '123'], ['1234', '1,234'], ['123456', '123,456'],
    ['1234567', '1,234,567']])('%s -> %s', (a, b) => expect(groupThousands(a)).toBe(b));
});

describe('compactAmount', () => {
  it.each([
    [0, '0'], [950, '950'], [1000, '1K'], [12345, '12.3K'], [999999, '1M'], [999400, '999K'],
    [999.6, '1K'],
    [1500000, '1.5M'], [250000000, '250M'], [-4200, '-4.2K'], [3.2e9, '3.2B'],
  ])('%d -> %s', (n, s) => expect(compactAmount(n)).toBe(s));
});

describe('formatShare', () => {
  it('gives a percentage with one decimal, or a dash for an empty whole', () => {
    expect(formatShare(1, 3)).toBe('33.3%');
    expect(formatShare(5, 0)).toBe('—');
  });
});

describe('dates', () => {
  it('shows business dates as YYYY-MM-DD', () => {
    expect(formatDate('2025-02-03')).toBe('2025-02-03');
    expect(formatDate('2025-02-03T10:00:00.000Z')).toBe('2025-02-03');
    expect(formatDate(null)).toBe('—');
  });

  it('shows timestamps in local time as YYYY-MM-DD HH:MM', () => {
    const d = new Date(2025, 0, 5, 7, 3);
    expect(formatTimestamp(d.toISOString())).toBe('2025-01-05 07:03');
    expect(formatTimestamp(undefined)).toBe('—');
  });

  it('gives the local calendar date', () => {
    expect(localDate(new Date(2024, 1, 29, 23, 59))).toBe('2024-02-29');
  });

  it.each([
    ['2024-02-29', true], ['2023-02-29', false], ['2025-13-01', false], ['2025-1-1', false],
    ['', false],
  ])('isIsoDate(%s) = %s', (s, ok) => expect(isIsoDate(s)).toBe(ok));

  it('does calendar arithmetic across month and year ends', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(startOfMonth('2025-03-15')).toBe('2025-03-01');
    expect(startOfMonth('2025-02-28', 3)).toBe('2024-11-01');
  });

  it('leaves days past due blank when not late', () => {
    expect(formatDays(0)).toBe('');
    expect(formatDays(-3)).toBe('');
    expect(formatDays(1234)).toBe('1,234');
  });
});

describe('labels', () => {
  it('names payment methods and codes', () => {
    expect(methodLabel('route_cash')).toBe('Route-driver cash');
    expect(methodLabel('ach')).toBe('ACH');
    expect(methodLabel(null)).toBe('—');
    expect(humanize('on_hold')).toBe('On hold');
    expect(humanize('ap')).toBe('AP');
    expect(bucketLabel('current')).toBe('Current');
    expect(bucketLabel('1-30')).toBe('1-30');
  });
});
