import { simpleParser } from 'mailparser';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/create-api-token.ts';
import { createUser } from '../src/auth/create-user.ts';
import { stripeGateway } from '../src/cashapp/stripe-gateway.ts';
import {
  takeCardPayment, type TakeCardPaymentDeps, type TakeCardPaymentInput,
} from '../src/cashapp/take-card-payment.ts';
import { smtpMailer, type Mailer } from '../src/collections/mailer.ts';
import { loadConfig, loadMailConfig, loadStripeConfig } from '../src/config.ts';
import type { Cents } from '../src/domain/money.ts';
import { buildServer, type ArcServer } from '../src/http/server.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { applyCredit } from '../src/ledger/apply-credit.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb } from './support/db.ts';
import { testClock } from './support/http.ts';
import { actor, customer, failure, openCents, post, unwrap } from './ledger-fixtures.ts';

// Card payments end to end: the real `stripe` client talks to a local stand-in for Stripe's API
// (only the external service is faked: POST /v1/payment_intents, with Stripe's idempotency-key
// replay), the receipt goes through a real SMTP server, the ledger is verified afterwards.

interface StripeCall { idempotencyKey: string; params: URLSearchParams; authorization: string }
interface Received { to: string[]; subject: string; text: string }

/** Test tokens as Stripe documents them: a card that pays, one that is declined. */
const CARDS: Record<string, { brand: string; last4: string } | { decline: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444' },
  pm_card_visa_chargeDeclinedInsufficientFunds: { decline: 'insufficient_funds' },
};

let db: Awaited<ReturnType<typeof freshDb>>;
let stripe: Server;
let smtp: SMTPServer;
let mailer: Mailer;
let deps: TakeCardPaymentDeps;
let stripeEnv: Record<string, string>;
let smtpEnv: Record<string, string>;
const calls: StripeCall[] = [];
/** Stripe's idempotency: the first answer per key, replayed. */
const answers = new Map<string, { status: number; body: unknown }>();
const inbox: Received[] = [];

function stripeAnswer(params: URLSearchParams): { status: number; body: unknown } {
  const n = answers.size + 1;
  const card = CARDS[params.get('payment_method') ?? ''];
  if (!card) {
    return { status: 400, body: { error: { type: 'invalid_request_error',
      code: 'resource_missing', message: 'No such PaymentMethod' } } };
  }
  if ('decline' in card) {
    return { status: 402, body: { error: { type: 'card_error', code: 'card_declined',
      decline_code: card.decline, message: 'Your card has insufficient funds.',
      payment_intent: { id: `pi_test_${n}`, object: 'payment_intent',
        status: 'requires_payment_method' } } } };
  }
  const charge = { id: `ch_test_${n}`, object: 'charge',
    payment_method_details: { type: 'card', card } };
  return { status: 200, body: {
    id: `pi_test_${n}`, object: 'payment_intent', status: 'succeeded',
    amount: Number(params.get('amount')), currency: params.get('currency'),
    latest_charge: params.get('expand[0]') === 'latest_charge' ? charge : charge.id,
  } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  db = await freshDb();
  stripe = createServer((req, res) => {
    void readBody(req).then((text) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const params = new URLSearchParams(text);
      const found = req.method === 'POST' && req.url === '/v1/payment_intents';
      const answer = !found ? { status: 404, body: { error: { type: 'invalid_request_error',
        message: `no route ${req.method} ${req.url}` } } }
        : answers.get(key) ?? stripeAnswer(params);
      if (found) {
        calls.push({ idempotencyKey: key, params, authorization: req.headers.authorization ?? '' });
        answers.set(key, answer);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_1' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => stripe.listen(0, '127.0.0.1', resolve));
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address),
          subject: m.subject ?? '', text: m.text ?? '' });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  stripeEnv = { ARC_STRIPE_SECRET_KEY: 'sk_test_arc', ARC_STRIPE_HOST: '127.0.0.1',
    ARC_STRIPE_PORT: String((stripe.address() as { port: number }).port),
    ARC_STRIPE_PROTOCOL: 'http' };
  smtpEnv = { ARC_SMTP_HOST: '127.0.0.1',
    ARC_SMTP_PORT: String((smtp.server.address() as { port: number }).port),
    ARC_MAIL_FROM: 'ar@demo.example', ARC_COMPANY_NAME: 'Demo Company' };
  mailer = smtpMailer(loadMailConfig(smtpEnv))!;
  deps = { db, gateway: stripeGateway(loadStripeConfig(stripeEnv)!), mailer,
    companyName: 'Demo Company' };
});
afterAll(async () => {
  mailer.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => stripe.close(() => resolve()));
  await db.dispose();
});
beforeEach(async () => {
  expect(await verifyLedger(db)).toEqual([]);
});

