import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { transactResult, type Customer } from '../db/documents.ts';
import {
  composeCorrespondence, CORRESPONDENCE_CHANNELS, CORRESPONDENCE_TEMPLATES, correspondenceBody,
  type CorrespondenceChannel, type CorrespondenceTemplate, type CorrespondenceText,
} from '../domain/collections/correspondence.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import {
  canEmbedImage, writeComposedPdf, type Enclosure,
} from '../formats/pdf/correspondence-pdf.ts';
import { writeInvoiceCopyPdf } from '../formats/pdf/invoice-copy.ts';
import type { Letter } from '../formats/pdf/letter-pdf.ts';
import { writeStatementPdf } from '../formats/pdf/statement-pdf.ts';
import type { AttachmentKind } from './attachments-store.ts';
import { customerOrError, dateError, oneOf } from './checks.ts';
import {
  pastDueItems, planCorrespondence, type CorrespondencePlan, type StoredEnclosure,
} from './correspondence-plan.ts';
import type { DocumentsError } from './document-errors.ts';
import { billTo } from './invoice-copy-data.ts';
import { logActivityInTx, type Activity } from './log-activity.ts';
import { faxAddress, type Mailer } from './mailer.ts';

export interface SendCorrespondenceInput {
  customerId: number;
  channel: CorrespondenceChannel;
  template: CorrespondenceTemplate;
  /** Default: the first contact (primary first) with an email address / a fax number. */
  contactId?: number | null;
  /** An email address (email) or a fax number (fax) instead of the contact's. */
  to?: string | null;
  subject?: string | null;
  message?: string | null;
  includeStatement?: boolean;
  /** Items (invoices, debit and credit memos) to enclose a copy of. */
  invoiceCopyIds?: readonly number[];
  /** Documents stored on the account's items to enclose. */
  attachmentIds?: readonly number[];
  asOf: IsoDate;
}

export interface CorrespondenceDeps {
  mailer: Mailer | undefined;
  companyName: string;
  faxGateway: string | undefined;
}

export interface SentFile {
  fileName: string;
  contentType: string;
  content: Buffer;
  /** The stored document it is, if it is one. */
  attachmentId?: number;
}

export interface SentCorrespondence {
  activity: Activity;
  channel: CorrespondenceChannel;
  /** The email address, the fax gateway address, or the letter's addressee. */
  to: string;
  messageId: string | null;
  /** The email's (fax's) attachments; for a letter: the letter, then what prints separately. */
  files: SentFile[];
}

/** Together at most this much in one email or fax (about 20 MB once base64-encoded). */
export const CORRESPONDENCE_MAX_BYTES = 15 * 1024 * 1024;

const KIND_LABEL: Record<AttachmentKind, string> = {
  pod: 'Proof of delivery', invoice_copy: 'Invoice image', other: 'Document',
};

/**
 * Sends a collector's correspondence from a template: by email (the statement, invoice copies
 * and stored documents attached), by fax (one PDF to the email-to-fax gateway, with what cannot
 * be drawn into it beside), or as a letter (one printable PDF, returned in `files`). Logged as
 * an activity on the account and its items, and audited. Errors, in order: value_not_allowed
 * (channel, template), date_invalid, email_not_configured, fax_gateway_not_configured,
 * customer_not_found, contact_not_found, item_not_found, item_not_on_account,
 * item_type_not_supported, attachment_not_found, attachment_not_on_account, recipient_missing,
 * email_invalid, fax_number_missing, attachments_too_large, email_delivery_failed (the SMTP
 * server refused or could not be reached: nothing is logged).
 */
