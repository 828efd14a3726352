import { createHash } from 'node:crypto';
import { writeAudit, type Actor } from '../db/audit.ts';
import type { Db, Queryable } from '../db/connection.ts';
import {
  loadCustomer, loadDocuments, transactResult, type Application, type Customer,
  type LedgerDocument,
} from '../db/documents.ts';
import { isIsoDate, type IsoDate } from '../domain/dates.ts';
import { isCreditType } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { assert, err, ok, type Result } from '../domain/result.ts';
import type { Mailer } from '../collections/mailer.ts';
import { applyCreditInTx } from '../ledger/apply-credit.ts';
import type { ApplyCreditError, PostDocumentError } from '../ledger/errors.ts';
import { postDocumentInTx } from '../ledger/post-document.ts';
import type { CardChargeError, CardGateway } from './card-gateway.ts';
import {
  findCardPayment, insertCardPayment, lockIdempotencyKey, recordReceipt, type CardPaymentRecord,
} from './card-payment-store.ts';
import { sendCardReceipt, type CardReceipt } from './card-receipt.ts';

export interface CardPaymentLine {
  invoiceId: number;
  amountCents: Cents;
}

export interface TakeCardPaymentInput {
  customerId: number;
  /** The invoices (any open debit item) the payment pays, and how much of each. */
  lines: readonly CardPaymentLine[];
  /** Charged beyond the lines and left unapplied on the account. Default 0. */
  onAccountCents?: Cents;
  /** The gateway's token for the card (Stripe `pm_...`); a card number is refused. */
  paymentMethodToken: string;
  /** The same key again returns the first outcome and charges nothing. */
  idempotencyKey: string;
  /** The business date: the payment's received-on date and the applications' applied-on. */
  today: IsoDate;
}

export interface TakeCardPaymentDeps {
  db: Db;
  /** Undefined when no gateway is configured (card payments are then refused). */
  gateway: CardGateway | undefined;
  mailer: Mailer | undefined;
  companyName: string;
}

export interface CardPaymentOutcome {
  card: CardPaymentRecord;
  payment: LedgerDocument;
  applications: Application[];
  /** The invoices after the payment, in line order. */
  invoices: LedgerDocument[];
  /**
   * Set when the invoices changed between the check and the charge (another payment got there
   * first): the money is booked as a payment left on account, for a clerk to apply.
   */
  notApplied: ApplyCreditError | null;
  receipt: CardReceipt;
  /** True when the idempotency key had been used: nothing was charged or sent this time. */
  replayed: boolean;
}

export type TakeCardPaymentError =
  | { code: 'idempotency_key_required' }
  /** The token looks like a card number: ARC never receives, sends or stores card numbers. */
  | { code: 'card_number_not_accepted' }
  | { code: 'payment_method_token_invalid' }
  | { code: 'date_invalid'; date: string }
  | { code: 'debit_listed_twice'; debitId: number }
  | { code: 'amount_must_be_positive'; debitId?: number }
  | { code: 'idempotency_key_reused' }
  | { code: 'card_payments_not_configured' }
  | { code: 'customer_not_found'; customerId: number }
  | { code: 'debit_not_found'; debitId: number }
  | { code: 'not_a_debit_item'; debitId: number; type: string }
  | { code: 'customers_must_match'; debitId: number }
  | { code: 'currencies_must_match'; debitId: number; creditCurrency: string;
      debitCurrency: string }
  | { code: 'amount_exceeds_open_balance'; debitId: number; openCents: Cents }
  | CardChargeError
  | PostDocumentError
  | ApplyCreditError;

/** 12 to 19 digits, maybe grouped by spaces or dashes: the shape of a card number (PAN). */
const PAN_LIKE = /\d(?:[ -]?\d){11,18}/;
const TOKEN = /^[A-Za-z0-9_]{3,255}$/;

/**
 * Takes a card payment: checks the request, charges the card through the gateway (with the
 * idempotency key), then in one transaction posts a payment (method card, number = the gateway's
 * id), applies it to the invoices and records the charge (gateway id, brand, last four); then
 * emails a receipt listing the invoices paid and logs it on the account. A decline posts nothing
 * and answers `card_declined` with the gateway's decline code. Errors, in the order checked:
 * the TakeCardPaymentError list from idempotency_key_required to amount_exceeds_open_balance,
 * then the gateway's (card_declined, card_charge_not_completed, card_gateway_failed).
 */
