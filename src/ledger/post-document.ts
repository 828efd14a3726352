import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  billingNumberTaken, findDocumentsByExternalId, insertDocuments, isUniqueViolation,
  loadCustomer, loadSetting, loadTerms, transactResult, type LedgerDocument,
} from '../db/documents.ts';
import { insertJournalEntry } from '../db/journal.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import {
  documentJournalLines, isCreditType, PAYMENT_METHODS, type PaymentMethod,
} from '../domain/ledger.ts';
import { isCurrencyCode, type Cents } from '../domain/money.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import { dueDateFor } from '../domain/terms.ts';
import type { PostDocumentError } from './errors.ts';

/** What people and source systems post; discounts, write-offs and voids come from other cases. */
export const POSTABLE_TYPES = [
  'invoice', 'debit_memo', 'credit_memo', 'finance_charge', 'payment',
] as const;
export type PostableType = (typeof POSTABLE_TYPES)[number];

export interface PostDocumentInput {
  type: PostableType;
  /** Null only for a payment whose customer is not known yet (unidentified cash). */
  customerId: number | null;
  /** Document number; for a payment, its reference (check number, trace number...). */
  number: string;
  documentDate: IsoDate;
  /** Default: from the customer's terms for debit items; the document date for credits. */
  dueDate?: IsoDate | null;
  /** Positive, whatever the type: the ledger stores it signed (credits negative). */
  amountCents: Cents;
  /** Default: the customer's currency (an unidentified payment: the base currency). */
  currency?: string | null;
  poNumber?: string | null;
  orderNumber?: string | null;
  method?: PaymentMethod | null;
  payerName?: string | null;
  memo?: string | null;
  /** Idempotency key: posting the same content again returns the first document. */
  externalId?: string | null;
}

export interface PostedDocument {
  document: LedgerDocument;
  /** False when `externalId` matched an identical earlier post. */
  created: boolean;
}

/**
 * Posts an open item with its journal entry and audit record, in one transaction.
 * Errors, in the order checked: see PostDocumentError (input shape first, then
 * external_id_conflict, the customer, the currency, document_number_taken).
 * @example postDocument(db, actor, { type: 'invoice', customerId: 7, number: 'INV-1',
 *   documentDate: '2026-03-01', amountCents: cents(10000) })
 */
export async function postDocument(
  db: Db, actor: Actor, input: PostDocumentInput,
): Promise<Result<PostedDocument, PostDocumentError>> {
  const invalid = checkPostInput(input);
  if (invalid) return err(invalid);
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactResult(db, (tx) => postDocumentInTx(tx, actor, input));
    } catch (e) {
      // A concurrent post with the same key won: the retry finds it and compares.
      if (attempt === 1 && isUniqueViolation(e, 'documents_external_id_key')) continue;
      if (isUniqueViolation(e, 'documents_billing_number')) {
        return err({ code: 'document_number_taken', type: input.type, number: input.number });
      }
      throw e;
    }
  }
}

/** The checks that need no database, in precedence order. */
export function checkPostInput(input: PostDocumentInput): PostDocumentError | null {
  if (!(POSTABLE_TYPES as readonly string[]).includes(input.type)) {
    return { code: 'document_type_not_postable', type: input.type };
  }
  assert(Number.isSafeInteger(input.amountCents), 'amountCents is a safe integer');
  if (input.amountCents <= 0) return { code: 'amount_must_be_positive' };
  if (!isIsoDate(input.documentDate)) {
    return { code: 'document_date_invalid', date: input.documentDate };
  }
  if (input.dueDate != null) {
    if (!isIsoDate(input.dueDate)) return { code: 'due_date_invalid', date: input.dueDate };
    if (input.dueDate < input.documentDate) return { code: 'due_before_document_date' };
  }
  if (input.number.trim() === '') return { code: 'number_required' };
  if (input.type === 'payment') {
    if (input.method == null) return { code: 'method_required' };
    if (!(PAYMENT_METHODS as readonly string[]).includes(input.method)) {
      return { code: 'method_invalid', method: input.method };
    }
  } else if (input.method != null) {
    return { code: 'method_only_for_payments' };
  }
  if (input.customerId === null && input.type !== 'payment') return { code: 'customer_required' };
  if (input.currency != null && !isCurrencyCode(input.currency)) {
    return { code: 'currency_invalid', currency: input.currency };
  }
  return null;
}