export async function sendCorrespondence(
  db: Db, actor: Actor, deps: CorrespondenceDeps, input: SendCorrespondenceInput,
): Promise<Result<SentCorrespondence, DocumentsError>> {
  const shape = oneOf('channel', input.channel, CORRESPONDENCE_CHANNELS)
    ?? oneOf('template', input.template, CORRESPONDENCE_TEMPLATES)
    ?? dateError('asOf', input.asOf);
  if (shape) return err(shape);
  if (input.channel !== 'letter' && !deps.mailer) return err({ code: 'email_not_configured' });
  if (input.channel === 'fax' && !deps.faxGateway) {
    return err({ code: 'fax_gateway_not_configured' });
  }
  const customer = await customerOrError(db, input.customerId);
  if (!customer.ok) return customer;
  const plan = await planCorrespondence(db, customer.value, deps.companyName, input);
  if (!plan.ok) return plan;
  const p = plan.value;
  const recipient = recipientOf(input, p, customer.value.id);
  if (!recipient.ok) return recipient;
  const text = composeCorrespondence(input.template, {
    accountNumber: customer.value.accountNumber, contactName: p.contact?.name ?? null,
    asOf: input.asOf, currency: customer.value.currency, balanceCents: p.balanceCents,
    pastDueCents: p.pastDueCents, items: p.items.length === 0
      && input.template === 'past_due_reminder'
      ? await pastDueItems(db, customer.value.id, input.asOf) : p.items,
  }, input);
  const signature = `${customer.value.collector ?? 'Accounts receivable'}, ${deps.companyName}`;
  const out = input.channel === 'email'
    ? await emailFiles(p, customer.value, input.asOf)
    : await composedFiles(db, input, p, customer.value, text, signature, deps, recipient.value);
  const body = correspondenceBody(text, out.enclosures, signature);
  const size = out.files.reduce((s, f) => s + f.content.length, 0);
  if (input.channel !== 'letter' && size > CORRESPONDENCE_MAX_BYTES) {
    return err({ code: 'attachments_too_large', sizeBytes: size,
      maxBytes: CORRESPONDENCE_MAX_BYTES });
  }
  const to = input.channel === 'fax' ? faxAddress(deps.faxGateway!, recipient.value)
    : recipient.value;
  let messageId: string | null = null;
  if (input.channel !== 'letter') {
    try {
      messageId = (await deps.mailer!.send({ to, subject: text.subject, text: body,
        attachments: out.files.map((f) => ({ filename: f.fileName, content: f.content,
          contentType: f.contentType })) })).messageId;
    } catch (e) {
      return err({ code: 'email_delivery_failed', reason: e instanceof Error ? e.message
        : String(e) });
    }
  }
  return record(db, actor, { input, plan: p, subject: text.subject, body, to, messageId,
    files: out.files, enclosures: out.enclosures });
}

/** Deliberately loose, as contacts are checked: one @, a dot in the domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Who it goes to: an email address, a fax number, or the letter's addressee (never missing). */
function recipientOf(
  input: SendCorrespondenceInput, p: CorrespondencePlan, customerId: number,
): Result<string, DocumentsError> {
  const to = input.to?.trim();
  if (input.channel === 'email') {
    const address = to || p.contact?.email;
    if (!address) return err({ code: 'recipient_missing', customerId });
    return EMAIL.test(address) ? ok(address) : err({ code: 'email_invalid', email: address });
  }
  if (input.channel === 'fax') {
    const fax = to || p.contact?.fax;
    return fax && /\d/.test(fax) ? ok(fax) : err({ code: 'fax_number_missing', customerId });
  }
  return ok(p.contact?.name ?? 'Accounts payable');
}

interface Files {
  files: SentFile[];
  /** The enclosures as the text lists them. */
  enclosures: string[];
}

const pdf = (fileName: string, content: Buffer): SentFile =>
  ({ fileName, content, contentType: 'application/pdf' });

function storedLabel(s: StoredEnclosure): string {
  const a = s.attachment;
  return `${KIND_LABEL[a.kind]} for ${a.documentNumber} (${a.fileName})`;
}

const storedFile = (s: StoredEnclosure): SentFile => ({ fileName: s.attachment.fileName,
  content: s.content, contentType: s.attachment.contentType, attachmentId: s.attachment.id });

async function emailFiles(p: CorrespondencePlan, c: Customer, asOf: IsoDate): Promise<Files> {
  const files: SentFile[] = [];
  const enclosures: string[] = [];
  if (p.statement) {
    files.push(pdf(`statement-${c.accountNumber}-${asOf}.pdf`,
      await writeStatementPdf(p.statement)));
    enclosures.push(`Statement of account as of ${asOf}`);
  }
  for (const copy of p.copies) {
    files.push(pdf(`invoice-copy-${copy.number}.pdf`, await writeInvoiceCopyPdf(copy)));
    enclosures.push(`Copy of ${copy.number}`);
  }
  for (const s of p.stored) {
    files.push(storedFile(s));
    enclosures.push(storedLabel(s));
  }
  return { files, enclosures };
}

