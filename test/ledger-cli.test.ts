import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../src/cli/context.ts';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config.ts';
import { actor } from './ledger-fixtures.ts';
import { freshDb } from './support/db.ts';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => db.dispose());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs); its shape is what the assertions check. */
  json: any;
}

/** Runs `arc ...args` against the test database, capturing the output. */
async function arc(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    ({ write: (s: string) => { append(s); return true; } }) as unknown as NodeJS.WritableStream;
  const ctx: CliContext = {
    config: loadConfig({}), db: async () => db, actor, today: '2026-03-31',
    stdout: sink((s) => { stdout += s; }), stderr: sink((s) => { stderr += s; }),
    close: async () => undefined,
  };
  const code = await main(['node', 'arc', ...args], ctx);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

describe('arc ledger commands', () => {
  let paymentId: number;
  let applicationId: number;
  let invoiceId: number;

  it('adds customers and contacts', async () => {
    const acme = await arc('customer', 'add', '--account', 'ACME', '--name', 'Acme Corp',
      '--terms', '2/10 net 30', '--credit-limit', '5,000.00', '--collector', 'ann', '--json');
    expect(acme.code).toBe(0);
    expect(acme.json.customer).toMatchObject({ accountNumber: 'ACME', termsCode: '2/10NET30',
      creditLimit: '5000.00', currency: 'USD', collector: 'ann' });
    expect((await arc('customer', 'add', '--account', 'KID', '--name', 'Acme Kid',
      '--parent', 'ACME')).stdout).toMatch(/created customer KID/);
    const again = await arc('customer', 'add', '--account', 'ACME', '--name', 'Other');
    expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/account_number_taken/)]);
    const contact = await arc('customer', 'contact', 'ACME', '--name', 'Ann AP',
      '--email', 'ap@acme.test', '--primary', '--json');
    expect(contact.json.contact).toMatchObject({ name: 'Ann AP', isPrimary: true });
    expect((await arc('customer', 'update', 'KID', '--no-parent', '--region', 'west',
      '--json')).json.customer).toMatchObject({ parentId: null, region: 'west' });
  });

  it('posts invoices idempotently and payments, identified or not', async () => {
    const inv = await arc('invoice', 'add', '--account', 'ACME', '--number', 'INV-1',
      '--date', '2026-03-01', '--amount', '1,000.00', '--po', 'PO-1', '--json');
    expect(inv.json).toMatchObject({ created: true, document: { amount: '1000.00',
      open: '1000.00', dueDate: '2026-03-31', poNumber: 'PO-1', externalId: 'invoice:INV-1' } });
    invoiceId = inv.json.document.id;
    const same = await arc('invoice', 'add', '--account', 'ACME', '--number', 'INV-1',
      '--date', '2026-03-01', '--amount', '1000', '--po', 'PO-1');
    expect(same.stdout).toMatch(/^already posted invoice INV-1/);
    const changed = await arc('invoice', 'add', '--account', 'ACME', '--number', 'INV-1',
      '--date', '2026-03-01', '--amount', '999.00', '--json');
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stderr).error.code).toBe('external_id_conflict');
    await arc('invoice', 'add', '--account', 'ACME', '--number', 'INV-2', '--date', '2026-03-05',
      '--amount', '500.00');
    const cm = await arc('invoice', 'add', '--account', 'ACME', '--number', 'CM-1',
      '--type', 'credit_memo', '--date', '2026-03-06', '--amount', '10.00', '--json');
    expect(cm.json.document).toMatchObject({ type: 'credit_memo', amount: '-10.00' });
    const pay = await arc('payment', 'add', '--account', 'ACME', '--method', 'check',
      '--reference', '1234', '--date', '2026-03-08', '--amount', '1480.00', '--json');
    expect(pay.json.document).toMatchObject({ type: 'payment', number: '1234', method: 'check',
      amount: '-1480.00' });
    paymentId = pay.json.document.id;
    const cash = await arc('payment', 'add', '--method', 'cash', '--reference', 'R-9',
      '--date', '2026-03-08', '--amount', '12.34', '--payer', 'walk-in', '--json');
    expect(cash.json.document).toMatchObject({ customerId: null, payerName: 'walk-in' });
  });

  it('applies with a discount and a write-off, and shows the account', async () => {
    const r = await arc('apply', '--payment-id', String(paymentId),
      '--to', 'INV-1=980.00:discount=20', '--to', 'INV-2=499.50:writeoff=0.50',
      '--date', '2026-03-09', '--json');
    expect(r.code).toBe(0);
    expect(r.json.unapplied).toBe('0.50');
    expect(r.json.adjustments.map((a: { document: { type: string } }) => a.document.type))
      .toEqual(['discount', 'write_off']);
    applicationId = r.json.applications[0].id;
    const over = await arc('apply', '--credit-id', String(paymentId), '--to', 'INV-1=1.00',
      '--date', '2026-03-09');
    expect([over.code, over.stderr]).toEqual(
      [1, expect.stringMatching(/^error: amount_exceeds_open_balance: /)]);
    const show = await arc('customer', 'show', 'ACME', '--json');
    expect(show.json.customer).toMatchObject({ balance: '-10.50', termsDescription: '2% 10, net 30',
      contacts: [expect.objectContaining({ name: 'Ann AP' })] });
    expect(show.json.openItems.map((d: { number: string }) => d.number))
      .toEqual(['CM-1', '1234']);
    expect((await arc('customer', 'show', 'ACME')).stdout).toMatch(/balance -10\.50 USD/);
    const list = await arc('customer', 'list', '--collector', 'ann', '--json');
    expect(list.json.customers.map((c: { accountNumber: string; balance: string }) =>
      [c.accountNumber, c.balance]))
      .toEqual([['ACME', '-10.50']]);
  });

  it('reverses an application and a document, and verifies', async () => {
    const r = await arc('application', 'reverse', String(applicationId), '--reason', 'NSF',
      '--date', '2026-03-15');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/INV-1 open 980\.00/);
    expect(r.stdout).toMatch(/arc document reverse \d+ --unapply-first/);
    const refused = await arc('document', 'reverse', String(invoiceId), '--reason', 'wrong',
      '--date', '2026-03-15');
    expect(refused.stderr).toMatch(/document_has_applications/);
    const v = await arc('document', 'reverse', String(invoiceId), '--reason', 'wrong',
      '--date', '2026-03-15', '--unapply-first', '--json');
    expect(v.json.reversal)
      .toMatchObject({ type: 'credit_memo', amount: '-1000.00', open: '0.00' });
    expect((await arc('verify')).stdout).toBe('ledger verified: no differences\n');
  });

  it('exits 1 from verify on a difference', async () => {
    await db.query('UPDATE documents SET open_cents = open_cents - 1 WHERE id = $1', [paymentId]);
    const r = await arc('verify', '--json');
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: false,
      differences: expect.arrayContaining([expect.objectContaining({ check: 'open_amount' })]) });
    await db.query('UPDATE documents SET open_cents = open_cents + 1 WHERE id = $1', [paymentId]);
    expect((await arc('verify')).code).toBe(0);
  });

  it.each([
    [['apply', '--to', 'INV-1=1', '--date', '2026-03-09']],
    [['apply', '--payment-id', '1', '--date', '2026-03-09']],
    [['invoice', 'add', '--account', 'ACME', '--number', 'X', '--date', '2026-03-01',
      '--amount', '1.234']],
    [['payment', 'add', '--method', 'barter', '--reference', 'R', '--date', '2026-03-01',
      '--amount', '1']],
    [['application', 'reverse', 'abc', '--reason', 'r', '--date', '2026-03-01']],
  ])('exits 2 on bad usage: %j', async (args) => {
    expect((await arc(...args)).code).toBe(2);
  });
});
