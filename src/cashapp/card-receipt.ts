import type { Actor } from '../db/audit.ts';
import type { Db } from '../db/connection.ts';
import { listContacts, type Customer, type LedgerDocument } from '../db/documents.ts';
import type { IsoDate } from '../domain/dates.ts';
import { currencyExponent, formatAmount } from '../domain/money.ts';
import { assert } from '../domain/result.ts';
import { logActivity } from '../collections/log-activity.ts';
import type { Mailer } from '../collections/mailer.ts';
import type { CardPaymentRecord } from './card-payment-store.ts';

/** One invoice the card payment paid: its number, what was paid, what is still open. */
export interface ReceiptLine {
  document: LedgerDocument;
  paidCents: number;
}

export interface CardReceipt {
  to: string | null;
  messageId: string | null;
  /** Why no receipt went out (no mailer, no email address, the SMTP server failed). */
  error: string | null;
  activityId: number | null;
}

/** The receipt's text: the charge, the card (brand and last four only), the invoices paid. */
export function receiptText(
  companyName: string, customer: Customer, card: CardPaymentRecord, paidOn: IsoDate,
  lines: readonly ReceiptLine[],
): string {
  const exp = currencyExponent(card.currency);
  const money = (n: number): string => `${card.currency} ${formatAmount(n, exp, true)}`;
  const width = Math.max(7, ...lines.map((l) => l.document.number.length));
  const paid = lines.reduce((s, l) => s + l.paidCents, 0);
  const rows = lines.map((l) => `  ${l.document.number.padEnd(width)}  ${money(l.paidCents)}`
    + `  (open now ${money(l.document.openCents)})`);
  return [
    `Thank you for your payment, ${customer.name} (account ${customer.accountNumber}).`, '',
    `Amount charged: ${money(card.amountCents)} on ${paidOn}`,
    `Card: ${card.brand ?? 'card'} ending ${card.last4 ?? '????'}`,
    `Reference: ${card.gatewayId}`, '',
    lines.length > 0 ? 'Invoices paid:' : 'No invoices paid: the amount is on your account.',
    ...rows,
    ...(card.amountCents > paid ? ['', `Left on account: ${money(card.amountCents - paid)}`] : []),
    '', companyName,
  ].join('\n');
}

/**
 * Emails the receipt to the customer's primary contact (the first with an email address) and
 * logs it as an email activity on the account and its items. The payment is already booked, so a
 * failure to send is reported in the answer and on the activity, never undoes the payment.
 */
export async function sendCardReceipt(
  db: Db, actor: Actor, mailer: Mailer | undefined, companyName: string,
  customer: Customer, card: CardPaymentRecord, paidOn: IsoDate, lines: readonly ReceiptLine[],
): Promise<CardReceipt> {
  if (!mailer) {
    return { to: null, messageId: null, error: 'email_not_configured', activityId: null };
  }
  const contact = (await listContacts(db, customer.id)).find((c) => c.email);
  if (!contact?.email) {
    return { to: null, messageId: null, error: 'recipient_missing', activityId: null };
  }
  const subject = `Payment receipt ${card.gatewayId}`;
  let messageId: string | null = null;
  let error: string | null = null;
  try {
    messageId = (await mailer.send({ to: contact.email, subject,
      text: receiptText(companyName, customer, card, paidOn, lines) })).messageId;
  } catch (e) {
    error = `smtp_failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  const activity = await logActivity(db, actor, {
    customerId: customer.id, kind: 'email', outcome: error ? 'failed' : 'sent', subject,
    contactId: contact.id, contactName: contact.name, source: 'system', occurredOn: paidOn,
    body: error ? `card payment receipt not sent: ${error}`
      : `card payment receipt; message ${messageId}`,
    documentIds: [card.paymentId!, ...lines.map((l) => l.document.id)],
  });
  // The payment and the contact are this customer's own: a refusal here is a bug.
  assert(activity.ok, `receipt activity logged: ${JSON.stringify(activity)}`);
  return { to: contact.email, messageId, error, activityId: activity.value.id };
}