/**
 * A fax or a letter: one PDF with the letter and every enclosure pdfkit can draw; stored PDFs,
 * TIFFs and images it cannot place travel beside it (a letter lists them to print separately).
 */
async function composedFiles(
  db: Db, input: SendCorrespondenceInput, p: CorrespondencePlan, c: Customer,
  text: CorrespondenceText, signature: string, deps: CorrespondenceDeps, recipient: string,
): Promise<Files> {
  const drawn: Enclosure[] = [];
  const enclosures: string[] = [];
  const beside: SentFile[] = [];
  if (p.statement) {
    drawn.push({ kind: 'statement', statement: p.statement });
    enclosures.push(`Statement of account as of ${input.asOf}`);
  }
  for (const copy of p.copies) {
    drawn.push({ kind: 'invoice_copy', copy });
    enclosures.push(`Copy of ${copy.number}`);
  }
  for (const s of p.stored) {
    if (canEmbedImage(s.content, s.attachment.contentType)) {
      drawn.push({ kind: 'image', title: storedLabel(s), content: s.content });
      enclosures.push(storedLabel(s));
    } else {
      beside.push(storedFile(s));
      enclosures.push(`${storedLabel(s)}${input.channel === 'letter'
        ? ', printed separately' : ', a separate file'}`);
    }
  }
  const letter: Letter = {
    companyName: deps.companyName, date: input.asOf,
    to: [...await billTo(db, c, p.contact), `Account ${c.accountNumber}`],
    subject: text.subject, paragraphs: [text.greeting, ...text.paragraphs],
    itemLines: text.itemLines, signature, enclosures,
  };
  const fax = input.channel === 'fax'
    ? { to: `${c.name}${p.contact ? `, Attn: ${p.contact.name}` : ''}`, faxNumber: recipient,
      from: deps.companyName } : undefined;
  const name = `${input.channel}-${c.accountNumber}-${input.asOf}.pdf`;
  return { files: [pdf(name, await writeComposedPdf({ letter, fax, enclosures: drawn })),
    ...beside], enclosures };
}

interface Sent {
  input: SendCorrespondenceInput;
  plan: CorrespondencePlan;
  subject: string;
  /** The words sent (kept in the audit entry). */
  body: string;
  to: string;
  messageId: string | null;
  files: SentFile[];
  enclosures: string[];
}

/**
 * The activity on the account and its items, and the audit entry, in one transaction. The
 * timeline gets the gist (the collector's own words, what was enclosed, where it went); the
 * audit entry keeps the whole text.
 */
async function record(
  db: Db, actor: Actor, s: Sent,
): Promise<Result<SentCorrespondence, DocumentsError>> {
  const { input, plan } = s;
  const gist = [
    input.message?.trim(),
    s.enclosures.length > 0 ? `Enclosed: ${s.enclosures.join('; ')}.` : 'Nothing enclosed.',
    input.channel === 'letter' ? `Letter ${s.files[0]!.fileName} to print for ${s.to}.`
      : `Sent to ${s.to}; message ${s.messageId}.`,
  ].filter(Boolean).join('\n');
  return transactResult(db, async (tx) => {
    const activity = await logActivityInTx(tx, actor, {
      customerId: input.customerId, kind: input.channel, outcome: 'sent',
      contactId: plan.contact?.id ?? null, contactName: plan.contact?.name ?? s.to,
      subject: s.subject, body: gist, documentIds: plan.documentIds,
      occurredOn: input.asOf,
    });
    if (!activity.ok) return activity;
    await writeAudit(tx, actor, {
      action: 'correspondence.send', entityType: 'activity', entityId: activity.value.id,
      customerId: input.customerId,
      after: { channel: input.channel, template: input.template, to: s.to,
        messageId: s.messageId, subject: s.subject, text: s.body,
        includeStatement: Boolean(plan.statement),
        invoiceCopyIds: input.invoiceCopyIds ?? [],
        attachments: plan.stored.map((x) => ({ id: x.attachment.id, sha256: x.attachment.sha256 })),
        files: s.files.map((f) => ({ fileName: f.fileName, sizeBytes: f.content.length })) },
    });
    return ok({ activity: activity.value, channel: input.channel, to: s.to,
      messageId: s.messageId, files: s.files });
  });
}
