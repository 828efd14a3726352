import type { FastifyReply } from 'fastify';
import type { LedgerDocument } from '../db/documents.ts';
import { daysBetween, type IsoDate } from '../domain/dates.ts';
import { currencyExponent, formatAmount, parseAmount, type Cents } from '../domain/money.ts';
import type { ApplicationView, ItemView } from '../reports/customer-items.ts';
import type { CustomerDetail, CustomerSummary } from '../reports/customers.ts';
import type { CustomerAging } from '../reports/customer-aging.ts';
import { sendProblem } from './problem.ts';

// Turns the reports' and use cases' values (cents) into the API's (decimal strings), and the
// API's amounts back into cents. Amounts are formatted in their own currency's exponent.

export function money(amountCents: number, currency: string): string {
  return formatAmount(amountCents, currencyExponent(currency));
}

const nullableMoney = (c: number | null, currency: string): string | null =>
  c === null ? null : money(c, currency);

export function customerSummaryJson(c: CustomerSummary) {
  return {
    id: c.id, accountNumber: c.accountNumber, name: c.name, currency: c.currency,
    balance: money(c.balanceCents, c.currency), pastDue: money(c.pastDueCents, c.currency),
    oldestDueDate: c.oldestDueDate, daysPastDueMax: c.daysPastDueMax,
    creditLimit: nullableMoney(c.creditLimitCents, c.currency), collector: c.collector,
    salesRep: c.salesRep, region: c.region, status: c.status, terms: c.terms,
  };
}

export function customerDetailJson(c: CustomerDetail) {
  return {
    ...customerSummaryJson(c), termsDescription: c.termsDescription,
    availableCredit: nullableMoney(c.availableCreditCents, c.currency), parent: c.parent,
    contacts: c.contacts, notes: c.notes,
  };
}

export function agingStripJson(a: CustomerAging, currency: string) {
  return {
    buckets: a.buckets, amounts: a.amountsCents.map((c) => money(c, currency)),
    unapplied: money(a.unappliedCents, currency), total: money(a.totalCents, currency),
  };
}

export function itemJson(i: ItemView) {
  return {
    id: i.id, customerId: i.customerId, type: i.type, number: i.number,
    documentDate: i.documentDate, dueDate: i.dueDate, amount: money(i.amountCents, i.currency),
    open: money(i.openCents, i.currency), currency: i.currency, daysPastDue: i.daysPastDue,
    poNumber: i.poNumber, orderNumber: i.orderNumber, method: i.method,
    reference: i.type === 'payment' ? i.number : null, payerName: i.payerName, memo: i.memo,
  };
}

/** A document a use case returned, as an Item. */
export function documentJson(d: LedgerDocument, today: IsoDate) {
  return itemJson({
    ...d,
    daysPastDue: d.openCents > 0 ? Math.max(0, daysBetween(d.dueDate, today)) : 0,
  });
}

export function applicationJson(a: ApplicationView, currency: string) {
  const { amountCents, ...rest } = a;
  return { ...rest, amount: money(amountCents, currency) };
}

/**
 * Parses an amount field to cents, or answers 422 `amount_invalid` naming the field (and
 * returns null). `exponent` is the currency's.
 */
export function amountOr422(
  reply: FastifyReply, field: string, text: string, exponent = 2,
): Cents | null {
  const r = parseAmount(text, exponent);
  if (r.ok) return r.value;
  sendProblem(reply, 'amount_invalid', `${field}: "${text}" is not an amount (${r.error.code})`,
    { field, reason: r.error.code });
  return null;
}
