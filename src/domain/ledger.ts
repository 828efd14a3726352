import type { Cents } from './money.ts';
import { assert } from './result.ts';

/** Items that increase what the customer owes (positive amounts). */
export const DEBIT_TYPES = [
  'invoice', 'debit_memo', 'finance_charge', 'deduction', 'refund', 'nsf_reversal',
] as const;
/** Items that reduce it (negative amounts). */
export const CREDIT_TYPES = ['credit_memo', 'payment', 'discount', 'write_off'] as const;

export type DebitType = (typeof DEBIT_TYPES)[number];
export type CreditType = (typeof CREDIT_TYPES)[number];
export type DocumentType = DebitType | CreditType;

export const PAYMENT_METHODS = [
  'check', 'cash', 'ach', 'wire', 'card', 'online_bill_pay', 'route_cash',
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export type GlAccount =
  | 'ar_control' | 'unapplied_cash' | 'cash_clearing' | 'sales_clearing' | 'sales_returns'
  | 'sales_discounts' | 'bad_debt' | 'allowance' | 'nsf_fees' | 'finance_charges'
  | 'refunds_payable' | 'deductions';

export function isCreditType(type: string): type is CreditType {
  return (CREDIT_TYPES as readonly string[]).includes(type);
}

export function isDocumentType(type: string): type is DocumentType {
  return isCreditType(type) || (DEBIT_TYPES as readonly string[]).includes(type);
}

/**
 * The GL account that carries an open item while it is open. Receipts sit in unapplied cash until
 * applied; everything else is in the AR control account. So, per currency:
 * AR control = sum of open non-payment items, unapplied cash = sum of open payments.
 */
export function balanceAccount(type: DocumentType): GlAccount {
  return type === 'payment' ? 'unapplied_cash' : 'ar_control';
}

/** The other side of the entry that posts a document. */
export function offsetAccount(type: DocumentType): GlAccount {
  switch (type) {
    case 'invoice':
    case 'debit_memo':
      return 'sales_clearing';
    case 'finance_charge':
      return 'finance_charges';
    case 'deduction':
      return 'deductions';
    case 'refund':
      return 'refunds_payable';
    case 'nsf_reversal':
      return 'cash_clearing';
    case 'credit_memo':
      return 'sales_returns';
    case 'payment':
      return 'cash_clearing';
    case 'discount':
      return 'sales_discounts';
    case 'write_off':
      return 'bad_debt';
  }
}

/** A journal line: debit positive, credit negative. */
export interface JournalLine {
  account: GlAccount;
  currency: string;
  amountCents: Cents;
}

/** The entry that posts a document of `amount` (signed by its type). */
export function documentJournalLines(
  type: DocumentType,
  amount: Cents,
  currency: string,
): JournalLine[] {
  assert(amount !== 0, 'a posted document has a non-zero amount');
  assert((amount < 0) === isCreditType(type), `sign of ${type} amount ${amount}`);
  return [
    { account: balanceAccount(type), currency, amountCents: amount },
    { account: offsetAccount(type), currency, amountCents: -amount as Cents },
  ];
}

/**
 * The entry for applying `amount` of a credit item to a debit item (negative for a reversal).
 * When both sit in the same account (a credit memo on an invoice) there is no GL movement.
 */
export function applicationJournalLines(
  creditType: CreditType,
  debitType: DebitType,
  amount: Cents,
  currency: string,
): JournalLine[] {
  const from = balanceAccount(creditType);
  const to = balanceAccount(debitType);
  if (from === to) return [];
  return [
    { account: from, currency, amountCents: amount },
    { account: to, currency, amountCents: -amount as Cents },
  ];
}

/** Sums lines per account and currency, dropping zeros: one summarized entry for a batch. */
export function summarizeLines(lines: Iterable<JournalLine>): JournalLine[] {
  const totals = new Map<string, JournalLine>();
  for (const l of lines) {
    const key = `${l.account}|${l.currency}`;
    const t = totals.get(key);
    if (t) t.amountCents = (t.amountCents + l.amountCents) as Cents;
    else totals.set(key, { ...l });
  }
  return [...totals.values()]
    .filter((l) => l.amountCents !== 0)
    .sort((a, b) => (a.account + a.currency).localeCompare(b.account + b.currency));
}

/** True when every currency in the lines nets to zero. */
export function isBalanced(lines: readonly JournalLine[]): boolean {
  const net = new Map<string, number>();
  for (const l of lines) net.set(l.currency, (net.get(l.currency) ?? 0) + l.amountCents);
  return [...net.values()].every((v) => v === 0);
}
