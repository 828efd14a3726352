import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBankFile } from '../src/cashapp/import-bank-file.ts';
import { matchPayments } from '../src/cashapp/match-payments.ts';
import { cli, expectSound, openOf } from './cashapp-support.ts';
import { actor, customer, post, unwrap } from './ledger-fixtures.ts';
import { problemOf, testServer, type TestServer } from './support/http.ts';

// Customer aliases and the oldest-first policy: managed over HTTP and the CLI (audited), and
// used by the matching engine on payments imported from a lockbox file.

let s: TestServer;
let token: string;
let repToken: string;
let roadrunner: number;
let prairie: number;
const docs = new Map<string, number>();

const header = 'batch,item,check_number,amount,payer_name,payer_account,payer_routing,'
  + 'deposit_date,invoice_references,memo';
let batch = 500;

/** Imports one lockbox check without remittance; returns the payment's match outcome. */
async function check(amount: string, payer: string, memo = '') {
  batch += 1;
  const csv = `${header}\n${batch},1,${batch}9,${amount},${payer},,,2024-03-18,,${memo}\n`;
  const r = unwrap(await importBankFile(s.db, actor, {
    bytes: new TextEncoder().encode(csv), fileName: `lockbox-${batch}.csv`, today: '2024-03-20',
  }));
  expect(r.matches).toHaveLength(1);
  return r.matches[0]!;
}

async function proposalOf(paymentId: number) {
  const r = await s.db.query<{ rule: string; status: string; allocations: unknown[] }>(
    `SELECT rule, status, allocations FROM match_proposals WHERE payment_id = $1
     ORDER BY id DESC LIMIT 1`, [paymentId]);
  return r.rows[0]!;
}

beforeAll(async () => {
  s = await testServer();
  await s.addUser('cash', 'cash_application');
  await s.addUser('rep', 'sales_rep');
  token = await s.token('cash');
  repToken = await s.token('rep');
  roadrunner = (await customer(s.db, { accountNumber: 'RR-2000',
    name: 'Roadrunner Hardware Co' })).id;
  prairie = (await customer(s.db, { accountNumber: 'PF-1000', name: 'Prairie Feed Store' })).id;
  const other = (await customer(s.db, { accountNumber: 'ZZ-900', name: 'Zephyr Lumber' })).id;
  const add = async (c: number, number: string, date: string, cents: number) => {
    docs.set(number, (await post(s.db, 'invoice', c, date, cents, { number })).id);
  };
  await add(roadrunner, 'RR-1', '2024-02-01', 30000);
  await add(roadrunner, 'RR-2', '2024-02-15', 41275);
  await add(prairie, 'PF-1', '2024-01-05', 12000);
  await add(prairie, 'PF-2', '2024-02-05', 25000);
  await add(prairie, 'PF-3', '2024-03-05', 9999);
  await add(other, 'ZZ-1', '2024-02-01', 77700);
});
afterAll(async () => s.close());

