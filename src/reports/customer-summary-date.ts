import type { Db } from '../db/connection.ts';
import type { IsoDate } from '../domain/dates.ts';

const SUMMARY_LOCK = 7_310_005;
let knownDate: string | undefined;

/**
 * Moves the customer summaries' past-due date to `today` when the business date has changed
 * (once a day; several instances take turns through an advisory lock).
 */
export async function ensureSummaryDate(db: Db, today: IsoDate): Promise<void> {
  if (knownDate === today) return;
  const r = await db.query<{ d: string }>(`SELECT summary_date()::text AS d`);
  if (r.rows[0]?.d !== today) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SUMMARY_LOCK]);
      const again = await tx.query<{ d: string }>(`SELECT summary_date()::text AS d`);
      if (again.rows[0]?.d !== today) {
        await tx.query('SELECT refresh_all_customer_summaries($1::date)', [today]);
      }
    });
  }
  knownDate = today;
}

/** For tests that move the clock between calls in one process. */
export function forgetSummaryDate(): void {
  knownDate = undefined;
}
