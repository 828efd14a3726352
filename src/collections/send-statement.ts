import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { listContacts } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { writeStatementPdf } from '../formats/pdf/statement-pdf.ts';
import { customerOrError, dateError } from './checks.ts';
import type { CollectionsError } from './errors.ts';
import { logActivity, type Activity } from './log-activity.ts';
import type { Mailer } from './mailer.ts';
import { openItemStatement } from './statement-data.ts';

export interface SendStatementInput {
  customerId: number;
  asOf: IsoDate;
  /** Default: the primary contact's email. */
  to?: string | null;
  message?: string | null;
}

export interface SentStatement {
  activity: Activity;
  to: string;
  messageId: string;
}

/**
 * Emails the customer an open-item statement of account (PDF attached) and logs the email on the
 * account with its items. Errors, in order: date_invalid, email_not_configured,
 * customer_not_found, recipient_missing. A failure of the SMTP server throws (nothing logged).
 */
export async function sendStatement(
  db: Db, actor: Actor, mailer: Mailer | undefined, companyName: string,
  input: SendStatementInput,
): Promise<Result<SentStatement, CollectionsError>> {
  const bad = dateError('asOf', input.asOf);
  if (bad) return err(bad);
  if (!mailer) return err({ code: 'email_not_configured' });
  const customer = await customerOrError(db, input.customerId);
  if (!customer.ok) return customer;
  const contact = (await listContacts(db, input.customerId)).find((c) => c.email);
  const to = input.to?.trim() || contact?.email;
  if (!to) return err({ code: 'recipient_missing', customerId: input.customerId });
  const statement = await openItemStatement(db, customer.value, input.asOf, companyName);
  const pdf = await writeStatementPdf(statement);
  const subject = `Statement of account ${customer.value.accountNumber} as of ${input.asOf}`;
  const sent = await mailer.send({
    to, subject,
    text: input.message?.trim() || `Please find attached your statement of account as of `
      + `${input.asOf}. Contact us with any questions.\n\n${companyName}`,
    attachments: [{ filename: `statement-${customer.value.accountNumber}-${input.asOf}.pdf`,
      content: pdf, contentType: 'application/pdf' }],
  });
  const activity = await logActivity(db, actor, {
    customerId: input.customerId, kind: 'email', outcome: 'sent', subject,
    contactId: contact && contact.email === to ? contact.id : null,
    contactName: contact && contact.email === to ? contact.name : to,
    body: `statement attached; message ${sent.messageId}`, occurredOn: input.asOf,
    documentIds: statement.items.length <= 200 ? await itemIds(db, input.customerId) : [],
  });
  if (!activity.ok) return activity;
  return ok({ activity: activity.value, to, messageId: sent.messageId });
}

async function itemIds(db: Db, customerId: number): Promise<number[]> {
  const r = await db.query<{ id: number }>(
    'SELECT id FROM documents WHERE customer_id = $1 AND open_cents <> 0 ORDER BY id',
    [customerId]);
  return r.rows.map((x) => x.id);
}
