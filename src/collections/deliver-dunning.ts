import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { writeLetterPdf } from '../formats/pdf/letter-pdf.ts';
import { dunningLetter } from './dunning-letter.ts';
import { faxAddress, type Mailer } from './mailer.ts';

export interface DeliveryOutcome {
  emailed: number;
  faxed: number;
  /** Letters are PDF, ready to print and mail: marked sent once written. */
  printed: number;
  failed: number;
  /**
   * Emails and faxes left queued because no mail server (or, for a fax, no gateway) is
   * configured: the next delivery, once it is, sends them.
   */
  waiting: number;
}

/**
 * Delivers a run's queued messages: emails with the notice attached as PDF, faxes as PDF to the
 * email-to-fax gateway, letters marked ready to print. Each message's status and its activity's
 * outcome are updated as it goes, so a crash leaves the rest queued for the next call. Without a
 * mail server (or fax gateway) emails (faxes) stay queued rather than failed: a scheduled run on
 * a server not yet set up for mail loses nothing.
 */
export async function deliverDunning(
  db: Db, actor: Actor, runId: number,
  deps: { mailer: Mailer | undefined; companyName: string; faxGateway: string | undefined },
): Promise<DeliveryOutcome> {
  const out: DeliveryOutcome = { emailed: 0, faxed: 0, printed: 0, failed: 0, waiting: 0 };
  const queued = await db.query<{ id: number; channel: string; recipient: string | null;
    activityId: number }>(
    `SELECT id, channel, recipient, activity_id AS "activityId" FROM dunning_messages
     WHERE run_id = $1 AND status = 'queued' ORDER BY id`, [runId]);
  for (const m of queued.rows) {
    if (m.channel !== 'letter' && (!deps.mailer || (m.channel === 'fax' && !deps.faxGateway))) {
      out.waiting++;
      continue;
    }
    let error: string | null = null;
    const letter = await dunningLetter(db, m.id, deps.companyName);
    const pdf = await writeLetterPdf(letter);
    if (m.channel === 'letter') {
      out.printed++;
    } else {
      const to = m.channel === 'fax' && deps.faxGateway && m.recipient
        ? faxAddress(deps.faxGateway, m.recipient) : m.channel === 'email' ? m.recipient : null;
      if (!deps.mailer || !to) error = `no ${m.channel === 'fax' ? 'fax number' : 'email address'}`;
      else {
        try {
          await deps.mailer.send({ to, subject: letter.subject, text: letter.text,
            attachments: [{ filename: `notice-${m.id}.pdf`, content: pdf,
              contentType: 'application/pdf' }] });
          if (m.channel === 'fax') out.faxed++;
          else out.emailed++;
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
      }
    }
    if (error) out.failed++;
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE dunning_messages SET status = $2, error = $3 WHERE id = $1`,
        [m.id, error ? 'failed' : 'sent', error]);
      await tx.query(`UPDATE activities SET outcome = $2 WHERE id = $1`,
        [m.activityId, error ? 'failed' : 'sent']);
      await writeAudit(tx, actor, { action: 'dunning.deliver', entityType: 'dunning_message',
        entityId: m.id, after: { channel: m.channel, error } });
    });
  }
  return out;
}
