/**
 * Input and output types of the cash-application matching engine. The engine owns these shapes;
 * an adapter maps parsed bank files (src/formats/bank/model.ts) and database rows onto them.
 *
 * Amounts are integer minor units (`Cents`) of the payment's currency; dates are `YYYY-MM-DD`.
 */
import type { IsoDate } from '../dates.ts';
import type { DocumentType } from '../ledger.ts';
import type { Cents } from '../money.ts';
import type { Terms } from '../terms.ts';

/** What a remittance line says it refers to (the bank-file model's reference types). */
export type ReferenceType =
  | 'invoice'
  | 'credit_note'
  | 'debit_note'
  | 'creditor_reference'
  | 'account'
  | 'purchase_order'
  | 'return_authorization'
  | 'other';

/**
 * One line of remittance advice. Amounts are signed as in the bank-file model: `paidCents` is
 * negative for a credit note taken against the payment; a negative `adjustmentCents` is an amount
 * the payer deducted (with `adjustmentReason`, e.g. an X12 CARC/ADX reason code).
 */
export interface RemittanceLineToMatch {
  referenceType: ReferenceType;
  documentNumber?: string;
  paidCents?: Cents;
  grossCents?: Cents;
  discountCents?: Cents;
  adjustmentCents?: Cents;
  adjustmentReason?: string;
}

export interface PaymentToMatch {
  /** The caller's id for the payment; echoed in the proposal. */
  id: string;
  /** Positive. */
  amountCents: Cents;
  currency: string;
  /** The date the money is worth: early-payment discounts are judged on it. */
  valueDate: IsoDate;
  method: string;
  bankReference?: string;
  payer: {
    name?: string;
    /** The payer's bank account (IBAN, account number), any spacing. */
    account?: string;
    /** The payer's own id for itself; NACHA individual ids often carry our account number. */
    id?: string;
  };
  remittance: {
    lines: readonly RemittanceLineToMatch[];
    /** Unstructured text blocks that may name documents or the account. */
    freeText: readonly string[];
  };
}

/**
 * An open item the payment might settle. `openCents` and `amountCents` are signed like the ledger:
 * positive for debit items (invoices, debit memos), negative for credits (credit memos).
 */
export interface OpenItemCandidate {
  id: string;
  customerId: string;
  number: string;
  type: DocumentType;
  documentDate: IsoDate;
  dueDate: IsoDate;
  openCents: Cents;
  amountCents: Cents;
  currency: string;
  terms: Terms;
}

/**
 * How unreferenced cash is applied for a customer. `oldestFirst`: apply it to the oldest items
 * when nothing else fits. Such a guess stays below the auto-apply threshold unless
 * `oldestFirstAutoApply` says the customer has agreed to it.
 */
export interface CustomerPolicy {
  oldestFirst: boolean;
  oldestFirstAutoApply?: boolean;
}

export interface CustomerCandidate {
  id: string;
  /** Our account number for the customer (printed on invoices and statements). */
  accountNumber: string;
  name: string;
  /** Other names the customer pays under: DBA names, former names, parent or payer names. */
  aliases: readonly string[];
  policy: CustomerPolicy;
}

/**
 * What clerks have confirmed about a payer bank account: the customers it has paid for, most
 * recently confirmed first. One customer is the usual case; several mean a shared payer (a parent
 * company, a payment service) whose account alone does not identify the customer.
 */
export interface LearnedAccount {
  /** Normalized with `normalizePayerAccount`. */
  payerAccount: string;
  customerIds: readonly string[];
  confirmations: number;
}

/** Learned accounts keyed by the normalized payer account. */
export type LearnedAccounts = ReadonlyMap<string, LearnedAccount>;

export interface MatchConfig {
  /** Proposals at or above this confidence (0-100) are applied without a clerk. */
  autoApplyConfidenceMin: number;
  /**
   * A short pay is written off when it is at most this many cents AND at most
   * `writeOffTolerancePercentBp` basis points of the item's open amount; otherwise it becomes a
   * deduction for the collector.
   */
  writeOffToleranceCents: Cents;
  writeOffTolerancePercentBp: number;
  /** Bounds of the search for a combination of open items summing to the amount. */
  combination: { itemsMax: number; nodesMax: number };
  /** Payer-name similarity (0..1) needed for strong and for weak name evidence. */
  fuzzy: { nameStrong: number; nameWeak: number };
}

export const DEFAULT_MATCH_CONFIG: MatchConfig = {
  autoApplyConfidenceMin: 90,
  writeOffToleranceCents: 2500 as Cents,
  writeOffTolerancePercentBp: 100,
  combination: { itemsMax: 6, nodesMax: 20_000 },
  fuzzy: { nameStrong: 0.9, nameWeak: 0.8 },
};

export type MatchRule =
  | 'remittance_lines'
  | 'invoice_in_text'
  | 'exact_amount'
  | 'amount_combination'
  | 'discounted_amount'
  | 'oldest_first'
  | 'none';

/**
 * Cash applied to one item. For a debit item `appliedCents + discountCents + writeOffCents` plus
 * any deduction on the item never exceeds its open amount. Taking a credit memo is a negative
 * `appliedCents` (never beyond its open amount).
 */
export interface Allocation {
  itemId: string;
  appliedCents: Cents;
  discountCents: Cents;
  writeOffCents: Cents;
}

/** A short pay beyond tolerance: it closes the item and opens a deduction for the collector. */
export interface Deduction {
  amountCents: Cents;
  /** The payer's adjustment reason when given, else `unexplained_short_pay` or `unearned_discount`. */
  reasonCode: string;
  itemId?: string;
}

/**
 * The engine's answer for one payment. Cash reconciles exactly:
 * `payment.amountCents = sum(allocations.appliedCents) + unappliedCents`; discounts, write-offs
 * and deductions settle the rest of each item without cash.
 */
export interface MatchProposal {
  paymentId: string;
  customerId: string | null;
  customerConfidence: number;
  customerReasons: string[];
  allocations: Allocation[];
  deductions: Deduction[];
  unappliedCents: Cents;
  /** 0-100. */
  confidence: number;
  rule: MatchRule;
  reasons: string[];
  autoApply: boolean;
}