export async function takeCardPayment(
  deps: TakeCardPaymentDeps, actor: Actor, input: TakeCardPaymentInput,
): Promise<Result<CardPaymentOutcome, TakeCardPaymentError>> {
  const shape = checkShape(input);
  if (shape) return err(shape);
  const { db, gateway } = deps;
  const hash = requestHash(input);
  const earlier = await findCardPayment(db, input.idempotencyKey);
  if (earlier) return replay(db, earlier, hash);
  if (!gateway) return err({ code: 'card_payments_not_configured' });
  const customer = await loadCustomer(db, input.customerId);
  if (!customer) return err({ code: 'customer_not_found', customerId: input.customerId });
  const invoices = await loadDocuments(db, input.lines.map((l) => l.invoiceId));
  const invalid = checkLines(input, customer, invoices);
  if (invalid) return err(invalid);
  const amountCents = totalOf(input);
  const charged = await gateway.charge({
    amountCents, currency: customer.currency, paymentMethodToken: input.paymentMethodToken,
    idempotencyKey: input.idempotencyKey,
    metadata: {
      arc_account: customer.accountNumber, arc_idempotency_key: input.idempotencyKey,
      arc_invoices: input.lines.map((l) => invoices.get(l.invoiceId)!.number).join(',')
        .slice(0, 500),
    },
  });
  const base = { idempotencyKey: input.idempotencyKey, requestHash: hash,
    customerId: customer.id, amountCents, currency: customer.currency, gateway: gateway.name };
  if (!charged.ok) {
    if (charged.error.code === 'card_declined') {
      const declined = charged.error;
      const row = await transactResult(db, (tx) => recordOnce(tx, actor, input, async () =>
        ok(await insertCardPayment(tx, { ...base, status: 'declined',
          gatewayId: declined.gatewayId, brand: null, last4: null,
          declineCode: declined.declineCode, paymentId: null }, actor.name))));
      if (row.ok && row.value.replayed) return replay(db, row.value.card, hash);
    }
    return err(charged.error);
  }
  const charge = charged.value;
  const book = (apply: boolean) => transactResult(db, (tx) => recordOnce(tx, actor, input,
    () => bookPayment(tx, actor, input, customer, apply, { ...base, status: 'succeeded',
      gatewayId: charge.gatewayId, brand: charge.brand, last4: charge.last4,
      declineCode: null, paymentId: null })));
  let booked = await book(true);
  let notApplied: ApplyCreditError | null = null;
  if (!booked.ok && isApplyError(booked.error)) {
    notApplied = booked.error;
    booked = await book(false);
  }
  if (!booked.ok) return booked;
  if (booked.value.replayed) return replay(db, booked.value.card, hash);
  const card = booked.value.card;
  const outcome = await loadOutcome(db, card, input.lines.map((l) => l.invoiceId));
  const receipt = await sendCardReceipt(db, actor, deps.mailer, deps.companyName, customer, card,
    input.today, notApplied ? [] : outcome.invoices.map((document, i) => ({
      document, paidCents: input.lines[i]!.amountCents })));
  const withReceipt = await recordReceipt(db, card.id, receipt);
  return ok({ ...outcome, card: withReceipt, notApplied, receipt, replayed: false });
}

function checkShape(input: TakeCardPaymentInput): TakeCardPaymentError | null {
  if (input.idempotencyKey.trim() === '' || input.idempotencyKey.length > 200) {
    return { code: 'idempotency_key_required' };
  }
  if (PAN_LIKE.test(input.paymentMethodToken)) return { code: 'card_number_not_accepted' };
  if (!TOKEN.test(input.paymentMethodToken)) return { code: 'payment_method_token_invalid' };
  if (!isIsoDate(input.today)) return { code: 'date_invalid', date: input.today };
  const seen = new Set<number>();
  for (const l of input.lines) {
    assert(Number.isSafeInteger(l.amountCents), 'line amountCents is a safe integer');
    if (seen.has(l.invoiceId)) return { code: 'debit_listed_twice', debitId: l.invoiceId };
    seen.add(l.invoiceId);
    if (l.amountCents <= 0) return { code: 'amount_must_be_positive', debitId: l.invoiceId };
  }
  const onAccount = input.onAccountCents ?? 0;
  assert(Number.isSafeInteger(onAccount), 'onAccountCents is a safe integer');
  if (onAccount < 0 || totalOf(input) <= 0) return { code: 'amount_must_be_positive' };
  return null;
}

/** The rules applyCredit checks again after the charge, checked before it: no charge in vain. */
function checkLines(
  input: TakeCardPaymentInput, customer: Customer, docs: ReadonlyMap<number, LedgerDocument>,
): TakeCardPaymentError | null {
  for (const l of input.lines) {
    const d = docs.get(l.invoiceId);
    if (!d) return { code: 'debit_not_found', debitId: l.invoiceId };
    if (isCreditType(d.type)) return { code: 'not_a_debit_item', debitId: d.id, type: d.type };
    if (d.customerId !== customer.id) return { code: 'customers_must_match', debitId: d.id };
    if (d.currency !== customer.currency) {
      return { code: 'currencies_must_match', debitId: d.id, creditCurrency: customer.currency,
        debitCurrency: d.currency };
    }
    if (l.amountCents > d.openCents) {
      return { code: 'amount_exceeds_open_balance', debitId: d.id, openCents: d.openCents };
    }
  }
  return null;
}

