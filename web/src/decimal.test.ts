import { describe, expect, it } from 'vitest';
import {
  absDecimal, centsToDecimal, parseCents, subtractDecimals, sumDecimals,
} from './decimal.ts';

describe('parseCents', () => {
  it.each([
    ['0', 0n], ['12', 1200n], ['12.3', 1230n], ['12.34', 1234n], ['-12.34', -1234n],
    ['1,234.50', 123450n], [' 7 ', 700n], ['.5', 50n], ['5.', 500n],
    ['90071992547409.93', 9007199254740993n], // past Number.MAX_SAFE_INTEGER: still exact
  ])('%s -> %s', (text, cents) => expect(parseCents(text)).toBe(cents));

  it.each([[''], ['-'], ['.'], ['1.234'], ['abc'], ['1e3'], ['--1'], ['1.2.3']])(
    'refuses %j', (text) => expect(parseCents(text)).toBeNull());

  it('uses the currency exponent', () => {
    expect(parseCents('1234', 0)).toBe(1234n);
    expect(parseCents('1.5', 0)).toBeNull();
    expect(parseCents('1.234', 3)).toBe(1234n);
  });
});

describe('centsToDecimal', () => {
  it.each([[0n, '0.00'], [5n, '0.05'], [-5n, '-0.05'], [123450n, '1234.50'],
    [-100n, '-1.00']])('%s -> %s', (c, s) => expect(centsToDecimal(c)).toBe(s));

  it('round-trips with parseCents', () => {
    for (const s of ['0.01', '-0.99', '1000000.00', '-123456789.12']) {
      expect(centsToDecimal(parseCents(s) ?? 0n)).toBe(s);
    }
  });
});

describe('arithmetic', () => {
  it('adds and subtracts without floating point error', () => {
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30');
    expect(sumDecimals([])).toBe('0.00');
    expect(subtractDecimals('100.00', '33.33')).toBe('66.67');
    expect(absDecimal('-12.50')).toBe('12.50');
  });
});
