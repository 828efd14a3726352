/**
 * Document and account references a payment carries: remittance lines and numbers found in its
 * free text. Text is read leniently ("INV#0010234", "inv 10234/10235") but numbers after a
 * purchase-order, check or trace label are not taken for invoices.
 */
import { accountKey, documentDigits, documentKey, documentPrefix } from './normalize.ts';
import type { PaymentToMatch, ReferenceType, RemittanceLineToMatch } from './types.ts';

/** A document number the payer wrote, in the forms used to look it up. */
export interface DocumentReference {
  /** As written. */
  text: string;
  key: string;
  digits: string;
  prefix: string;
  /** The remittance line it came from; absent for a number found in free text. */
  line?: RemittanceLineToMatch;
  lineIndex?: number;
  /** True when the text said "invoice"/"INV" right before it (or it is a structured line). */
  labelled: boolean;
}

export interface PaymentReferences {
  documents: DocumentReference[];
  /** Account numbers stated: `accountKey` form, with how strongly the payment says so. */
  accounts: { key: string; text: string; how: 'stated' | 'labelled' | 'bare' }[];
  /** Remittance lines that name no document but carry amounts (e.g. an unattached deduction). */
  unreferencedLines: RemittanceLineToMatch[];
}

const DOCUMENT_LINE_TYPES: ReadonlySet<ReferenceType> = new Set([
  'invoice', 'credit_note', 'debit_note', 'creditor_reference', 'other',
]);

/** Words after which a number is not one of our documents. */
const NOT_DOCUMENT_LABELS = new Set([
  'PO', 'ORDER', 'CHECK', 'CHK', 'CK', 'CHEQUE', 'BOL', 'PRO', 'TRACE', 'TRN', 'CONF', 'REF',
  'CONFIRMATION', 'BATCH', 'ROUTING', 'ABA',
]);
const ACCOUNT_LABELS = new Set(['ACCT', 'ACCOUNT', 'ACC', 'CUST', 'CUSTOMER', 'CUSTNO', 'AC']);
const DOCUMENT_LABELS = new Set(['INV', 'INVOICE', 'INVOICES', 'INVS', 'INVNO', 'BILL', 'DOC']);

function reference(text: string, labelled: boolean, line?: RemittanceLineToMatch, i?: number) {
  const ref: DocumentReference = {
    text,
    key: documentKey(text),
    digits: documentDigits(text),
    prefix: documentPrefix(text),
    labelled,
  };
  if (line) {
    ref.line = line;
    ref.lineIndex = i;
  }
  return ref;
}

/** True when a token looks like a date or is too short to be a document or account number. */
function tooWeak(token: string): boolean {
  const digits = token.replace(/\D/g, '').length;
  if (digits < 4) return true;
  return /^\d{1,2}-\d{1,2}-\d{2,4}$/.test(token) || /^\d{4}-\d{2}-\d{2}$/.test(token);
}

/** Splits "10234-10235" (a list) but keeps "INV-10234" (one number). */
function splitList(token: string): string[] {
  const parts = token.split('-');
  if (parts.length > 1 && parts.every((p) => /^\d{4,}$/.test(p))) return parts;
  return [token];
}

/** Reads free text for document and account numbers. */
export function scanText(text: string, out: PaymentReferences): void {
  const tokens = text.toUpperCase().match(/[A-Z0-9]+(?:-[A-Z0-9]+)*/g) ?? [];
  let previous = '';
  let beforePrevious = '';
  for (const raw of tokens) {
    for (const token of splitList(raw)) {
      if (!/\d/.test(token)) {
        [beforePrevious, previous] = [previous, token];
        continue;
      }
      const label = beforePrevious === 'P' && previous === 'O' ? 'PO' : previous;
      if (!tooWeak(token) && !NOT_DOCUMENT_LABELS.has(label)) {
        if (ACCOUNT_LABELS.has(label) || (beforePrevious === 'A' && previous === 'C')) {
          out.accounts.push({ key: accountKey(token), text: token, how: 'labelled' });
        } else {
          const labelled = DOCUMENT_LABELS.has(label) || /^[A-Z]/.test(token);
          out.documents.push(reference(token, labelled));
          out.accounts.push({ key: accountKey(token), text: token, how: 'bare' });
        }
      }
      // A list after one label ("INV 10234 10235") keeps the label for each number.
      if (!DOCUMENT_LABELS.has(previous) && !ACCOUNT_LABELS.has(previous)) {
        [beforePrevious, previous] = [previous, token];
      }
    }
  }
}

/**
 * Every reference in a payment: remittance lines first (in order), then numbers in the free text
 * that the lines do not already name. The payer's own id counts as a stated account number.
 */
export function paymentReferences(payment: PaymentToMatch): PaymentReferences {
  let found = referencesMemo.get(payment);
  if (!found) referencesMemo.set(payment, found = readReferences(payment));
  return found;
}

/**
 * The references of each payment object, read once: a batch asks for them three times (what to
 * load, who paid, which items). A pure function's cache, keyed weakly on the payment; callers
 * treat the answer as read-only.
 */
const referencesMemo = new WeakMap<PaymentToMatch, PaymentReferences>();

function readReferences(payment: PaymentToMatch): PaymentReferences {
  const out: PaymentReferences = { documents: [], accounts: [], unreferencedLines: [] };
  payment.remittance.lines.forEach((line, i) => {
    const number = line.documentNumber?.trim() ?? '';
    if (line.referenceType === 'account' && number !== '') {
      out.accounts.push({ key: accountKey(number), text: number, how: 'stated' });
    } else if (number !== '' && DOCUMENT_LINE_TYPES.has(line.referenceType)) {
      out.documents.push(reference(number, true, line, i));
    } else if (line.paidCents !== undefined || line.adjustmentCents !== undefined) {
      out.unreferencedLines.push(line);
    }
  });
  if (payment.payer.id && payment.payer.id.trim() !== '') {
    out.accounts.push({ key: accountKey(payment.payer.id), text: payment.payer.id, how: 'stated' });
  }
  const text: PaymentReferences = { documents: [], accounts: [], unreferencedLines: [] };
  for (const block of payment.remittance.freeText) scanText(block, text);
  const named = new Set(out.documents.map((d) => d.key));
  for (const d of text.documents) {
    if (named.has(d.key)) continue;
    named.add(d.key);
    out.documents.push(d);
  }
  out.accounts.push(...text.accounts);
  return out;
}
