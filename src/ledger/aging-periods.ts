import type { Db, Queryable } from '../db/connection.ts';
import { AGING_PERIODS_KEPT, keptMonthEnds } from '../domain/aging.ts';
import type { IsoDate } from '../domain/dates.ts';

// The month ends the aging keeps as bases for past dates (migration 031): built once a month
// has passed, dropped after a year and one, rebuilt when a large back-dated write dropped them.

/** What keepAgingPeriods did. */
export interface AgingPeriodsResult {
  /** The kept month ends, newest first. */
  kept: IsoDate[];
  built: { periodEnd: IsoDate; ms: number }[];
  dropped: IsoDate[];
}

/** How long a build waits for the writers in flight before it gives way and tries again. */
const LOCK_WAIT_MS = 500;
const LOCK_TRIES = 20;

/**
 * Keeps the month ends before `asOf` (keptMonthEnds): drops the others, builds those missing (or
 * left unfinished by a build that stopped), newest first, each in the three steps of migration
 * 031: announce and finish hold aging_periods in ACCESS EXCLUSIVE mode for a moment (they wait
 * for the writers in flight), the computation in between holds no lock writers wait for. The
 * lock is asked with a short timeout, shorter than PostgreSQL's deadlock check: a build queued
 * behind a writer that itself waits for one queued behind the build gives way, instead of the
 * writer being cancelled as a deadlock; it tries again a moment later. `rebuild` builds every
 * kept month end again.
 */
export async function keepAgingPeriods(
  db: Db, asOf: IsoDate, options: { count?: number; rebuild?: boolean } = {},
): Promise<AgingPeriodsResult> {
  const wanted = keptMonthEnds(asOf, options.count ?? AGING_PERIODS_KEPT);
  const existing = (await db.query<{ end: string; ready: boolean }>(
    'SELECT period_end::text AS end, ready FROM aging_periods ORDER BY period_end DESC')).rows;
  const dropped = existing.map((p) => p.end).filter((end) => !wanted.includes(end));
  if (dropped.length > 0) {
    await exclusively(db, (tx) => tx.query(
      'DELETE FROM aging_periods WHERE period_end = ANY ($1::date[])', [dropped]));
  }
  const built: AgingPeriodsResult['built'] = [];
  for (const periodEnd of wanted) {
    if (!options.rebuild && existing.some((p) => p.end === periodEnd && p.ready)) continue;
    const started = performance.now();
    await buildAgingPeriod(db, periodEnd);
    built.push({ periodEnd, ms: Math.round(performance.now() - started) });
  }
  return { kept: wanted, built, dropped };
}

/**
 * Builds (or builds again) the period ending `periodEnd`: announce, compute, finish (migration
 * 031). `between` runs after the computation, before the finish (tests: a write then).
 */
export async function buildAgingPeriod(
  db: Db, periodEnd: IsoDate, between?: () => Promise<void>,
): Promise<void> {
  await exclusively(db, async (tx) => {
    await tx.query('DELETE FROM aging_periods WHERE period_end = $1::date', [periodEnd]);
    await tx.query('INSERT INTO aging_periods (period_end) VALUES ($1::date)', [periodEnd]);
  });
  await db.transaction((tx) => tx.query('SELECT write_aging_period($1::date, NULL)', [periodEnd]));
  await between?.();
  let finished = false;
  await exclusively(db, async (tx) => {
    finished = (await tx.query<{ ok: boolean }>('SELECT finish_aging_period($1::date) AS ok',
      [periodEnd])).rows[0]?.ok === true;
  });
  if (!finished) {
    throw new Error(`aging period ${periodEnd} was dropped while it was built (a large`
      + ' back-dated write): it is built again on the next run');
  }
}

async function exclusively(db: Db, work: (tx: Queryable) => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async (tx) => {
        if (db.kind === 'postgres') {
          await tx.query(`SET LOCAL lock_timeout = '${LOCK_WAIT_MS}ms'`);
          await tx.query('LOCK TABLE aging_periods IN ACCESS EXCLUSIVE MODE');
          await tx.query('SET LOCAL lock_timeout = 0');
        }
        await work(tx);
      });
      return;
    } catch (e) {
      const lockTimeout = (e as { code?: string }).code === '55P03';
      if (!lockTimeout || attempt >= LOCK_TRIES) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
