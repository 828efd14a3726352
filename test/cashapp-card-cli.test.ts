import { simpleParser } from 'mailparser';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { addContact } from '../src/ledger/add-contact.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { freshDb } from './support/db.ts';
import { actor, customer, openCents, post, unwrap } from './ledger-fixtures.ts';

// `arc payments card`: the same use case as POST /api/v1/card-payments, configured from the
// environment (ARC_STRIPE_*, ARC_SMTP_*). The real `stripe` client talks to a local stand-in of
// Stripe's PaymentIntents endpoint (with its idempotency-key replay, as in cashapp-card.test.ts);
// the receipt goes through a real SMTP server and is read back.

interface Received { to: string[]; subject: string; text: string }

let db: Awaited<ReturnType<typeof freshDb>>;
let stripe: Server;
let smtp: SMTPServer;
let env: Record<string, string>;
const calls: { key: string; params: URLSearchParams }[] = [];
const answers = new Map<string, { status: number; body: unknown }>();
const inbox: Received[] = [];

function stripeAnswer(params: URLSearchParams): { status: number; body: unknown } {
  const n = answers.size + 1;
  if (params.get('payment_method') === 'pm_card_chargeDeclined') {
    return { status: 402, body: { error: { type: 'card_error', code: 'card_declined',
      decline_code: 'generic_decline', message: 'Your card was declined.' } } };
  }
  const charge = { id: `ch_cli_${n}`, object: 'charge',
    payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } } };
  return { status: 200, body: { id: `pi_cli_${n}`, object: 'payment_intent', status: 'succeeded',
    amount: Number(params.get('amount')), currency: params.get('currency'),
    latest_charge: charge } };
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
      const answer = answers.get(key) ?? stripeAnswer(params);
      calls.push({ key, params });
      answers.set(key, answer);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
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
  env = { ARC_STRIPE_SECRET_KEY: 'sk_test_cli', ARC_STRIPE_HOST: '127.0.0.1',
    ARC_STRIPE_PORT: String((stripe.address() as { port: number }).port),
    ARC_STRIPE_PROTOCOL: 'http', ARC_SMTP_HOST: '127.0.0.1',
    ARC_SMTP_PORT: String((smtp.server.address() as { port: number }).port),
    ARC_MAIL_FROM: 'ar@demo.example', ARC_COMPANY_NAME: 'Demo Company' };
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => stripe.close(() => resolve()));
  await db.dispose();
});

/** `arc ...args` against the test database, configured from `environment`. */
async function arc(environment: Record<string, string>, ...args: string[]) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({ write(chunk, _e, done) { append(String(chunk)); done(); } });
  const ctx: CliContext = {
    config: loadConfig(environment), db: async () => db,
    actor: { name: 'clerk', kind: 'cli', source: 'cli' }, today: '2026-07-01',
    stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)),
    close: async () => undefined,
  };
  const code = await main(['node', 'arc', ...args], ctx);
  return { code, out, err, json: () => JSON.parse(out) };
}

async function account() {
  const cu = await customer(db, { name: 'Acme Stores' });
  unwrap(await addContact(db, actor, { customerId: cu.id, name: 'Pat AP',
    email: `ap-${cu.id}@acme.example`, isPrimary: true }));
  const inv1 = await post(db, 'invoice', cu.id, '2026-06-01', 120_000);
  const inv2 = await post(db, 'invoice', cu.id, '2026-06-05', 30_000);
  return { cu, inv1, inv2 };
}

describe('arc payments card', () => {
  it('charges through the gateway, applies, prints the reference, emails the receipt',
    async () => {
      const { cu, inv1, inv2 } = await account();
      const r = await arc(env, 'payments', 'card', cu.accountNumber,
        '--payment-method', 'pm_card_visa', '--invoice', inv1.number,
        '--invoice', `${inv2.number}=100.00`, '--amount', '1325.00',
        '--idempotency-key', 'cli-test-1');
      expect(r.code, r.err).toBe(0);
      const call = calls.at(-1)!;
      expect(call.key).toBe('cli-test-1');
      expect([call.params.get('amount'), call.params.get('payment_method')])
        .toEqual(['132500', 'pm_card_visa']);
      expect(r.out).toMatch(/gateway reference pi_cli_\d+ \(stripe\)/);
      expect(r.out).toContain(`applied 1200.00 to ${inv1.number}`);
      expect(r.out).toContain(`applied 100.00 to ${inv2.number}`);
      expect(r.out).toContain('left on account: 25.00');
      expect(r.out).toContain(`receipt emailed to ap-${cu.id}@acme.example`);
      expect(await openCents(db, inv1.id)).toBe(0);
      expect(await openCents(db, inv2.id)).toBe(20_000);
      const mail = inbox.at(-1)!;
      expect(mail.to).toEqual([`ap-${cu.id}@acme.example`]);
      expect(mail.text).toContain('Amount charged: USD 1,325.00 on 2026-07-01');
      expect(mail.text).toContain('Left on account: USD 25.00');

      // The same key again: nothing charged, the first answer (as JSON this time).
      const calls1 = calls.length;
      const closed = await arc(env, 'payments', 'card', cu.accountNumber,
        '--payment-method', 'pm_card_visa', '--invoice', inv1.number);
      expect(closed.code).toBe(1);
      expect(closed.err).toContain('invoice_not_open');
      const again = await arc(env, 'payments', 'card', cu.accountNumber,
        '--payment-method', 'pm_card_visa', '--invoice', `${inv1.number}=1200.00`,
        '--invoice', `${inv2.number}=100.00`, '--amount', '1325.00',
        '--idempotency-key', 'cli-test-1', '--json');
      expect(again.code, again.err).toBe(0);
      expect(again.json()).toMatchObject({ replayed: true,
        card: { gatewayId: expect.stringMatching(/^pi_cli_/) } });
      expect(calls.length).toBe(calls1);
      expect(await verifyLedger(db)).toEqual([]);
    });

  it('refuses: a decline (exit 1, nothing posted), no gateway, bad usage (exit 2)', async () => {
    const { cu, inv1 } = await account();
    const declined = await arc(env, 'payments', 'card', cu.accountNumber,
      '--payment-method', 'pm_card_chargeDeclined', '--invoice', inv1.number);
    expect(declined.code).toBe(1);
    expect(declined.err).toContain('card_declined');
    expect(await openCents(db, inv1.id)).toBe(120_000);
    const unconfigured = await arc({}, 'payments', 'card', cu.accountNumber,
      '--payment-method', 'pm_card_visa', '--amount', '10.00');
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.err).toContain('card_payments_not_configured');
    const pan = await arc(env, 'payments', 'card', cu.accountNumber,
      '--payment-method', '4242 4242 4242 4242', '--amount', '10.00');
    expect(pan.code).toBe(1);
    expect(pan.err).toContain('card_number_not_accepted');
    expect(pan.err).not.toContain('4242 4242');
    const below = await arc(env, 'payments', 'card', cu.accountNumber,
      '--payment-method', 'pm_card_visa', '--invoice', inv1.number, '--amount', '1.00');
    expect(below.code).toBe(2);
    const nothing = await arc(env, 'payments', 'card', cu.accountNumber,
      '--payment-method', 'pm_card_visa');
    expect(nothing.code).toBe(2);
    const unknown = await arc(env, 'payments', 'card', cu.accountNumber,
      '--payment-method', 'pm_card_visa', '--invoice', 'NOPE-1');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('document_not_found');
  });
});