function totalOf(input: TakeCardPaymentInput): Cents {
  const lines = input.lines.reduce((s, l) => s + l.amountCents, 0);
  return (lines + (input.onAccountCents ?? 0)) as Cents;
}

function requestHash(input: TakeCardPaymentInput): string {
  const canonical = JSON.stringify([input.customerId,
    input.lines.map((l) => [l.invoiceId, l.amountCents]), input.onAccountCents ?? 0,
    input.paymentMethodToken]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

type Recorded = { card: CardPaymentRecord; replayed: boolean };

/** Runs `write` unless the key already has an outcome (a concurrent request recorded it). */
async function recordOnce<E>(
  tx: Queryable, actor: Actor, input: TakeCardPaymentInput,
  write: () => Promise<Result<CardPaymentRecord, E>>,
): Promise<Result<Recorded, E>> {
  await lockIdempotencyKey(tx, input.idempotencyKey);
  const earlier = await findCardPayment(tx, input.idempotencyKey);
  if (earlier) return ok({ card: earlier, replayed: true });
  const card = await write();
  if (!card.ok) return card;
  await writeAudit(tx, actor, {
    action: card.value.status === 'succeeded' ? 'card_payment.take' : 'card_payment.decline',
    entityType: 'card_payment', entityId: card.value.id, customerId: card.value.customerId,
    after: card.value,
  });
  return ok({ card: card.value, replayed: false });
}

/** Posts the payment, applies it (unless `apply` is false) and records the charge. */
async function bookPayment(
  tx: Queryable, actor: Actor, input: TakeCardPaymentInput, customer: Customer, apply: boolean,
  row: Parameters<typeof insertCardPayment>[1],
): Promise<Result<CardPaymentRecord, PostDocumentError | ApplyCreditError>> {
  const posted = await postDocumentInTx(tx, actor, {
    type: 'payment', customerId: customer.id, number: row.gatewayId!,
    documentDate: input.today, amountCents: row.amountCents, currency: row.currency,
    method: 'card', memo: `card ${row.brand ?? ''} ${row.last4 ?? ''}`.trim(),
    externalId: `card:${row.gateway}:${row.gatewayId}`,
  });
  if (!posted.ok) return posted;
  const payment = posted.value.document;
  if (apply && input.lines.length > 0) {
    const applied = await applyCreditInTx(tx, actor, {
      creditId: payment.id, appliedOn: input.today, method: 'manual',
      lines: input.lines.map((l) => ({ debitId: l.invoiceId, amountCents: l.amountCents })),
    });
    if (!applied.ok) return applied;
  }
  return ok(await insertCardPayment(tx, { ...row, paymentId: payment.id }, actor.name));
}

const APPLY_CODES: ReadonlySet<string> = new Set(['debit_not_found', 'not_a_debit_item',
  'currencies_must_match', 'customers_must_match', 'applied_before_document_date',
  'amount_exceeds_open_balance', 'amount_exceeds_credit_open_balance']);

function isApplyError(e: { code: string }): e is ApplyCreditError {
  return APPLY_CODES.has(e.code);
}

/** The first outcome of a key: the same request gets it again, another request is refused. */
async function replay(
  db: Db, card: CardPaymentRecord, hash: string,
): Promise<Result<CardPaymentOutcome, TakeCardPaymentError>> {
  if (card.requestHash !== hash) return err({ code: 'idempotency_key_reused' });
  if (card.status === 'declined') {
    return err({ code: 'card_declined', declineCode: card.declineCode!,
      gatewayId: card.gatewayId, message: 'declined (the first answer for this key)' });
  }
  const outcome = await loadOutcome(db, card, null);
  return ok({ ...outcome, notApplied: null, replayed: true,
    receipt: { to: card.receiptTo, messageId: card.receiptMessageId, error: card.receiptError,
      activityId: card.activityId } });
}

async function loadOutcome(
  db: Queryable, card: CardPaymentRecord, invoiceIds: readonly number[] | null,
): Promise<Pick<CardPaymentOutcome, 'card' | 'payment' | 'applications' | 'invoices'>> {
  const r = await db.query<Application>(
    `SELECT id, credit_id AS "creditId", debit_id AS "debitId", amount_cents AS "amountCents",
       applied_on AS "appliedOn", reverses_id AS "reversesId", method, confidence, reason,
       external_id AS "externalId", created_by AS "createdBy"
     FROM applications WHERE credit_id = $1 ORDER BY id`,
    [card.paymentId]);
  const ids = invoiceIds ?? r.rows.map((a) => a.debitId);
  const docs = await loadDocuments(db, [card.paymentId!, ...ids]);
  return { card, payment: docs.get(card.paymentId!)!, applications: r.rows,
    invoices: ids.map((id) => docs.get(id)!) };
}
