import type { Command } from 'commander';
import { CliError, output, type RegisterCommands } from '../context.ts';
import { listJobRuns, type JobRun, type JobRunStatus } from '../../jobs/job-runs.ts';
import { JOBS } from '../../jobs/jobs.ts';
import { runJobNow } from '../../jobs/run-job.ts';

// `arc jobs list` (what the scheduler and people ran, newest first) and `arc jobs run JOB` (a
// job now, in the slot of today: if the scheduler or another instance already ran it, nothing
// runs and the command says so, exit 0; a run that fails exits 1).

function wantsJson(cmd: Command): boolean {
  return Boolean(cmd.optsWithGlobals<{ json?: boolean }>().json);
}

function runLine(r: JobRun): string {
  const took = r.finishedAt ? `${((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000)
    .toFixed(1)} s` : 'running';
  return `${r.job.padEnd(17)} ${r.slot.padEnd(10)} ${r.status.padEnd(9)} attempt ${r.attempts}`
    + `  ${r.startedAt}  ${took}  by ${r.startedBy}${r.error ? `  error: ${r.error}` : ''}`;
}

export const registerJobCommands: RegisterCommands = (program, ctx) => {
  const jobs = program.command('jobs').description(`scheduled jobs: ${JOBS.map((j) => j.name)
    .join(', ')}`);
  jobs.command('list').description('runs of the scheduled jobs, newest first')
    .option('--job <name>', 'only this job').option('--status <status>',
      'running, succeeded or failed').option('--limit <n>', 'at most n runs', '50')
    .action(async (o: { job?: string; status?: string; limit: string }, cmd: Command) => {
      if (o.job && !JOBS.some((j) => j.name === o.job)) {
        throw new CliError('job_not_found', `--job: no job ${o.job} (jobs: ${JOBS
          .map((j) => j.name).join(', ')})`, 2);
      }
      if (o.status && !['running', 'succeeded', 'failed'].includes(o.status)) {
        throw new CliError('usage', `--status: running, succeeded or failed, not ${o.status}`, 2);
      }
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
        throw new CliError('usage', `--limit: a whole number from 1 to 10000, not ${o.limit}`, 2);
      }
      const runs = await listJobRuns(await ctx.db(), { job: o.job,
        status: o.status as JobRunStatus | undefined, limit });
      output(ctx, wantsJson(cmd), { items: runs }, () => runs.length === 0
        ? 'no job runs yet' : runs.map(runLine).join('\n'));
    });
  jobs.command('run <job>').description("run a job now, in today's slot (or --slot)")
    .option('--slot <slot>', 'the slot to claim, e.g. a key of your own to run it again')
    .action(async (name: string, o: { slot?: string }, cmd: Command) => {
      const r = await runJobNow({ db: await ctx.db(), mail: ctx.config.mail,
        jobs: ctx.config.jobs, clock: { now: () => new Date() } }, name,
      { actor: ctx.actor, asOf: ctx.today, slot: o.slot });
      if (!r.ok) {
        throw new CliError(r.error.code, `no job ${name} (jobs: ${r.error.jobs.join(', ')})`, 2,
          r.error);
      }
      const { ran, run } = r.value;
      output(ctx, wantsJson(cmd), r.value, () => !ran
        ? `${name} ${run?.slot ?? ''} did not run: it ${run?.status === 'running'
          ? 'is running elsewhere' : 'already ran'} (${run ? runLine(run) : ''})`
        : `${runLine(run)}\n${JSON.stringify(run.result)}`);
      if (ran && run.status === 'failed') {
        throw new CliError('job_failed', `${name} ${run.slot} failed: ${run.error}`, 1, run);
      }
    });
};
