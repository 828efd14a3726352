import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { evaluatePromises } from '../collections/evaluate-promises.ts';
import { keepAgingPeriods } from '../ledger/aging-periods.ts';
import { smtpMailer } from '../collections/mailer.ts';
import { describeDigestError, sendSalesRepDigests } from '../collections/sales-rep-digest.ts';
import type { MailConfig } from '../config.ts';
import type { IsoDate } from '../domain/dates.ts';
import type { JobsConfig } from './config.ts';
import { dunningJob } from './dunning-job.ts';
import type { Cadence } from './schedule.ts';

// The scheduled jobs, in the order a tick runs them: promises are evaluated before dunning (a
// broken promise no longer pauses it), and the digest comes after both (it reports both); the
// aging periods, which may take minutes on a large book, come last.

/** What a job's run gets: the database, who acts, the slot and its business date. */
export interface JobContext {
  db: Db;
  actor: Actor;
  slot: string;
  asOf: IsoDate;
  /** 1 for the first attempt at this slot, 2 for the first retry, ... */
  attempt: number;
  now: Date;
  mail: MailConfig;
  jobs: JobsConfig;
}

export interface JobDefinition {
  name: string;
  description: string;
  /** How often it falls due; null when the configuration turns it off. */
  cadence(config: JobsConfig): Cadence | null;
  /** Does the work; the value (JSON) is stored as the run's result. Throws on failure. */
  run(ctx: JobContext): Promise<unknown>;
}

export const JOBS: readonly JobDefinition[] = [
  {
    name: 'evaluate_promises',
    description: 'mark promises to pay kept, partially kept or broken (nightly)',
    cadence: () => 'daily',
    run: (ctx) => evaluatePromises(ctx.db, ctx.actor, ctx.asOf),
  },
  {
    name: 'dunning',
    description: "the day's dunning run, then deliver its email, fax and letters",
    cadence: () => 'daily',
    run: (ctx) => dunningJob(ctx.db, ctx.actor, ctx.mail, ctx),
  },
  {
    name: 'sales_rep_digest',
    description: 'email each sales rep the digest of their accounts',
    cadence: (config) => (config.digest === 'off' ? null : config.digest),
    async run(ctx) {
      const mailer = smtpMailer(ctx.mail);
      try {
        const r = await sendSalesRepDigests(ctx.db, ctx.actor, mailer, ctx.mail.companyName, {
          asOf: ctx.asOf, now: ctx.now, runKey: `sales_rep_digest:${ctx.slot}`,
          periodDays: ctx.jobs.digest === 'daily' ? 1 : 7 });
        if (!r.ok) throw new Error(describeDigestError(r.error));
        // Digests that failed to send are logged; the run fails so a later tick retries them.
        if (r.value.failed > 0) {
          throw new Error(`${r.value.failed} digest(s) failed: ${r.value.digests
            .filter((d) => d.status === 'failed').map((d) => `${d.salesRep}: ${d.error}`)
            .join('; ')}`);
        }
        return { ...r.value, digests: r.value.digests.map(({ text: _t, html: _h, ...d }) => d) };
      } finally {
        mailer?.close();
      }
    },
  },
  {
    name: 'aging_periods',
    description: 'keep the month ends the aging of past dates starts from (nightly)',
    cadence: () => 'daily',
    run: (ctx) => keepAgingPeriods(ctx.db, ctx.asOf),
  },
];

export function findJob(name: string, jobs: readonly JobDefinition[] = JOBS) {
  return jobs.find((j) => j.name === name);
}
