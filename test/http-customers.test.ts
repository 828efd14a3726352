import { Type, type TSchema } from 'typebox';
import Value from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgingStripSchema, CustomerDetailSchema, CustomerSummarySchema, ItemSchema,
} from '../src/http/ledger-schemas.ts';
import { verifyLedger } from '../src/ledger/verify.ts';
import { problemOf, testServer, type Browser, type TestServer } from './support/http.ts';

// Customers over HTTP: create, change, contacts, the list (search, filter, sort, pages) and the
// portfolio rules: a sales rep sees only their customers, a collector changes only their own.

let s: TestServer;
let manager: Browser;
let collector: Browser;
let rep: Browser;
const ids: Record<string, number> = {};

async function create(body: Record<string, unknown>): Promise<number> {
  const r = await manager.request('POST', '/api/v1/customers', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().customer.id as number;
}

async function invoice(customerId: number, number: string, date: string, amount: string) {
  const r = await manager.request('POST', '/api/v1/items',
    { customerId, type: 'invoice', number, date, amount });
  expect(r.statusCode, r.body).toBe(201);
}

beforeAll(async () => {
  s = await testServer();
  await s.addUser('mia', 'ar_manager', 'Mia Manager');
  await s.addUser('cole', 'collector', 'Cole Collector');
  await s.addUser('rita', 'sales_rep', 'Rita Rep');
  [manager, collector, rep] = [await s.signIn('mia'), await s.signIn('cole'),
    await s.signIn('rita')];
  ids.acme = await create({ account: 'A100', name: 'Acme Tools', terms: 'net 30',
    creditLimit: '5,000.00', collector: 'Cole Collector', salesRep: 'Rita Rep', region: 'West' });
  ids.bolt = await create({ account: 'B200', name: 'Bolt Supply', collector: 'Other Person',
    salesRep: 'Other Rep', region: 'East' });
  ids.cog = await create({ account: 'C300', name: 'Cog Works', salesRep: 'Rita Rep' });
  // Today is 2026-06-30 (the test clock): Acme's invoice is 31 days late, Bolt's 1 day.
  await invoice(ids.acme, 'INV-1', '2026-04-30', '1200.00');
  await invoice(ids.bolt, 'INV-2', '2026-05-30', '3000.50');
  await invoice(ids.cog, 'INV-3', '2026-06-20', '10.00');
});
afterAll(async () => s.close());

describe('customer detail', () => {
  it('shows the header with balances, terms, credit and the aging strip', async () => {
    const r = await manager.request('GET', `/api/v1/customers/${ids.acme}`);
    expect(r.statusCode).toBe(200);
    const { customer, aging } = r.json();
    expect(customer).toMatchObject({
      accountNumber: 'A100', name: 'Acme Tools', currency: 'USD', balance: '1200.00',
      pastDue: '1200.00', oldestDueDate: '2026-05-30', daysPastDueMax: 31,
      creditLimit: '5000.00', availableCredit: '3800.00', terms: 'NET30',
      termsDescription: 'net 30', collector: 'Cole Collector', salesRep: 'Rita Rep',
      parent: null, contacts: [],
    });
    expect(aging.buckets[0]).toBe('current');
    expect(aging.total).toBe('1200.00');
    expect(aging.amounts[2]).toBe('1200.00');
  });

  it('answers 404 problem+json for a customer that does not exist', async () => {
    const r = await manager.request('GET', '/api/v1/customers/999999');
    expect(r.statusCode).toBe(404);
    expect(problemOf(r).code).toBe('customer_not_found');
  });
});

describe('customer list', () => {
  it('sorts by past due, largest first, with the total count', async () => {
    const r = await manager.request('GET', '/api/v1/customers?sort=pastDue&dir=desc');
    const body = r.json();
    expect(body.total).toBe(3);
    expect(body.items.map((c: { accountNumber: string }) => c.accountNumber))
      .toEqual(['B200', 'A100', 'C300']);
    expect(body.items[0].pastDue).toBe('3000.50');
  });

  it.each([
    { query: 'q=bolt', accounts: ['B200'] },
    { query: 'q=a1', accounts: ['A100'] },
    { query: 'region=West', accounts: ['A100'] },
    { query: 'collector=Other%20Person', accounts: ['B200'] },
    { query: 'sort=name&dir=desc', accounts: ['C300', 'B200', 'A100'] },
    { query: 'sort=account&limit=1&offset=1', accounts: ['B200'] },
  ])('$query', async ({ query, accounts }) => {
    const r = await manager.request('GET', `/api/v1/customers?${query}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items.map((c: { accountNumber: string }) => c.accountNumber))
      .toEqual(accounts);
  });

  it('refuses an unknown sort with request_invalid', async () => {
    const r = await manager.request('GET', '/api/v1/customers?sort=shoe');
    expect(r.statusCode).toBe(400);
    expect(problemOf(r).code).toBe('request_invalid');
  });
});

describe('a sales rep sees only their customers', () => {
  it('in the list', async () => {
    const r = await rep.request('GET', '/api/v1/customers?sort=account');
    expect(r.json().total).toBe(2);
    expect(r.json().items.map((c: { accountNumber: string }) => c.accountNumber))
      .toEqual(['A100', 'C300']);
  });

  it('in the detail, items and statement (another customer does not exist for them)', async () => {
    for (const path of ['', '/items', '/applications', '/statement']) {
      expect((await rep.request('GET', `/api/v1/customers/${ids.acme}${path}`)).statusCode)
        .toBe(200);
      const other = await rep.request('GET', `/api/v1/customers/${ids.bolt}${path}`);
      expect(other.statusCode, path).toBe(404);
      expect(problemOf(other).code).toBe('customer_not_found');
    }
  });

  it('in the aging rows and its exports', async () => {
    const json = await rep.request('GET', '/api/v1/aging?by=customer');
    expect(json.json().rows.map((r: { key: string }) => r.key)).toEqual(['A100', 'C300']);
    expect(json.json().totals.total).toBe('1210.00');
    const csv = await rep.request('GET', '/api/v1/aging?by=customer&format=csv');
    expect(csv.body).toContain('A100');
    expect(csv.body).not.toContain('B200');
  });
});

describe('changing customers', () => {
  it('a manager changes any field but the account number, audited', async () => {
    const r = await manager.request('PATCH', `/api/v1/customers/${ids.bolt}`,
      { name: 'Bolt Supply Co.', creditLimit: '750', terms: '2/10 net 30', region: null });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().customer).toMatchObject({
      name: 'Bolt Supply Co.', creditLimit: '750.00', terms: '2/10NET30', region: null,
      availableCredit: '-2250.50',
    });
    const audit = await s.db.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE entity_type = 'customer' AND entity_id = $1
       ORDER BY id DESC LIMIT 1`, [String(ids.bolt)]);
    expect(audit.rows[0]).toEqual({ action: 'customer.update', actor: 'mia' });
  });

  it('refuses the account number in a change, and bad values with their rule', async () => {
    const account = await manager.request('PATCH', `/api/v1/customers/${ids.bolt}`,
      { account: 'X' });
    expect(problemOf(account).code).toBe('request_invalid');
    const amount = await manager.request('PATCH', `/api/v1/customers/${ids.bolt}`,
      { creditLimit: '12.345' });
    expect(amount.statusCode).toBe(422);
    expect(problemOf(amount)).toMatchObject({ code: 'amount_invalid', field: 'creditLimit' });
    const terms = await manager.request('PATCH', `/api/v1/customers/${ids.bolt}`,
      { terms: 'whenever' });
    expect(problemOf(terms).code).toBe('terms_not_recognized');
    const taken = await manager.request('POST', '/api/v1/customers',
      { account: 'A100', name: 'Again' });
    expect(taken.statusCode).toBe(409);
    expect(problemOf(taken).code).toBe('account_number_taken');
  });

  it('a collector changes their portfolio only', async () => {
    const own = await collector.request('PATCH', `/api/v1/customers/${ids.acme}`,
      { notes: 'Calls back on Fridays' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().customer.notes).toBe('Calls back on Fridays');
    const other = await collector.request('PATCH', `/api/v1/customers/${ids.bolt}`,
      { notes: 'not mine' });
    expect(other.statusCode).toBe(403);
    expect(problemOf(other)).toMatchObject({ code: 'forbidden', reason: 'outside_portfolio' });
    const contact = await collector.request('POST', `/api/v1/customers/${ids.bolt}/contacts`,
      { name: 'Nope' });
    expect(contact.statusCode).toBe(403);
    const foreign = await collector.request('POST', '/api/v1/customers',
      { account: 'D400', name: 'Not mine', collector: 'Other Person' });
    expect(foreign.statusCode).toBe(403);
  });

  it('adds contacts; a new primary one replaces the old', async () => {
    const first = await collector.request('POST', `/api/v1/customers/${ids.acme}/contacts`,
      { name: 'Pat AP', email: 'ap@acme.example', isPrimary: true });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().contact).toMatchObject({ name: 'Pat AP', isPrimary: true });
    await collector.request('POST', `/api/v1/customers/${ids.acme}/contacts`,
      { name: 'Lee Controller', role: 'controller', phone: '555-0100', isPrimary: true });
    const bad = await collector.request('POST', `/api/v1/customers/${ids.acme}/contacts`,
      { name: 'X', email: 'not-an-email' });
    expect(problemOf(bad).code).toBe('email_invalid');
    const detail = (await manager.request('GET', `/api/v1/customers/${ids.acme}`)).json();
    expect(detail.customer.contacts.map((c: { name: string; isPrimary: boolean }) =>
      [c.name, c.isPrimary])).toEqual([['Lee Controller', true], ['Pat AP', false]]);
  });
});

describe('the hot reads (one statement each, the book count kept by the database)', () => {
  const total = async (query = '') =>
    (await manager.request('GET', `/api/v1/customers?${query}`)).json().total as number;

  it('reads the unfiltered total from customer_count, and counts a filtered list', async () => {
    const before = await total();
    expect(before).toBe(3);
    await create({ account: 'D400', name: 'Dot Ltd', collector: 'Cole Collector' });
    expect(await total()).toBe(4);
    // A page past the end carries no row, and still knows the total.
    const past = (await manager.request('GET', '/api/v1/customers?offset=50')).json();
    expect(past).toEqual({ items: [], total: 4 });
    expect(await total('collector=Cole%20Collector')).toBe(2);
    expect((await rep.request('GET', '/api/v1/customers')).json().total).toBe(2);
    // The stored count is what the list shows; `arc verify` re-derives it.
    expect((await verifyLedger(s.db)).filter((d) => d.check === 'customer_count')).toEqual([]);
    await s.db.query('UPDATE customer_count SET customers = 7');
    expect(await total()).toBe(7);
    expect(await verifyLedger(s.db)).toContainEqual(
      { check: 'customer_count', storedCount: 7, derivedCount: 4 });
    await s.db.query('UPDATE customer_count SET customers = 4');
  });

  it('keeps the count through bulk loads without row triggers, and deletes', async () => {
    await s.db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(`INSERT INTO customers (account_number, name)
        SELECT 'BULK' || i, 'Bulk ' || i FROM generate_series(1, 5) i`);
      await tx.query(`INSERT INTO customers (account_number, name)
        SELECT 'NONE', 'none' WHERE false`);
    });
    const stored = async () =>
      (await s.db.query<{ n: number }>('SELECT customers AS n FROM customer_count')).rows[0]!.n;
    expect(await stored()).toBe(9);
    await s.db.query(`DELETE FROM customers WHERE account_number LIKE 'BULK%'`);
    expect(await stored()).toBe(4);
    expect((await verifyLedger(s.db)).filter((d) => d.check === 'customer_count')).toEqual([]);
  });

  it('answers the header with contacts and an aging strip that nets unapplied cash', async () => {
    const paid = await manager.request('POST', '/api/v1/payments', { customerId: ids.cog,
      method: 'check', reference: 'CHK-9', receivedOn: '2026-06-29', amount: '25.00' });
    expect(paid.statusCode, paid.body).toBe(201);
    await invoice(ids.cog!, 'INV-4', '2026-03-01', '40.00');
    const { customer, aging } = (await manager.request('GET', `/api/v1/customers/${ids.cog}`))
      .json();
    expect(customer).toMatchObject({ balance: '25.00', contacts: [] });
    expect(aging).toEqual({
      buckets: ['current', '1-30', '31-45', '46-60', '61-90', '91-120', '120+'],
      amounts: ['10.00', '0.00', '0.00', '0.00', '0.00', '40.00', '0.00'],
      unapplied: '-25.00', total: '25.00',
    });
  });

  it('answers the items of a visible customer, none for one without, 404 otherwise', async () => {
    const items = (await rep.request('GET', `/api/v1/customers/${ids.cog}/items?sort=amount`))
      .json().items as { number: string; open: string }[];
    expect(items.map((i) => [i.number, i.open])).toEqual(
      [['INV-4', '40.00'], ['INV-3', '10.00'], ['CHK-9', '-25.00']]);
    const payments = (await rep.request('GET',
      `/api/v1/customers/${ids.cog}/items?status=all&type=payment`)).json().items;
    expect(payments.map((i: { number: string }) => i.number)).toEqual(['CHK-9']);
    const dot = (await manager.request('GET', '/api/v1/customers?q=D400')).json().items[0];
    const none = await manager.request('GET', `/api/v1/customers/${dot.id}/items`);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual({ items: [] });
    const hidden = await rep.request('GET', `/api/v1/customers/${dot.id}/items`);
    expect(problemOf(hidden)).toMatchObject({ status: 404, code: 'customer_not_found' });
    const absent = await manager.request('GET', '/api/v1/customers/999999/items');
    expect(problemOf(absent).code).toBe('customer_not_found');
  });
});

