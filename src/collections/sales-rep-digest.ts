import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { isUniqueViolation } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { digestSinceOn, type DigestCounts } from '../domain/collections/digest.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { dateError } from './checks.ts';
import { describeCollectionsError, type CollectionsError } from './errors.ts';
import type { Mailer } from './mailer.ts';
import { loadDigestSections, type DigestWindow } from './sales-rep-digest-data.ts';
import { digestCounts, renderDigest } from './sales-rep-digest-mail.ts';

export interface SalesRepDigestInput {
  asOf: IsoDate;
  /** The instant of the run: a first digest covers the period before it. */
  now: Date;
  /** 7 for the weekly digest, 1 for the daily one: a rep's first digest looks that far back. */
  periodDays: number;
  /** Render and return the emails; send and log nothing. */
  dryRun?: boolean;
  /** A scheduled run's slot: reps already sent a digest under it are skipped (a retry). */
  runKey?: string | null;
  /** Only this rep (a sales_rep user's display name). */
  salesRep?: string | null;
}

export interface DigestOutcome {
  salesRep: string;
  recipient: string | null;
  status: 'sent' | 'failed' | 'skipped' | 'preview';
  /** Why it was skipped: no email address, or this run already reached them. */
  reason?: 'no_email' | 'already_sent';
  sinceOn?: IsoDate;
  subject?: string;
  counts?: DigestCounts;
  messageId?: string;
  error?: string;
  /** The bodies, in a dry run. */
  text?: string;
  html?: string;
}

export interface DigestRun {
  asOf: IsoDate;
  dryRun: boolean;
  sent: number;
  failed: number;
  skipped: number;
  digests: DigestOutcome[];
}

export type DigestError = CollectionsError | { code: 'sales_rep_not_found'; salesRep: string };

export function describeDigestError(e: DigestError): string {
  return e.code === 'sales_rep_not_found' ? `sales rep not found (salesRep ${e.salesRep})`
    : describeCollectionsError(e);
}

interface Rep {
  userId: number;
  salesRep: string;
  recipient: string | null;
  previousAsOf: IsoDate | null;
  previousAt: Date | null;
  alreadySent: boolean;
}

const DAY_MS = 86_400_000;

/**
 * Emails each active sales rep (users with role sales_rep; their display name is the name on
 * their customers and on the disputes routed to them) one digest: new credit holds, broken
 * promises, disputes waiting on them, accounts that reached 60 and 90 days past due since their
 * previous digest, and their top outstanding accounts. Each email sent (or failed) is logged in
 * sales_rep_digests and the audit log; the next digest starts where the last sent one ended.
 * A rep without an email address (users.email, or a username that is one) is skipped. Errors,
 * in order: date_invalid, sales_rep_not_found, email_not_configured (when there is a digest to
 * send and this is not a dry run).
 */
export async function sendSalesRepDigests(
  db: Db, actor: Actor, mailer: Mailer | undefined, companyName: string,
  input: SalesRepDigestInput,
): Promise<Result<DigestRun, DigestError>> {
  const bad = dateError('asOf', input.asOf);
  if (bad) return err(bad);
  const reps = await loadReps(db, input);
  if (input.salesRep && reps.length === 0) {
    return err({ code: 'sales_rep_not_found', salesRep: input.salesRep });
  }
  const due = reps.filter((r) => r.recipient !== null && !r.alreadySent);
  if (due.length > 0 && !mailer && !input.dryRun) return err({ code: 'email_not_configured' });
  const windows = due.map((r): DigestWindow => ({ salesRep: r.salesRep,
    sinceOn: digestSinceOn(r.previousAsOf, input.asOf, input.periodDays),
    sinceAt: r.previousAt ?? new Date(input.now.getTime() - input.periodDays * DAY_MS) }));
  const sections = await loadDigestSections(db, windows, input.asOf);
  const run: DigestRun = { asOf: input.asOf, dryRun: Boolean(input.dryRun), sent: 0, failed: 0,
    skipped: 0, digests: [] };
  for (const rep of reps) {
    if (rep.recipient === null || rep.alreadySent) {
      run.skipped++;
      run.digests.push({ salesRep: rep.salesRep, recipient: rep.recipient, status: 'skipped',
        reason: rep.recipient === null ? 'no_email' : 'already_sent' });
      continue;
    }
    const window = windows.find((w) => w.salesRep === rep.salesRep)!;
    const s = sections.get(rep.salesRep)!;
    const mail = renderDigest(s, { ...window, asOf: input.asOf }, companyName);
    const base = { salesRep: rep.salesRep, recipient: rep.recipient, sinceOn: window.sinceOn,
      subject: mail.subject, counts: digestCounts(s) };
    if (input.dryRun || !mailer) {
      run.digests.push({ ...base, status: 'preview', text: mail.text, html: mail.html });
      continue;
    }
    const outcome = await deliver(db, actor, mailer, rep, input, { ...base, ...mail });
    if (outcome.status === 'sent') run.sent++;
    else run.failed++;
    run.digests.push(outcome);
  }
  return ok(run);
}

