import { daysBetween, type IsoDate } from '../dates.ts';
import { assert } from '../result.ts';

// Figures of the collections reports for managers: rates and per-day averages (the agency
// commission is agency.ts's). Integers only: rates in basis points (1/100 of a percent),
// averages in hundredths.

/** Half up, for non-negative integers: round(numerator / denominator). */
function divideRounded(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/**
 * `part` of `whole` in basis points, half up; null when `whole` is 0 (no rate to speak of).
 * @example rateBp(2, 3) // 6667 (66.67%)
 */
export function rateBp(part: number, whole: number): number | null {
  assert(Number.isSafeInteger(part) && Number.isSafeInteger(whole) && part >= 0 && whole >= 0,
    'rate of non-negative integers');
  if (whole === 0) return null;
  return Number(divideRounded(BigInt(part) * 10_000n, BigInt(whole)));
}

/** Monday to Friday from `from` to `to`, both included (0 when `to` is before `from`). */
export function weekdaysBetween(from: IsoDate, to: IsoDate): number {
  const days = daysBetween(from, to) + 1;
  if (days <= 0) return 0;
  // 1970-01-01 was a Thursday: day number mod 7 is 0 on Thursdays, 3 on Sundays.
  const start = (((daysBetween('1970-01-01', from) % 7) + 7) % 7);
  let weekdays = Math.floor(days / 7) * 5;
  for (let i = 0; i < days % 7; i++) {
    const weekday = (start + i) % 7;
    if (weekday !== 2 && weekday !== 3) weekdays++;
  }
  return weekdays;
}

/**
 * An average per day in hundredths, half up; null over no days.
 * @example perDayHundredths(7, 2) // 350 (3.50 a day)
 */
export function perDayHundredths(count: number, days: number): number | null {
  assert(Number.isSafeInteger(count) && count >= 0 && Number.isSafeInteger(days) && days >= 0,
    'non-negative integers');
  if (days === 0) return null;
  return Number(divideRounded(BigInt(count) * 100n, BigInt(days)));
}
