/**
 * How a parsed receipt becomes a payment document and a row of bank facts, and how a stored
 * payment is handed to the matching engine. Pure mappings: no I/O.
 */
import type { IsoDate } from '../domain/dates.ts';
import type { PaymentMethod as LedgerMethod } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { normalizePayerAccount } from '../domain/matching/normalize.ts';
import type { PaymentToMatch, RemittanceLineToMatch } from '../domain/matching/types.ts';
import type { BankFile, PaymentMethod, Receipt, Remittance } from '../formats/bank/model.ts';

/** The ledger's payment method for a bank-file method (the ledger's list is shorter). */
const METHODS: Record<PaymentMethod, LedgerMethod> = {
  check: 'check', lockbox: 'check', ach: 'ach', direct_debit: 'ach', wire: 'wire',
  transfer: 'wire', card: 'card', other: 'wire',
};

/** What is stored beside a payment document (table bank_payments). */
export interface BankPaymentFacts {
  seq: number;
  bankReference: string | null;
  customerReference: string | null;
  checkNumber: string | null;
  payerName: string | null;
  payerAccount: string | null;
  payerBankId: string | null;
  payerId: string | null;
  valueDate: IsoDate;
  remittance: Remittance;
  sourceRecord: unknown;
}

export interface ReceiptPosting {
  number: string;
  documentDate: IsoDate;
  amountCents: Cents;
  currency: string;
  method: LedgerMethod;
  payerName: string | null;
  memo: string | null;
  externalId: string;
  facts: BankPaymentFacts;
}

/** Receipts that are money in our account: booked (pending and advice-only ones are not). */
export function isPostable(r: Receipt): boolean {
  return r.status === 'booked' && r.amountCents > 0;
}

/**
 * The payment to post for receipt number `seq` (0-based within the file). Its number is the
 * check number, else the payer's or the bank's reference; the idempotency key is the file's hash
 * with the position, so the same file twice posts nothing new.
 */
export function receiptPosting(
  file: BankFile, r: Receipt, seq: number, today: IsoDate,
): ReceiptPosting {
  const statementDate = r.statementIndex === undefined ? undefined
    : file.statements[r.statementIndex]?.date;
  const documentDate = r.bookingDate ?? r.valueDate ?? statementDate ?? today;
  const payer = r.ultimatePayer?.name ? r.ultimatePayer : r.payer;
  const number = r.checkNumber ?? r.bankReference ?? r.customerReference
    ?? `${file.format.toUpperCase()}-${file.sha256.slice(0, 8)}-${seq + 1}`;
  return {
    number: number.trim().slice(0, 120) || `${file.sha256.slice(0, 8)}-${seq + 1}`,
    documentDate,
    amountCents: r.amountCents,
    currency: r.currency,
    method: METHODS[r.method],
    payerName: payer.name?.trim() || r.payer.name?.trim() || null,
    memo: r.bankText.length > 0 ? r.bankText.join(' ').slice(0, 500) : null,
    externalId: `bank:${file.sha256}:${seq}`,
    facts: {
      seq,
      bankReference: r.bankReference ?? null,
      customerReference: r.customerReference ?? null,
      checkNumber: r.checkNumber ?? null,
      payerName: r.payer.name?.trim() || null,
      payerAccount: r.payer.account ? normalizePayerAccount(r.payer.account) || null : null,
      payerBankId: r.payer.bankId ?? null,
      payerId: r.payer.id ?? r.ultimatePayer?.id ?? null,
      valueDate: r.valueDate ?? documentDate,
      remittance: r.remittance,
      sourceRecord: r.sourceRecord,
    },
  };
}

/** A stored payment with its bank facts, as the matching engine sees it. */
export interface StoredPayment {
  id: number;
  customerId: number | null;
  number: string;
  documentDate: IsoDate;
  /** Still unapplied, positive. */
  unappliedCents: Cents;
  currency: string;
  method: string;
  payerName: string | null;
  bankReference: string | null;
  payerAccount: string | null;
  payerId: string | null;
  valueDate: IsoDate | null;
  remittance: Remittance | null;
}

export function toPaymentToMatch(p: StoredPayment): PaymentToMatch {
  const lines: RemittanceLineToMatch[] = (p.remittance?.lines ?? []).map((l) => ({
    referenceType: l.referenceType, documentNumber: l.documentNumber, paidCents: l.paidCents,
    grossCents: l.grossCents, discountCents: l.discountCents, adjustmentCents: l.adjustmentCents,
    adjustmentReason: l.adjustmentReason,
  }));
  return {
    id: String(p.id),
    amountCents: p.unappliedCents,
    currency: p.currency,
    valueDate: p.valueDate ?? p.documentDate,
    method: p.method,
    bankReference: p.bankReference ?? undefined,
    payer: {
      name: p.payerName ?? undefined, account: p.payerAccount ?? undefined,
      id: p.payerId ?? undefined,
    },
    remittance: { lines, freeText: p.remittance?.freeText ?? [] },
  };
}
