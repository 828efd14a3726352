import { hostname } from 'node:os';
import type { JobRunStatus } from './job-runs.ts';
import { findJobRun } from './job-runs.ts';
import { JOBS, type JobDefinition } from './jobs.ts';
import { ATTEMPTS_MAX, runJob, type JobDeps } from './run-job.ts';
import { dueSlot } from './schedule.ts';

// The in-process scheduler `arc serve` / `arc start` run: every minute it looks at each job's
// latest due slot, in JOBS order, and runs it unless it already ran. Instances coordinate only
// through the database (job_runs), so any number of them may tick at once: each slot runs once.

export interface TickReport {
  job: string;
  slot: string;
  /** Whether this instance ran it (else another had, or has it, or it is out of attempts). */
  ran: boolean;
  status: JobRunStatus | null;
  error: string | null;
}

export interface Scheduler {
  /** One pass over the jobs at the clock's now; concurrent calls share the pass. */
  tick(): Promise<TickReport[]>;
  /** Ticks now and then every `tickMs`, unless the configuration turns the scheduler off. */
  start(): void;
  /** Stops ticking and waits for a pass in progress. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  /** Default: every job (JOBS). */
  jobs?: readonly JobDefinition[];
  /** Default: one minute. */
  tickMs?: number;
  /** Names this instance in job_runs.started_by; default scheduler@<host>:<pid>. */
  instance?: string;
}

const SCHEDULER = 'scheduler';

export function createScheduler(deps: JobDeps, options: SchedulerOptions = {}): Scheduler {
  const jobs = options.jobs ?? JOBS;
  const tickMs = options.tickMs ?? 60_000;
  const instance = options.instance ?? `${SCHEDULER}@${hostname()}:${process.pid}`;
  let pass: Promise<TickReport[]> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function onePass(): Promise<TickReport[]> {
    const now = deps.clock.now();
    const reports: TickReport[] = [];
    for (const job of jobs) {
      const cadence = job.cadence(deps.jobs);
      if (cadence === null) continue;
      const slot = dueSlot(now, cadence, deps.jobs.at);
      // A cheap look first: most ticks find every slot done.
      const seen = await findJobRun(deps.db, job.name, slot.slot);
      if (seen?.status === 'succeeded') continue;
      if (seen?.status === 'failed' && seen.attempts >= ATTEMPTS_MAX) continue;
      const o = await runJob(deps, job, slot, { actor: { name: SCHEDULER, kind: 'system',
        source: `job:${job.name}` }, by: instance, attemptsMax: ATTEMPTS_MAX });
      reports.push({ job: job.name, slot: slot.slot, ran: o.ran, status: o.run?.status ?? null,
        error: o.run?.error ?? null });
      // Running on another instance: the jobs after it wait for the next pass, so the order
      // holds across instances too (dunning sees the promises evaluated first).
      if (!o.ran && o.run?.status === 'running') break;
    }
    return reports;
  }

  function tick(): Promise<TickReport[]> {
    pass ??= onePass().finally(() => {
      pass = undefined;
    });
    return pass;
  }

  function loop(): void {
    tick().catch((e: unknown) => deps.log?.('scheduler tick failed', { err: e }))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(loop, tickMs);
        timer.unref();
      });
  }

  return {
    tick,
    start() {
      if (!deps.jobs.enabled || timer || stopped) return;
      timer = setTimeout(loop, 1_000);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await pass?.catch(() => undefined);
    },
  };
}