describe('customer aliases over HTTP', () => {
  const url = (id: number) => `/api/v1/customers/${id}/aliases`;

  it('adds, lists and removes an alias, each audited; refuses duplicates and bad kinds',
    async () => {
      const added = await s.asToken(token, 'POST', url(roadrunner),
        { alias: '  Road Runner   Outfitters LLC ', kind: 'dba' });
      expect(added.statusCode).toBe(201);
      const alias = added.json().alias;
      expect(alias).toMatchObject({ customerId: roadrunner, alias: 'Road Runner Outfitters LLC',
        kind: 'dba', createdBy: 'cash' });
      const twice = await s.asToken(token, 'POST', url(roadrunner),
        { alias: 'ROAD RUNNER OUTFITTERS LLC' });
      expect(twice.statusCode).toBe(409);
      expect(problemOf(twice)).toMatchObject({ code: 'alias_taken', customerId: roadrunner });
      const badKind = await s.asToken(token, 'POST', url(roadrunner), { alias: 'X', kind: 'pal' });
      expect(badKind.statusCode).toBe(422);
      expect(problemOf(badKind).code).toBe('alias_kind_invalid');
      const blank = await s.asToken(token, 'POST', url(roadrunner), { alias: '   ' });
      expect(problemOf(blank).code).toBe('alias_required');
      const missing = await s.asToken(token, 'POST', url(999999), { alias: 'Nobody' });
      expect(missing.statusCode).toBe(404);

      const temp = (await s.asToken(token, 'POST', url(roadrunner),
        { alias: 'RR Holdings', kind: 'parent' })).json().alias;
      const listed = await s.asToken(token, 'GET',
        `/api/v1/customers/${roadrunner}/matching-settings`);
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toMatchObject({ customerId: roadrunner, accountNumber: 'RR-2000',
        oldestFirstOwn: null, oldestFirst: 'off', oldestFirstDefault: 'off' });
      expect(listed.json().aliases.map((a: { alias: string }) => a.alias))
        .toEqual(['Road Runner Outfitters LLC', 'RR Holdings']);

      const wrongCustomer = await s.asToken(token, 'DELETE', `${url(prairie)}/${temp.id}`);
      expect(wrongCustomer.statusCode).toBe(404);
      const removed = await s.asToken(token, 'DELETE', `${url(roadrunner)}/${temp.id}`);
      expect(removed.statusCode).toBe(200);
      expect(removed.json().removed.alias).toBe('RR Holdings');
      expect((await s.asToken(token, 'DELETE', `${url(roadrunner)}/${temp.id}`)).statusCode)
        .toBe(404);

      const audit = await s.db.query<{ action: string; before: unknown; after: unknown }>(
        `SELECT action, before, after FROM audit_log WHERE action LIKE 'customer.alias%'
         ORDER BY id`);
      expect(audit.rows).toEqual([
        { action: 'customer.alias_add', before: null,
          after: { alias: 'Road Runner Outfitters LLC', kind: 'dba' } },
        { action: 'customer.alias_add', before: null,
          after: { alias: 'RR Holdings', kind: 'parent' } },
        { action: 'customer.alias_remove', before: { alias: 'RR Holdings', kind: 'parent' },
          after: null },
      ]);
    });

  it('needs the cash-application permissions', async () => {
    const r = await s.asToken(repToken, 'POST', url(roadrunner), { alias: 'Sneaky' });
    expect(r.statusCode).toBe(403);
    const read = await s.asToken(repToken, 'GET',
      `/api/v1/customers/${roadrunner}/matching-settings`);
    expect(read.statusCode).toBe(403);
  });
});

describe('matching with aliases and the oldest-first policy', () => {
  it('identifies a payer by a customer alias, and sees an alias added after a first match',
    async () => {
      const first = await check('412.75', 'ROADRUNNER TOOLS');
      expect(first).toMatchObject({ autoApplied: false, customerId: null });
      const added = await s.asToken(token, 'POST', `/api/v1/customers/${roadrunner}/aliases`,
        { alias: 'Roadrunner Tools', kind: 'account_holder' });
      expect(added.statusCode).toBe(201);
      const again = unwrap(await matchPayments(s.db, actor, [first.paymentId], '2024-03-20'));
      expect(again.outcomes[0]).toMatchObject({ customerId: roadrunner, rule: 'exact_amount',
        autoApplied: true });
      expect(again.outcomes[0]!.reasons.join(' ')).toMatch(/Roadrunner Tools/);
      expect(await openOf(s.db, docs.get('RR-2')!)).toBe(0);

      const dba = await check('300.00', 'ROAD RUNNER OUTFITTERS');
      expect(dba).toMatchObject({ customerId: roadrunner, autoApplied: true });
      expect(await openOf(s.db, docs.get('RR-1')!)).toBe(0);
    });

  it('off: cash that fits no item waits for a clerk', async () => {
    const m = await check('200.00', 'Prairie Feed Store', 'ACCT PF-1000');
    expect(m).toMatchObject({ customerId: prairie, rule: 'none', autoApplied: false,
      queueState: 'review' });
  });

  it('propose: an oldest-first proposal waits for a clerk; apply: it is applied', async () => {
    const set = await s.asToken(token, 'PUT', `/api/v1/customers/${prairie}/matching-settings`,
      { oldestFirst: 'propose' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ oldestFirstOwn: 'propose', oldestFirst: 'propose' });
    const proposed = await check('200.00', 'Prairie Feed Store', 'ACCT PF-1000');
    expect(proposed).toMatchObject({ customerId: prairie, rule: 'oldest_first',
      autoApplied: false, queueState: 'review' });
    expect((await proposalOf(proposed.paymentId)).allocations).toHaveLength(2);

    const bad = await s.asToken(token, 'PUT', `/api/v1/customers/${prairie}/matching-settings`,
      { oldestFirst: 'sometimes' });
    expect(bad.statusCode).toBe(422);
    expect(problemOf(bad).code).toBe('oldest_first_policy_invalid');
    await s.asToken(token, 'PUT', `/api/v1/customers/${prairie}/matching-settings`,
      { oldestFirst: 'apply' });
    // 400.00 against 120.00 + 250.00 + 99.99 open: the oldest two in full, 30.00 of the third.
    const applied = await check('400.00', 'Prairie Feed Store', 'ACCT PF-1000');
    expect(applied).toMatchObject({ customerId: prairie, rule: 'oldest_first',
      autoApplied: true, queueState: 'applied' });
    expect(applied.reasons.join(' ')).toMatch(/oldest first/);
    expect(await openOf(s.db, docs.get('PF-1')!)).toBe(0);
    expect(await openOf(s.db, docs.get('PF-2')!)).toBe(0);
    expect(await openOf(s.db, docs.get('PF-3')!)).toBe(9999 - 3000);
    // Never above the open amounts: the rest stays on account.
    const more = await check('100.00', 'Prairie Feed Store', 'ACCT PF-1000');
    expect(more).toMatchObject({ rule: 'oldest_first', autoApplied: true,
      queueState: 'on_account' });
    expect(await openOf(s.db, docs.get('PF-3')!)).toBe(0);
    const payment = await s.db.query<{ o: number }>(
      'SELECT open_cents AS o FROM documents WHERE id = $1', [more.paymentId]);
    expect(payment.rows[0]!.o).toBe(-(10000 - 6999));
    expect(await expectSound(s.db)).toEqual([]);
  });

  it('the company default applies to customers without a policy of their own', async () => {
    const put = await s.asToken(token, 'PUT', '/api/v1/cashapp/matching-settings',
      { oldestFirstDefault: 'propose' });
    expect(put.statusCode).toBe(200);
    expect((await s.asToken(token, 'GET', '/api/v1/cashapp/matching-settings')).json())
      .toEqual({ oldestFirstDefault: 'propose' });
    const own = await s.asToken(token, 'PUT', `/api/v1/customers/${prairie}/matching-settings`,
      { oldestFirst: 'default' });
    expect(own.json()).toEqual({ oldestFirstOwn: null, oldestFirst: 'propose' });
    const audit = await s.db.query<{ action: string; before: unknown; after: unknown }>(
      `SELECT action, before, after FROM audit_log
       WHERE action IN ('settings.oldest_first_default', 'customer.oldest_first_policy')
       ORDER BY id`);
    expect(audit.rows.at(-2)).toEqual({ action: 'settings.oldest_first_default',
      before: { oldestFirst: 'off' }, after: { oldestFirst: 'propose' } });
    expect(audit.rows.at(-1)).toEqual({ action: 'customer.oldest_first_policy',
      before: { oldestFirst: 'apply' }, after: { oldestFirst: 'default' } });
    await s.asToken(token, 'PUT', '/api/v1/cashapp/matching-settings',
      { oldestFirstDefault: 'off' });
  });
});

