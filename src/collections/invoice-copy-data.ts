import type { Queryable } from '../db/connection.ts';
import {
  listContacts, loadCustomer, loadDocuments, type Contact, type Customer,
} from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { InvoiceCopy } from '../formats/pdf/invoice-copy.ts';
import { ATTACHABLE_TYPES } from './attachments-store.ts';
import type { DocumentsError } from './document-errors.ts';

/**
 * The copy of an invoice, debit memo or credit memo as of a date, for the PDF writer: the
 * document's header, the customer as billed (with its parent account and the primary contact)
 * and its open amount. Errors: item_not_found, item_type_not_supported.
 */
export async function invoiceCopyOf(
  tx: Queryable, documentId: number, asOf: IsoDate, companyName: string,
): Promise<Result<InvoiceCopy, DocumentsError>> {
  const d = (await loadDocuments(tx, [documentId])).get(documentId);
  if (!d || d.customerId === null) return err({ code: 'item_not_found', documentId });
  const type = d.type;
  if (type !== 'invoice' && type !== 'debit_memo' && type !== 'credit_memo') {
    return err({ code: 'item_type_not_supported', documentId, itemType: type,
      allowed: ATTACHABLE_TYPES.join(', ') });
  }
  const customer = (await loadCustomer(tx, d.customerId))!;
  const termsCode = d.termsCode ?? customer.termsCode;
  const t = await tx.query<{ description: string }>(
    'SELECT description FROM terms WHERE code = $1', [termsCode]);
  return ok({
    companyName, type, number: d.number, documentDate: d.documentDate, dueDate: d.dueDate,
    terms: t.rows[0] ? `${termsCode} (${t.rows[0].description})` : termsCode,
    poNumber: d.poNumber, orderNumber: d.orderNumber, memo: d.memo, currency: d.currency,
    amountCents: d.amountCents, openCents: d.openCents, asOf,
    accountNumber: customer.accountNumber, billTo: await billTo(tx, customer),
  });
}

/**
 * The bill-to (or address) block: name, the parent account it belongs to, the contact named
 * (default: the primary contact) with their email.
 */
export async function billTo(
  tx: Queryable, c: Customer, contact?: Contact | null,
): Promise<string[]> {
  const lines = [c.name];
  if (c.parentId !== null) {
    const parent = await loadCustomer(tx, c.parentId);
    if (parent) lines.push(`Part of ${parent.name} (${parent.accountNumber})`);
  }
  const attn = contact === undefined ? (await listContacts(tx, c.id))[0] : contact;
  if (attn) {
    lines.push(`Attn: ${attn.name}${attn.role ? `, ${attn.role.replace(/_/g, ' ')}` : ''}`);
    if (attn.email) lines.push(attn.email);
  }
  return lines;
}
