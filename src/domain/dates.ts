import { assert } from './result.ts';

/** A business date as an ISO calendar date string, "YYYY-MM-DD". No time, no zone. */
export type IsoDate = string;

const DAY_MS = 86_400_000;

/** True when `s` is a real calendar date in YYYY-MM-DD form (rejects 2025-02-30). */
export function isIsoDate(s: string): boolean {
  return parseIsoDate(s) !== null;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * [year, month, day] of a real calendar date in YYYY-MM-DD form, else null. By character codes:
 * it runs for every date of every report row (ages, days past due).
 */
function parseIsoDate(s: string): [number, number, number] | null {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45
    || s.charCodeAt(7) !== 45) return null;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return [y, mo, d];
}

/** The decimal number in s[from, to), or -1 when a character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function toDayNumber(date: IsoDate): number {
  const p = parseIsoDate(date);
  if (p === null) assert(false, `not an ISO date: ${date}`);
  return Date.UTC(p[0], p[1] - 1, p[2]) / DAY_MS;
}

function fromDayNumber(n: number): IsoDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (positive when `to` is later). UTC arithmetic. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 = Feb 28). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  const td = Math.min(d, daysInMonth(ty, tm));
  return `${String(ty).padStart(4, '0')}-${String(tm).padStart(2, '0')}-${String(td).padStart(2, '0')}`;
}

export function endOfMonth(date: IsoDate): IsoDate {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return `${date.slice(0, 7)}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

export function maxDate(a: IsoDate, b: IsoDate): IsoDate {
  return a >= b ? a : b;
}

/** The UTC calendar date of an instant; callers pass the clock in (the domain never reads it). */
export function isoDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}
