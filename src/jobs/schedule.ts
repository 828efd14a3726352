import { addDays, daysBetween, isoDateOf, type IsoDate } from '../domain/dates.ts';

// When a scheduled job is due, as a slot name: the key its run claims in job_runs. Pure: the
// instant comes in as an argument. Times of day are UTC, like the business date (isoDateOf).

export type Cadence = 'daily' | 'weekly';

/** A time of day in UTC, e.g. 02:00. */
export interface TimeOfDay {
  hour: number;
  minute: number;
}

export interface Slot {
  /** "2026-11-20" (daily) or "2026-W47" (weekly, ISO week, due from Monday). */
  slot: string;
  /** The business date the run works as of: the slot's day, or the day it runs (weekly). */
  asOf: IsoDate;
}

const MINUTE_MS = 60_000;

/** "02:00" -> { hour: 2, minute: 0 }; undefined when it is not HH:MM (24-hour). */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
}

/**
 * The latest slot due at `now`: a daily slot from its day's `at`, a weekly one from Monday's.
 * Before today's `at` the due daily slot is yesterday's (a slot an instance missed while down
 * is still run, once; older ones are not caught up).
 * @example dueSlot(new Date('2026-11-20T01:00Z'), 'daily', { hour: 2, minute: 0 })
 *   // { slot: '2026-11-19', asOf: '2026-11-19' }
 */
export function dueSlot(now: Date, cadence: Cadence, at: TimeOfDay): Slot {
  const shifted = isoDateOf(new Date(now.getTime() - (at.hour * 60 + at.minute) * MINUTE_MS));
  if (cadence === 'daily') return { slot: shifted, asOf: shifted };
  return { slot: isoWeek(shifted), asOf: isoDateOf(now) };
}

/** The slot that holds business date `date` (a run by hand for that day). */
export function slotOf(date: IsoDate, cadence: Cadence): string {
  return cadence === 'daily' ? date : isoWeek(date);
}

/** Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday). */
export function isoWeekday(date: IsoDate): number {
  return ((((daysBetween('1970-01-01', date) + 3) % 7) + 7) % 7) + 1;
}

/**
 * The ISO 8601 week of a date, "YYYY-Www": weeks start on Monday and week 1 holds the year's
 * first Thursday, so 2027-01-01 (a Friday) is in 2026-W53.
 */
export function isoWeek(date: IsoDate): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
