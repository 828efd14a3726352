// Money arithmetic for the browser without floating point: amounts arrive from the API as decimal
// strings ("-1234.50") and become bigint minor units (cents) only where the screen must add or
// compare them (the payment apply step). Display formatting lives in format.ts.

const INPUT = /^(-)?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a decimal string ("1234.5", "-12", user input like "1,234.50") into minor units.
 * Returns null for anything that is not a number with at most `exponent` decimals.
 * @example parseCents('1,234.5') // 123450n
 */
export function parseCents(text: string, exponent = 2): bigint | null {
  const compact = text.trim().replace(/,/g, '');
  const m = INPUT.exec(compact);
  if (!m) return null;
  const whole = m[2] ?? '';
  const frac = m[3] ?? '';
  if (whole === '' && frac === '') return null;
  if (frac.length > exponent) return null;
  const digits = (whole || '0') + frac.padEnd(exponent, '0');
  const value = BigInt(digits);
  return m[1] ? -value : value;
}

/** Minor units back to the API's decimal string: 123450n -> "1234.50", -5n -> "-0.05". */
export function centsToDecimal(value: bigint, exponent = 2): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const frac = exponent === 0 ? '' : '.' + digits.slice(-exponent);
  return (negative ? '-' : '') + whole + frac;
}

/** Sums decimal strings exactly; a string that does not parse is a programmer error. */
export function sumDecimals(values: readonly string[], exponent = 2): string {
  let total = 0n;
  for (const v of values) {
    const c = parseCents(v, exponent);
    if (c === null) throw new Error(`not a decimal amount: ${v}`);
    total += c;
  }
  return centsToDecimal(total, exponent);
}

/** Subtracts two decimal strings exactly (a - b). */
export function subtractDecimals(a: string, b: string, exponent = 2): string {
  const x = parseCents(a, exponent);
  const y = parseCents(b, exponent);
  if (x === null || y === null) throw new Error(`not a decimal amount: ${a} / ${b}`);
  return centsToDecimal(x - y, exponent);
}

export function minCents(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function absCents(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** "-12.50" -> "12.50"; a payment's amount (a credit, negative) as the amount received. */
export function absDecimal(value: string): string {
  return value.trim().replace(/^[-+]/, '');
}
