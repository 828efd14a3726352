import { assert, err, ok, type Result } from './result.ts';

/** An amount in integer minor units (cents for USD). Never a float. */
export type Cents = number & { readonly __brand: 'Cents' };

/** Asserts `n` is a safe integer and brands it as cents. */
export function cents(n: number): Cents {
  // The message is built only on failure: this runs for every amount of every report row.
  if (!Number.isSafeInteger(n)) assert(false, `cents must be a safe integer, got ${n}`);
  return n as Cents;
}

export const ZERO = 0 as Cents;

/** ISO 4217 minor-unit exponents that differ from 2. */
const EXPONENTS: Record<string, number> = {
  JPY: 0, KRW: 0, CLP: 0, ISK: 0, VND: 0, XAF: 0, XOF: 0, HUF: 2,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, LYD: 3, IQD: 3,
};

export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

export function isCurrencyCode(s: string): boolean {
  return /^[A-Z]{3}$/.test(s);
}

export type ParseAmountError =
  | { code: 'amount_empty' }
  | { code: 'amount_not_a_number' }
  | { code: 'amount_too_precise'; decimalsMax: number }
  | { code: 'amount_too_large' };

const DECIMAL = /^([+-])?(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/;

/**
 * Parses a decimal string straight to minor units, without floats.
 * Accepts "1234.56", "-12.5", "1,234.56", ".5"; extra zero decimals beyond the exponent are
 * allowed ("10.500" is 1050) but significant ones are refused rather than rounded.
 * @example parseAmount('1,234.5') // ok(123450)
 */
export function parseAmount(text: string, exponent = 2): Result<Cents, ParseAmountError> {
  const s = text.trim();
  if (s === '') return err({ code: 'amount_empty' });
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) {
    return err({ code: 'amount_not_a_number' });
  }
  const whole = (m[2] ?? '').replace(/,/g, '') || '0';
  let frac = m[3] ?? '';
  if (frac.length > exponent) {
    if (/[^0]/.test(frac.slice(exponent))) {
      return err({ code: 'amount_too_precise', decimalsMax: exponent });
    }
    frac = frac.slice(0, exponent);
  }
  const digits = whole + frac.padEnd(exponent, '0');
  const big = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    return err({ code: 'amount_too_large' });
  }
  return ok(Number(big) as Cents);
}

/**
 * Formats minor units as a plain decimal string: 123456 -> "1234.56", -5 -> "-0.05".
 * With `grouping`, thousands are separated: "1,234.56".
 */
export function formatAmount(amount: number, exponent = 2, grouping = false): string {
  // The message is built only on failure: this runs for every amount of every report row.
  if (!Number.isSafeInteger(amount)) assert(false, `amount must be a safe integer, got ${amount}`);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  let whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const frac = exponent === 0 ? '' : digits.slice(-exponent);
  if (grouping) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (negative ? '-' : '') + whole + (frac ? '.' + frac : '');
}

/** Sums amounts, asserting the result stays a safe integer. */
export function sum(amounts: Iterable<number>): Cents {
  let total = 0;
  for (const a of amounts) total += a;
  return cents(total);
}

/**
 * Spreads `total` over `weights` in proportion, deterministically: the parts always sum to
 * `total`; the remainder from rounding down goes one unit at a time to the largest fractional
 * parts, ties to the earliest. Weights must be non-negative with a positive sum.
 * @example allocate(100, [1, 1, 1]) // [34, 33, 33]
 */
export function allocate(total: number, weights: readonly number[]): Cents[] {
  assert(Number.isSafeInteger(total), 'total must be a safe integer');
  assert(weights.length > 0, 'allocate needs at least one weight');
  assert(weights.every((w) => Number.isSafeInteger(w) && w >= 0), 'weights: safe integers >= 0');
  const weightSum = weights.reduce((a, b) => a + b, 0);
  assert(weightSum > 0, 'weights must not all be zero');
  const sign = total < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(total));
  const wsum = BigInt(weightSum);
  const parts = weights.map((w) => (abs * BigInt(w)) / wsum);
  const rems = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % wsum }));
  let left = abs - parts.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of rems) {
    if (left === 0n) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p * sign) as Cents);
}