describe('the hot reads, written by JSON.stringify for the read cache, answer their documented schemas', () => {
  const conforms = (schema: TSchema, body: unknown) =>
    [...Value.Errors(schema, body)].map((e) => `${e.instancePath}: ${e.message}`);

  it('the list, the header and the items, with null and non-null dates and amounts', async () => {
    const list = (await manager.request('GET', '/api/v1/customers?sort=pastDue&dir=desc')).json();
    expect(list.items.some((c: { oldestDueDate: unknown }) => c.oldestDueDate === null)).toBe(true);
    expect(list.items.some((c: { creditLimit: unknown }) => c.creditLimit !== null)).toBe(true);
    expect(conforms(Type.Object({ items: Type.Array(CustomerSummarySchema),
      total: Type.Integer() }, { additionalProperties: false }), list)).toEqual([]);
    for (const id of [ids.acme, ids.cog]) {
      const account = (await manager.request('GET', `/api/v1/customers/${id}`)).json();
      expect(conforms(Type.Object({ customer: CustomerDetailSchema, aging: AgingStripSchema }),
        account)).toEqual([]);
      const items = (await manager.request('GET', `/api/v1/customers/${id}/items?status=all`))
        .json();
      expect(items.items.length).toBeGreaterThan(0);
      expect(conforms(Type.Object({ items: Type.Array(ItemSchema) }), items)).toEqual([]);
    }
    // What the check catches: a date that is not one.
    expect(conforms(Type.Object({ items: Type.Array(CustomerSummarySchema) }),
      { items: [{ ...list.items[0], oldestDueDate: '30/06/2026' }] })).not.toEqual([]);
  });
});