describe('matching settings on the CLI', () => {
  it('adds, lists and removes aliases; shows and sets policies', async () => {
    const arc = cli(s.db);
    const added = await arc('matching', 'alias', 'add', 'PF-1000', 'Prairie Co-op', '--kind',
      'parent', '--json');
    expect(added.code).toBe(0);
    const id = added.json().alias.id as number;
    const listed = await arc('matching', 'alias', 'list', 'PF-1000');
    expect(listed.out).toContain(`alias ${id}: Prairie Co-op (parent)`);
    expect(listed.out).toContain('oldest-first off (the company default)');
    const set = await arc('matching', 'policy', 'set', 'PF-1000', 'apply', '--json');
    expect(set.json()).toEqual({ oldestFirstOwn: 'apply', oldestFirst: 'apply' });
    const shown = await arc('matching', 'policy', 'show', 'PF-1000', '--json');
    expect(shown.json()).toMatchObject({ oldestFirstOwn: 'apply',
      aliases: [{ alias: 'Prairie Co-op', kind: 'parent' }] });
    const def = await arc('matching', 'policy', 'default', 'propose');
    expect(def.out.trim()).toBe('default oldest-first policy: propose');
    expect((await arc('matching', 'policy', 'default', '--json')).json())
      .toEqual({ oldestFirstDefault: 'propose' });
    const removed = await arc('matching', 'alias', 'remove', 'PF-1000', String(id));
    expect(removed.out.trim()).toBe(`alias ${id} removed: Prairie Co-op`);
    const again = await arc('matching', 'alias', 'remove', 'PF-1000', String(id));
    expect(again.code).toBe(1);
    expect(again.err).toContain('alias_not_found');
    const nobody = await arc('matching', 'alias', 'add', 'NOPE-1', 'X');
    expect(nobody.code).toBe(1);
    expect(nobody.err).toContain('customer_not_found');
    const badPolicy = await arc('matching', 'policy', 'set', 'PF-1000', 'always');
    expect(badPolicy.code).toBe(2);
    const audit = await s.db.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM audit_log WHERE actor = 'clerk' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(['customer.alias_add',
      'customer.oldest_first_policy', 'settings.oldest_first_default', 'customer.alias_remove']);
  });
});
