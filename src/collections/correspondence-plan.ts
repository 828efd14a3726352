import type { Queryable } from '../db/connection.ts';
import {
  listContacts, listOpenDocuments, loadDocuments, type Contact, type Customer,
  type LedgerDocument,
} from '../db/documents.ts';
import type {
  CorrespondenceChannel, CorrespondenceItem,
} from '../domain/collections/correspondence.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { InvoiceCopy } from '../formats/pdf/invoice-copy.ts';
import type { OpenItemStatement } from '../formats/pdf/statement-pdf.ts';
import {
  attachmentContent, loadAttachments, type Attachment,
} from './attachments-store.ts';
import { openItemsOf } from './checks.ts';
import type { DocumentsError } from './document-errors.ts';
import { invoiceCopyOf } from './invoice-copy-data.ts';
import { openItemStatement } from './statement-data.ts';

// What a piece of correspondence is made of, loaded and checked before anything is sent: the
// contact, the enclosures (statement, invoice copies, stored documents with their bytes) and the
// account's figures for the text. send-correspondence.ts turns it into an email, fax or letter.

export interface StoredEnclosure {
  attachment: Attachment;
  content: Buffer;
}

export interface CorrespondencePlan {
  contact: Contact | null;
  statement: OpenItemStatement | null;
  copies: InvoiceCopy[];
  stored: StoredEnclosure[];
  /** The items the message is about (copies and stored documents), oldest due first. */
  items: CorrespondenceItem[];
  /** Every item the activity is logged on. */
  documentIds: number[];
  balanceCents: number;
  pastDueCents: number;
}

export interface PlanInput {
  channel: CorrespondenceChannel;
  contactId?: number | null;
  to?: string | null;
  includeStatement?: boolean;
  invoiceCopyIds?: readonly number[];
  attachmentIds?: readonly number[];
  asOf: IsoDate;
}

/** A statement logs the activity on at most this many open items (like sendStatement). */
const STATEMENT_ITEMS_LOGGED_MAX = 200;

/**
 * Loads and checks the pieces. Errors, in order: contact_not_found, item_not_found,
 * item_not_on_account, item_type_not_supported, attachment_not_found,
 * attachment_not_on_account.
 */
export async function planCorrespondence(
  tx: Queryable, customer: Customer, companyName: string, input: PlanInput,
): Promise<Result<CorrespondencePlan, DocumentsError>> {
  const contact = await pickContact(tx, customer.id, input);
  if (!contact.ok) return contact;
  const copyIds = [...new Set(input.invoiceCopyIds ?? [])];
  const items = await openItemsOf(tx, customer, copyIds, { anyItem: true });
  if (!items.ok) return items;
  const copies: InvoiceCopy[] = [];
  for (const id of copyIds) {
    const copy = await invoiceCopyOf(tx, id, input.asOf, companyName);
    if (!copy.ok) return copy;
    copies.push(copy.value);
  }
  const stored = await storedEnclosures(tx, customer, input.attachmentIds ?? []);
  if (!stored.ok) return stored;
  const open = await listOpenDocuments(tx, customer.id);
  const about = new Set([...copyIds, ...stored.value.map((s) => s.attachment.documentId)]);
  const logged = new Set(about);
  if (input.includeStatement && open.length <= STATEMENT_ITEMS_LOGGED_MAX) {
    for (const d of open) logged.add(d.id);
  }
  const aboutDocs = [...items.value, ...await aboutOnlyByAttachment(tx, stored.value, copyIds)]
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id - b.id);
  const daysPastDue = (due: IsoDate) => Math.max(0, daysBetween(due, input.asOf));
  return ok({
    contact: contact.value,
    statement: input.includeStatement
      ? await openItemStatement(tx, customer, input.asOf, companyName) : null,
    copies, stored: stored.value,
    items: aboutDocs.map((d) => ({ number: d.number, dueDate: d.dueDate, openCents: d.openCents,
      daysPastDue: d.openCents > 0 ? daysPastDue(d.dueDate) : 0 })),
    documentIds: [...logged].sort((a, b) => a - b),
    balanceCents: open.reduce((s, d) => s + d.openCents, 0),
    pastDueCents: open.filter((d) => d.openCents > 0 && daysPastDue(d.dueDate) > 0)
      .reduce((s, d) => s + d.openCents, 0),
  });
}

/** The customer's past-due debit items, oldest first (a reminder that names no items). */
export async function pastDueItems(
  tx: Queryable, customerId: number, asOf: IsoDate,
): Promise<CorrespondenceItem[]> {
  return (await listOpenDocuments(tx, customerId))
    .filter((d) => d.openCents > 0 && d.dueDate < asOf)
    .map((d) => ({ number: d.number, dueDate: d.dueDate, openCents: d.openCents,
      daysPastDue: daysBetween(d.dueDate, asOf) }));
}

/**
 * The contact named, else the first (primary first) with what the channel needs: an email
 * address, a fax number, or anyone for a letter. An explicit `to` matching a contact names it.
 */
async function pickContact(
  tx: Queryable, customerId: number, input: PlanInput,
): Promise<Result<Contact | null, DocumentsError>> {
  const contacts = await listContacts(tx, customerId);
  if (input.contactId != null) {
    const c = contacts.find((x) => x.id === input.contactId);
    return c ? ok(c) : err({ code: 'contact_not_found', contactId: input.contactId });
  }
  const field = input.channel === 'email' ? 'email' : input.channel === 'fax' ? 'fax' : null;
  const to = input.to?.trim();
  if (field && to) {
    const digits = (s: string) => s.replace(/\D/g, '');
    return ok(contacts.find((c) => c[field] !== null && (field === 'email'
      ? c.email!.toLowerCase() === to.toLowerCase() : digits(c.fax!) === digits(to))) ?? null);
  }
  return ok((field ? contacts.find((c) => c[field]) : contacts[0]) ?? null);
}

async function storedEnclosures(
  tx: Queryable, customer: Customer, ids: readonly number[],
): Promise<Result<StoredEnclosure[], DocumentsError>> {
  const unique = [...new Set(ids)];
  const found = new Map((await loadAttachments(tx, unique)).map((a) => [a.id, a]));
  const children = await tx.query<{ id: number }>(
    'SELECT id FROM customers WHERE parent_id = $1', [customer.id]);
  const accounts = new Set([customer.id, ...children.rows.map((r) => r.id)]);
  const out: StoredEnclosure[] = [];
  for (const id of unique) {
    const a = found.get(id);
    if (!a || a.deletedAt !== null) return err({ code: 'attachment_not_found', attachmentId: id });
    if (!accounts.has(a.customerId)) {
      return err({ code: 'attachment_not_on_account', attachmentId: id });
    }
    out.push({ attachment: a, content: (await attachmentContent(tx, id))! });
  }
  return ok(out);
}

/** Items named only through a stored document (not also copied). */
async function aboutOnlyByAttachment(
  tx: Queryable, stored: readonly StoredEnclosure[], copyIds: readonly number[],
): Promise<LedgerDocument[]> {
  const ids = [...new Set(stored.map((s) => s.attachment.documentId))]
    .filter((id) => !copyIds.includes(id));
  return [...(await loadDocuments(tx, ids)).values()];
}