/** A customer with a primary contact and two open invoices (1,200.00 and 300.00). */
async function account() {
  const cu = await customer(db, { name: 'Acme Stores' });
  unwrap(await addContact(db, actor, { customerId: cu.id, name: 'Pat AP',
    email: `ap-${cu.id}@acme.example`, isPrimary: true }));
  const inv1 = await post(db, 'invoice', cu.id, '2026-06-01', 120_000);
  const inv2 = await post(db, 'invoice', cu.id, '2026-06-05', 30_000);
  return { cu, inv1, inv2 };
}

const c = (n: number) => n as Cents;
let keys = 0;
const newKey = () => `card-test-${process.pid}-${++keys}`;

async function documentCount(): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents');
  return r.rows[0]!.n;
}

describe('taking a card payment through Stripe', () => {
  it('charges once, posts a card payment applied to the invoices, emails the receipt',
    async () => {
      const { cu, inv1, inv2 } = await account();
      const input: TakeCardPaymentInput = {
        customerId: cu.id, paymentMethodToken: 'pm_card_visa', idempotencyKey: newKey(),
        lines: [{ invoiceId: inv1.id, amountCents: c(120_000) },
          { invoiceId: inv2.id, amountCents: c(10_000) }],
        onAccountCents: c(2_500), today: '2026-07-01',
      };
      const calls0 = calls.length;
      const o = unwrap(await takeCardPayment(deps, actor, input));

      // The gateway saw one confirmed PaymentIntent for the total, with our idempotency key.
      expect(calls.length).toBe(calls0 + 1);
      const call = calls.at(-1)!;
      expect(call.idempotencyKey).toBe(input.idempotencyKey);
      expect(call.authorization).toBe('Bearer sk_test_arc');
      expect(Object.fromEntries(['amount', 'currency', 'confirm', 'payment_method']
        .map((k) => [k, call.params.get(k)]))).toEqual({ amount: '132500', currency: 'usd',
        confirm: 'true', payment_method: 'pm_card_visa' });
      expect(call.params.get('metadata[arc_invoices]')).toBe(`${inv1.number},${inv2.number}`);

      // The ledger: a card payment numbered with the gateway's id, applied, 25.00 on account.
      expect(o.replayed).toBe(false);
      expect(o.payment).toMatchObject({ type: 'payment', method: 'card', number: o.card.gatewayId,
        amountCents: -132_500, openCents: -2_500, customerId: cu.id, documentDate: '2026-07-01' });
      expect(o.applications.map((a) => [a.debitId, a.amountCents]))
        .toEqual([[inv1.id, 120_000], [inv2.id, 10_000]]);
      expect(await openCents(db, inv1.id)).toBe(0);
      expect(await openCents(db, inv2.id)).toBe(20_000);
      expect(o.card).toMatchObject({ status: 'succeeded', gateway: 'stripe', brand: 'visa',
        last4: '4242', amountCents: 132_500, currency: 'USD', paymentId: o.payment.id });
      expect(await verifyLedger(db)).toEqual([]);

      // The receipt, read back from the SMTP server, lists the invoices paid and the amount.
      expect(o.receipt).toMatchObject({ to: `ap-${cu.id}@acme.example`, error: null });
      const mail = inbox.at(-1)!;
      expect(mail.to).toEqual([`ap-${cu.id}@acme.example`]);
      expect(mail.subject).toBe(`Payment receipt ${o.card.gatewayId}`);
      expect(mail.text).toContain('Amount charged: USD 1,325.00 on 2026-07-01');
      expect(mail.text).toContain('visa ending 4242');
      const row = (n: string, paid: string, open: string) =>
        new RegExp(`${n}\\s+USD ${paid}\\s+\\(open now USD ${open}\\)`);
      expect(mail.text).toMatch(row(inv1.number, '1,200.00', '0.00'));
      expect(mail.text).toMatch(row(inv2.number, '100.00', '200.00'));
      expect(mail.text).toContain('Left on account: USD 25.00');

      // Logged on the account as an email about the payment and the invoices.
      const act = await db.query<{ kind: string; outcome: string; subject: string; ids: number[] }>(
        `SELECT kind, outcome, subject, array(SELECT document_id FROM activity_items i
           WHERE i.activity_id = a.id ORDER BY document_id) AS ids
         FROM activities a WHERE id = $1`, [o.receipt.activityId]);
      expect(act.rows[0]).toMatchObject({ kind: 'email', outcome: 'sent',
        subject: mail.subject });
      expect(act.rows[0]!.ids.map(Number)).toEqual([inv1.id, inv2.id, o.payment.id]
        .sort((a, b) => a - b));

      // Stored of the card: the gateway's id, brand and last four; not the token.
      const stored = await db.query('SELECT * FROM card_payments WHERE id = $1', [o.card.id]);
      expect(JSON.stringify(stored.rows[0])).not.toContain('pm_card_visa');
    });

  it('the same idempotency key twice charges once and posts once; another request is refused',
    async () => {
      const { cu, inv1 } = await account();
      const input: TakeCardPaymentInput = {
        customerId: cu.id, paymentMethodToken: 'pm_card_mastercard', idempotencyKey: newKey(),
        lines: [{ invoiceId: inv1.id, amountCents: c(50_000) }], today: '2026-07-01',
      };
      const first = unwrap(await takeCardPayment(deps, actor, input));
      const calls1 = calls.length;
      const mails1 = inbox.length;
      const docs1 = await documentCount();
      const again = unwrap(await takeCardPayment(deps, actor, input));
      expect(again.replayed).toBe(true);
      expect(again.payment.id).toBe(first.payment.id);
      expect(again.card.gatewayId).toBe(first.card.gatewayId);
      expect(again.applications.map((a) => a.id)).toEqual(first.applications.map((a) => a.id));
      expect(again.receipt.messageId).toBe(first.receipt.messageId);
      expect(calls.length).toBe(calls1);
      expect(inbox.length).toBe(mails1);
      expect(await documentCount()).toBe(docs1);
      expect(await openCents(db, inv1.id)).toBe(70_000);
      expect(failure(await takeCardPayment(deps, actor, { ...input,
        lines: [{ invoiceId: inv1.id, amountCents: c(60_000) }] })).code)
        .toBe('idempotency_key_reused');
      expect(calls.length).toBe(calls1);
    });

  it('after a crash between the charge and the posting, the retry gets the same charge',
    async () => {
      const { cu, inv2 } = await account();
      const key = newKey();
      // The first attempt reached Stripe and then died: Stripe holds the answer for the key.
      const gateway = deps.gateway!;
      const lost = unwrap(await gateway.charge({ amountCents: c(30_000), currency: 'USD',
        paymentMethodToken: 'pm_card_visa', idempotencyKey: key, metadata: {} }));
      const o = unwrap(await takeCardPayment(deps, actor, { customerId: cu.id,
        paymentMethodToken: 'pm_card_visa', idempotencyKey: key, today: '2026-07-01',
        lines: [{ invoiceId: inv2.id, amountCents: c(30_000) }] }));
      expect(o.card.gatewayId).toBe(lost.gatewayId);
      expect(calls.filter((x) => x.idempotencyKey === key)).toHaveLength(2);
      expect(answers.get(key)!.status).toBe(200);
      expect(await openCents(db, inv2.id)).toBe(0);
    });

  it('when another payment closes the invoice during the charge, the money stays on account',
    async () => {
      const { cu, inv2 } = await account();
      const check = await post(db, 'payment', cu.id, '2026-06-20', 30_000);
      // Another clerk applies a check to the invoice while the card is being charged.
      const racing: TakeCardPaymentDeps = { ...deps, gateway: { name: 'stripe',
        async charge(request) {
          unwrap(await applyCredit(db, actor, { creditId: check.id, appliedOn: '2026-07-01',
            lines: [{ debitId: inv2.id, amountCents: c(30_000) }] }));
          return deps.gateway!.charge(request);
        } } };
      const o = unwrap(await takeCardPayment(racing, actor, { customerId: cu.id,
        paymentMethodToken: 'pm_card_visa', idempotencyKey: newKey(), today: '2026-07-01',
        lines: [{ invoiceId: inv2.id, amountCents: c(30_000) }] }));
      expect(o.notApplied).toMatchObject({ code: 'amount_exceeds_open_balance',
        debitId: inv2.id, openCents: 0 });
      expect(o.applications).toEqual([]);
      expect(o.payment).toMatchObject({ method: 'card', amountCents: -30_000, openCents: -30_000 });
      expect(inbox.at(-1)!.text).toContain('Left on account: USD 300.00');
      expect(await verifyLedger(db)).toEqual([]);
    });

  it('a declined card posts nothing and answers the decline code, also on retry', async () => {
    const { cu, inv1 } = await account();
    const input: TakeCardPaymentInput = {
      customerId: cu.id, paymentMethodToken: 'pm_card_visa_chargeDeclinedInsufficientFunds',
      idempotencyKey: newKey(), lines: [{ invoiceId: inv1.id, amountCents: c(120_000) }],
      today: '2026-07-01',
    };
    const docs0 = await documentCount();
    const mails0 = inbox.length;
    const declined = failure(await takeCardPayment(deps, actor, input));
    expect(declined).toMatchObject({ code: 'card_declined', declineCode: 'insufficient_funds' });
    expect(await documentCount()).toBe(docs0);
    expect(await openCents(db, inv1.id)).toBe(120_000);
    expect(inbox.length).toBe(mails0);
    const calls1 = calls.length;
    expect(failure(await takeCardPayment(deps, actor, input))).toMatchObject(
      { code: 'card_declined', declineCode: 'insufficient_funds' });
    expect(calls.length).toBe(calls1);
    const row = await db.query<{ status: string; payment_id: number | null }>(
      'SELECT status, payment_id FROM card_payments WHERE idempotency_key = $1',
      [input.idempotencyKey]);
    expect(row.rows).toEqual([{ status: 'declined', payment_id: null }]);
  });

  // Refusals before any charge, in the order checked.
  const refusals: { name: string; change: Partial<TakeCardPaymentInput>; code: string }[] = [
    { name: 'no key', change: { idempotencyKey: ' ' }, code: 'idempotency_key_required' },
    { name: 'a PAN', change: { paymentMethodToken: '4242424242424242' },
      code: 'card_number_not_accepted' },
    { name: 'a grouped PAN', change: { paymentMethodToken: '4000 0566 5566 5556' },
      code: 'card_number_not_accepted' },
    { name: 'a PAN in a token', change: { paymentMethodToken: 'tok_5555-5555-5555-4444' },
      code: 'card_number_not_accepted' },
    { name: 'not a token', change: { paymentMethodToken: 'visa; exp 12/30' },
      code: 'payment_method_token_invalid' },
    { name: 'nothing to charge', change: { lines: [] }, code: 'amount_must_be_positive' },
    { name: 'an unknown invoice', change: { lines: [{ invoiceId: 0, amountCents: c(1) }] },
      code: 'debit_not_found' },
  ];
  it.each(refusals)('refuses $name ($code) and calls no gateway', async ({ change, code }) => {
    const { cu, inv1 } = await account();
    const calls0 = calls.length;
    const docs0 = await documentCount();
    const r = await takeCardPayment(deps, actor, { customerId: cu.id,
      paymentMethodToken: 'pm_card_visa', idempotencyKey: newKey(), today: '2026-07-01',
      lines: [{ invoiceId: inv1.id, amountCents: c(1) }], ...change });
    expect(failure(r).code).toBe(code);
    expect(calls.length).toBe(calls0);
    expect(await documentCount()).toBe(docs0);
  });

  it('refuses more than the open amount before charging', async () => {
    const { cu, inv2 } = await account();
    const calls0 = calls.length;
    expect(failure(await takeCardPayment(deps, actor, { customerId: cu.id,
      paymentMethodToken: 'pm_card_visa', idempotencyKey: newKey(), today: '2026-07-01',
      lines: [{ invoiceId: inv2.id, amountCents: c(30_001) }] })))
      .toEqual({ code: 'amount_exceeds_open_balance', debitId: inv2.id, openCents: 30_000 });
    expect(calls.length).toBe(calls0);
  });
});

