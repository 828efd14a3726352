import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { deliverDunning, type DeliveryOutcome } from '../collections/deliver-dunning.ts';
import { describeCollectionsError } from '../collections/errors.ts';
import type { MailConfig } from '../config.ts';
import { smtpMailer } from '../collections/mailer.ts';
import { runDunning, type DunningRun } from '../collections/run-dunning.ts';
import type { IsoDate } from '../domain/dates.ts';

export interface DunningJobResult {
  /** The run this attempt recorded, if any. */
  run: DunningRun | null;
  /** Set when today's run was made by someone else (a manager, the CLI): nothing to do. */
  ranBy: { runId: number; startedBy: string } | null;
  /** An earlier attempt of this job whose queued messages this one delivered. */
  resumedRunId: number | null;
  delivered: DeliveryOutcome;
}

interface StoredRun {
  id: number;
  status: 'running' | 'completed' | 'failed';
  startedBy: string;
}

/**
 * The daily dunning run and its delivery, as the scheduler runs it: the run key is the day's
 * slot `daily:<date>` (the key `arc dunning run` and POST /dunning/runs default to), so a day
 * is dunned once whoever starts it. When the key is taken by an earlier attempt of this job
 * (same actor, a later attempt: the scheduler's claim says that attempt is over), its queued
 * messages are delivered and, if it did not complete, the rest is recorded under
 * `daily:<date>#<attempt>`; dunning_sends keeps anything from being sent twice. A run by
 * someone else is left to them.
 */
export async function dunningJob(
  db: Db, actor: Actor, mail: MailConfig, at: { asOf: IsoDate; attempt: number },
): Promise<DunningJobResult> {
  const key = `daily:${at.asOf}`;
  const out: DunningJobResult = { run: null, ranBy: null, resumedRunId: null,
    delivered: { emailed: 0, faxed: 0, printed: 0, failed: 0, waiting: 0 } };
  const toDeliver: number[] = [];
  const first = await runDunning(db, actor, { runKey: key, asOf: at.asOf });
  if (first.ok) {
    out.run = first.value;
    toDeliver.push(first.value.runId);
  } else if (first.error.code !== 'dunning_run_key_taken') {
    throw new Error(describeCollectionsError(first.error));
  } else {
    const earlier = await storedRun(db, first.error.runId);
    if (earlier.startedBy !== actor.name || at.attempt === 1) {
      out.ranBy = { runId: earlier.id, startedBy: earlier.startedBy };
      return out;
    }
    out.resumedRunId = earlier.id;
    toDeliver.push(earlier.id);
    if (earlier.status !== 'completed') {
      // Its instance died mid-run (still 'running') or it threw ('failed'): say so, go on.
      await db.query(`UPDATE dunning_runs SET status = 'failed', finished_at = now()
        WHERE id = $1 AND status = 'running'`, [earlier.id]);
      const rest = await runDunning(db, actor, { runKey: `${key}#${at.attempt}`, asOf: at.asOf });
      if (!rest.ok) throw new Error(describeCollectionsError(rest.error));
      out.run = rest.value;
      toDeliver.push(rest.value.runId);
    }
  }
  const mailer = smtpMailer(mail);
  try {
    for (const runId of toDeliver) {
      const d = await deliverDunning(db, actor, runId, { mailer, companyName: mail.companyName,
        faxGateway: mail.faxGateway });
      out.delivered = { emailed: out.delivered.emailed + d.emailed,
        faxed: out.delivered.faxed + d.faxed, printed: out.delivered.printed + d.printed,
        failed: out.delivered.failed + d.failed, waiting: out.delivered.waiting + d.waiting };
    }
  } finally {
    mailer?.close();
  }
  return out;
}

async function storedRun(db: Db, id: number): Promise<StoredRun> {
  const r = await db.query<StoredRun>(
    `SELECT id, status, started_by AS "startedBy" FROM dunning_runs WHERE id = $1`, [id]);
  return r.rows[0]!;
}
