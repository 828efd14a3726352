import type { Queryable } from '../db/connection.ts';
import { isoInstant } from '../auth/users.ts';
import type { IsoDate } from '../domain/dates.ts';

// The job_runs table (migration 022): the claim that makes a slot run once across instances.

export type JobRunStatus = 'running' | 'succeeded' | 'failed';

export interface JobRun {
  id: number;
  job: string;
  slot: string;
  status: JobRunStatus;
  attempts: number;
  asOf: IsoDate;
  startedBy: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  result: unknown;
  error: string | null;
}

/** A running attempt whose heartbeat is older than this lost its instance; it may be taken. */
export const STALE_AFTER_SECONDS = 300;

const COLUMNS = `id, job, slot, status, attempts, as_of AS "asOf", started_by AS "startedBy",
  started_at AS "startedAt", heartbeat_at AS "heartbeatAt", finished_at AS "finishedAt", result,
  error`;

type Row = Omit<JobRun, 'startedAt' | 'heartbeatAt' | 'finishedAt'> & {
  startedAt: unknown; heartbeatAt: unknown; finishedAt: unknown;
};

function toRun(r: Row): JobRun {
  return { ...r, startedAt: isoInstant(r.startedAt), heartbeatAt: isoInstant(r.heartbeatAt),
    finishedAt: r.finishedAt === null ? null : isoInstant(r.finishedAt) };
}

export interface ClaimInput {
  job: string;
  slot: string;
  asOf: IsoDate;
  by: string;
  /** A failed slot is taken again while it has had fewer attempts; null: no limit (by hand). */
  attemptsMax: number | null;
}

/**
 * Claims (job, slot) in one statement: a new row, or a failed row with attempts left, or a
 * running row whose heartbeat stopped. Of several instances racing, exactly one gets the row
 * (INSERT ... ON CONFLICT locks the existing row and re-checks the condition on its latest
 * version). Undefined when the slot is not free: running elsewhere, succeeded, or out of
 * attempts.
 */
export async function claimJobRun(db: Queryable, c: ClaimInput): Promise<JobRun | undefined> {
  const r = await db.query<Row>(
    `INSERT INTO job_runs AS j (job, slot, status, as_of, started_by)
     VALUES ($1, $2, 'running', $3, $4)
     ON CONFLICT (job, slot) DO UPDATE SET status = 'running', attempts = j.attempts + 1,
       as_of = EXCLUDED.as_of, started_by = EXCLUDED.started_by, started_at = now(),
       heartbeat_at = now(), finished_at = NULL, result = NULL
     WHERE (j.status = 'failed' AND ($5::int IS NULL OR j.attempts < $5::int))
       OR (j.status = 'running' AND j.heartbeat_at < now() - make_interval(secs => $6))
     RETURNING ${COLUMNS}`,
    [c.job, c.slot, c.asOf, c.by, c.attemptsMax, STALE_AFTER_SECONDS]);
  return r.rows[0] ? toRun(r.rows[0]) : undefined;
}

/** Tells other instances the attempt is alive (see STALE_AFTER_SECONDS). */
export async function beatJobRun(db: Queryable, id: number): Promise<void> {
  await db.query(`UPDATE job_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running'`,
    [id]);
}

export async function finishJobRun(
  db: Queryable, id: number, outcome: { result: unknown } | { error: string },
): Promise<JobRun> {
  const failed = 'error' in outcome;
  const r = await db.query<Row>(
    `UPDATE job_runs SET status = $2, finished_at = now(), heartbeat_at = now(),
       result = $3, error = coalesce($4, error)
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, failed ? 'failed' : 'succeeded',
      failed ? null : JSON.stringify(outcome.result ?? null), failed ? outcome.error : null]);
  return toRun(r.rows[0]!);
}

export async function findJobRun(
  db: Queryable, job: string, slot: string,
): Promise<JobRun | undefined> {
  const r = await db.query<Row>(`SELECT ${COLUMNS} FROM job_runs WHERE job = $1 AND slot = $2`,
    [job, slot]);
  return r.rows[0] ? toRun(r.rows[0]) : undefined;
}

export interface JobRunQuery {
  job?: string;
  status?: JobRunStatus;
  limit: number;
}

/** The latest runs first. */
export async function listJobRuns(db: Queryable, q: JobRunQuery): Promise<JobRun[]> {
  const r = await db.query<Row>(
    `SELECT ${COLUMNS} FROM job_runs
     WHERE ($1::text IS NULL OR job = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY started_at DESC, id DESC LIMIT $3`,
    [q.job ?? null, q.status ?? null, q.limit]);
  return r.rows.map(toRun);
}