/** postDocument inside the caller's transaction (after `checkPostInput`). */
export async function postDocumentInTx(
  tx: Queryable, actor: Actor, input: PostDocumentInput,
): Promise<Result<PostedDocument, PostDocumentError>> {
  const amountCents = (isCreditType(input.type) ? -input.amountCents : input.amountCents) as Cents;
  if (input.externalId != null) {
    const [existing] = await findDocumentsByExternalId(tx, [input.externalId]);
    if (existing) {
      if (!sameContent(existing, input, amountCents)) {
        return err({
          code: 'external_id_conflict', externalId: input.externalId, documentId: existing.id,
        });
      }
      return ok({ document: existing, created: false });
    }
  }
  const customer = input.customerId === null ? null : await loadCustomer(tx, input.customerId);
  if (customer === undefined) {
    return err({ code: 'customer_not_found', customerId: input.customerId! });
  }
  const currency = customer?.currency
    ?? input.currency ?? String(await loadSetting(tx, 'base_currency') ?? 'USD');
  if (input.currency != null && input.currency !== currency) {
    return err({ code: 'currency_must_match_customer', customerCurrency: currency });
  }
  if (input.type !== 'payment' && input.type !== 'finance_charge'
    && await billingNumberTaken(tx, input.type, input.number.trim())) {
    return err({ code: 'document_number_taken', type: input.type, number: input.number });
  }
  let dueDate = input.dueDate ?? input.documentDate;
  let termsCode: string | null = null;
  if (customer && !isCreditType(input.type)) {
    termsCode = customer.termsCode;
    const terms = await loadTerms(tx, termsCode);
    assert(terms, `terms ${termsCode} exist`);
    dueDate = input.dueDate ?? dueDateFor(terms, input.documentDate);
  }
  const [document] = await insertDocuments(tx, [{
    customerId: customer?.id ?? null, type: input.type, number: input.number.trim(),
    documentDate: input.documentDate, dueDate, amountCents, openCents: amountCents, currency,
    termsCode, poNumber: input.poNumber ?? null, orderNumber: input.orderNumber ?? null,
    method: input.method ?? null, payerName: input.payerName ?? null, memo: input.memo ?? null,
    externalId: input.externalId ?? null, createdBy: actor.name,
  }]);
  await insertJournalEntry(tx, {
    effectiveDate: input.documentDate, kind: 'document', documentId: document!.id,
    createdBy: actor.name,
  }, documentJournalLines(input.type, amountCents, currency));
  await writeAudit(tx, actor, {
    action: 'document.post', entityType: 'document', entityId: document!.id,
    customerId: document!.customerId, after: document,
  });
  return ok({ document: document!, created: true });
}

/**
 * Whether a retried post carries what was first posted under its key. Fields the retry leaves out
 * (due date, currency) take what the first post derived; an unidentified payment may since have
 * been assigned a customer.
 */
function sameContent(d: LedgerDocument, input: PostDocumentInput, amountCents: Cents): boolean {
  const same = (a: unknown, b: unknown): boolean => (a ?? null) === (b ?? null);
  return d.type === input.type
    && (input.customerId === null ? d.type === 'payment' : d.customerId === input.customerId)
    && d.number === input.number.trim() && d.documentDate === input.documentDate
    && (input.dueDate == null || d.dueDate === input.dueDate)
    && d.amountCents === amountCents
    && (input.currency == null || d.currency === input.currency)
    && same(d.poNumber, input.poNumber) && same(d.orderNumber, input.orderNumber)
    && same(d.method, input.method) && same(d.payerName, input.payerName)
    && same(d.memo, input.memo);
}