/** Active sales reps (or the one asked for), with their previous sent digest. */
async function loadReps(db: Db, input: SalesRepDigestInput): Promise<Rep[]> {
  const r = await db.query<{ userId: number; salesRep: string; email: string | null;
    username: string; previousAsOf: IsoDate | null; previousAt: Date | string | null;
    alreadySent: boolean }>(
    `SELECT u.id AS "userId", u.display_name AS "salesRep", u.email, u.username,
       p.as_of AS "previousAsOf", p.created_at AS "previousAt",
       EXISTS (SELECT 1 FROM sales_rep_digests k WHERE k.sales_rep = u.display_name
         AND k.run_key = $2 AND k.status = 'sent') AS "alreadySent"
     FROM users u
     LEFT JOIN LATERAL (SELECT as_of, created_at FROM sales_rep_digests d
       WHERE d.sales_rep = u.display_name AND d.status = 'sent'
       ORDER BY d.created_at DESC, d.id DESC LIMIT 1) p ON true
     WHERE u.role = 'sales_rep' AND u.disabled_at IS NULL
       AND ($1::text IS NULL OR u.display_name = $1)
     ORDER BY u.display_name, u.id`, [input.salesRep ?? null, input.runKey ?? null]);
  return r.rows.map((x) => ({ userId: x.userId, salesRep: x.salesRep,
    recipient: x.email ?? (x.username.includes('@') ? x.username : null),
    previousAsOf: x.previousAsOf,
    previousAt: x.previousAt === null ? null : new Date(x.previousAt),
    alreadySent: x.alreadySent }));
}

/** Sends one digest and logs it (sent or failed) with its audit record. */
async function deliver(
  db: Db, actor: Actor, mailer: Mailer, rep: Rep, input: SalesRepDigestInput,
  d: Required<Pick<DigestOutcome, 'salesRep' | 'sinceOn' | 'subject' | 'counts'>>
    & { recipient: string; text: string; html: string },
): Promise<DigestOutcome> {
  let messageId: string | null = null;
  let error: string | null = null;
  try {
    messageId = (await mailer.send({ to: d.recipient, subject: d.subject, text: d.text,
      html: d.html })).messageId;
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const status = error === null ? 'sent' : 'failed';
  const logged = { salesRep: d.salesRep, recipient: d.recipient, status, asOf: input.asOf,
    sinceOn: d.sinceOn, subject: d.subject, counts: d.counts, messageId, error };
  try {
    await db.transaction(async (tx) => {
      const r = await tx.query<{ id: number }>(
        `INSERT INTO sales_rep_digests (sales_rep, user_id, run_key, as_of, since_on, status,
           recipient, message_id, error, summary, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [d.salesRep, rep.userId, input.runKey ?? null, input.asOf, d.sinceOn, status,
          d.recipient, messageId, error, JSON.stringify(d.counts), actor.name]);
      await writeAudit(tx, actor, { action: `digest.sales_rep.${status}`,
        entityType: 'sales_rep_digest', entityId: r.rows[0]!.id, after: logged });
    });
  } catch (e) {
    // Another run under the same key logged this rep first (only a race of retries gets here).
    if (!isUniqueViolation(e, 'sales_rep_digests_once_per_run')) throw e;
  }
  return { salesRep: d.salesRep, recipient: d.recipient, status, sinceOn: d.sinceOn,
    subject: d.subject, counts: d.counts, ...(messageId ? { messageId } : {}),
    ...(error ? { error } : {}) };
}