describe('POST /api/v1/card-payments', () => {
  let app: ArcServer;
  let token: string;
  beforeAll(async () => {
    const clock = testClock('2026-07-02T12:00:00.000Z');
    app = await buildServer({ db, clock, config: loadConfig({ ...stripeEnv, ...smtpEnv }) });
    const setup = { name: 'test-setup', kind: 'system' as const };
    unwrap(await createUser(db, setup, { username: 'cal', role: 'cash_application',
      password: 'correct horse battery' }));
    token = unwrap(await createApiToken(db, setup, { owner: 'cal', name: 't' },
      clock.now())).secret;
  });
  afterAll(async () => app.close());

  const call = (body: unknown, key?: string) => app.inject({
    method: 'POST', url: '/api/v1/card-payments', payload: body as object,
    headers: { authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
  });

  it('takes the payment, answers 201 with the card and the applications; a decline is 402',
    async () => {
      const { cu, inv1, inv2 } = await account();
      const key = newKey();
      const body = { customerId: cu.id, paymentMethod: 'pm_card_visa',
        lines: [{ invoiceId: inv1.id, amount: '1200.00' }, { invoiceId: inv2.id, amount: '300' }] };
      const r = await call(body, key);
      expect(r.statusCode, r.body).toBe(201);
      const o = r.json() as { card: Record<string, unknown>; applications: unknown[];
        payment: { id: number; method: string }; receipt: { to: string } };
      expect(o.card).toMatchObject({ brand: 'visa', last4: '4242', amount: '1500.00' });
      expect(o.payment.method).toBe('card');
      expect(o.applications).toHaveLength(2);
      expect(o.receipt.to).toBe(`ap-${cu.id}@acme.example`);
      expect(inbox.at(-1)!.text).toContain(inv2.number);
      const calls1 = calls.length;
      const again = await call(body, key);
      expect(again.statusCode).toBe(201);
      expect((again.json() as { payment: { id: number } }).payment.id).toBe(o.payment.id);
      expect(calls.length).toBe(calls1);

      const { cu: cu2, inv1: other } = await account();
      const declined = await call({ customerId: cu2.id, lines: [
        { invoiceId: other.id, amount: '10.00' }],
      paymentMethod: 'pm_card_visa_chargeDeclinedInsufficientFunds' }, newKey());
      expect(declined.statusCode).toBe(402);
      expect(declined.json()).toMatchObject({ code: 'card_declined',
        declineCode: 'insufficient_funds' });
      const pan = await call({ customerId: cu2.id, lines: [],
        onAccount: '5.00', paymentMethod: '4242 4242 4242 4242' }, newKey());
      expect(pan.statusCode).toBe(422);
      expect(pan.json()).toMatchObject({ code: 'card_number_not_accepted' });
      expect(pan.body).not.toContain('4242');
      const noKey = await call({ customerId: cu2.id, lines: [], onAccount: '5.00',
        paymentMethod: 'pm_card_visa' });
      expect(noKey.json()).toMatchObject({ code: 'idempotency_key_required' });
      expect(await verifyLedger(db)).toEqual([]);
    });
});
