import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import type { MailConfig } from '../config.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { JobsConfig } from './config.ts';
import {
  beatJobRun, claimJobRun, findJobRun, finishJobRun, type JobRun,
} from './job-runs.ts';
import { findJob, JOBS, type JobDefinition } from './jobs.ts';
import { slotOf, type Slot } from './schedule.ts';

/** What running a job needs; wired once (serve.ts, the CLI, the jobs route). */
export interface JobDeps {
  db: Db;
  mail: MailConfig;
  jobs: JobsConfig;
  clock: { now(): Date };
  /** Where failures and heartbeat trouble are reported (the server's log). */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/** `ran: false`: the slot was not free (done, running elsewhere, or out of attempts). */
export type JobOutcome = { ran: true; run: JobRun } | { ran: false; run: JobRun | undefined };

/** How often a scheduled slot is tried before it waits for a person (`arc jobs run`). */
export const ATTEMPTS_MAX = 5;
const HEARTBEAT_MS = 30_000;

export interface Runner {
  /** Audited as. */
  actor: Actor;
  /** Stored as the attempt's started_by: the scheduler instance, or the person. */
  by: string;
  /** null: no attempt limit (a run by hand). */
  attemptsMax: number | null;
}

/**
 * Claims `slot` of `job` and, if this caller got it, runs the job and records the outcome: the
 * result as JSON, or the error (the next claim retries a failed slot). While it runs a
 * heartbeat tells other instances the attempt is alive.
 */
export async function runJob(
  deps: JobDeps, job: JobDefinition, slot: Slot, runner: Runner,
): Promise<JobOutcome> {
  const claimed = await claimJobRun(deps.db, { job: job.name, slot: slot.slot,
    asOf: slot.asOf, by: runner.by, attemptsMax: runner.attemptsMax });
  if (!claimed) return { ran: false, run: await findJobRun(deps.db, job.name, slot.slot) };
  const beat = setInterval(() => {
    beatJobRun(deps.db, claimed.id).catch((e: unknown) => deps.log?.('job heartbeat failed',
      { job: job.name, slot: slot.slot, err: e }));
  }, HEARTBEAT_MS);
  beat.unref();
  let outcome: { result: unknown } | { error: string };
  try {
    outcome = { result: await job.run({ db: deps.db, actor: runner.actor, slot: slot.slot,
      asOf: slot.asOf, attempt: claimed.attempts, now: deps.clock.now(), mail: deps.mail,
      jobs: deps.jobs }) };
  } catch (e) {
    outcome = { error: e instanceof Error ? e.message : String(e) };
    deps.log?.('job failed', { job: job.name, slot: slot.slot, attempt: claimed.attempts,
      err: e });
  } finally {
    clearInterval(beat);
  }
  const run = await finishJobRun(deps.db, claimed.id, outcome);
  await writeAudit(deps.db, runner.actor, { action: `job.${run.status}`, entityType: 'job_run',
    entityId: run.id, after: { job: run.job, slot: run.slot, attempts: run.attempts,
      error: 'error' in outcome ? outcome.error : null } });
  return { ran: true, run };
}

export type RunJobNowError = { code: 'job_not_found'; job: string; jobs: string[] };

/**
 * Runs a job by hand for business date `asOf`: in the slot that date belongs to (the one the
 * scheduler would claim, so a day's job still runs once), or in `slot` when given. No attempt
 * limit. Errors: job_not_found.
 */
export async function runJobNow(
  deps: JobDeps, name: string, input: { actor: Actor; asOf: IsoDate; slot?: string },
): Promise<Result<JobOutcome, RunJobNowError>> {
  const job = findJob(name);
  if (!job) return err({ code: 'job_not_found', job: name, jobs: JOBS.map((j) => j.name) });
  const slot = input.slot ?? slotOf(input.asOf, job.cadence(deps.jobs) ?? 'daily');
  return ok(await runJob(deps, job, { slot, asOf: input.asOf },
    { actor: input.actor, by: input.actor.name, attemptsMax: null }));
}
