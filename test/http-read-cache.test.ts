import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../src/db/connection.ts';
import { Snapshots } from '../src/db/snapshot.ts';
import { cents } from '../src/domain/money.ts';
import { ReadCache, readKey } from '../src/http/read-cache.ts';
import { postDocument } from '../src/ledger/post-document.ts';
import { setup, testServer, type Browser, type TestServer } from './support/http.ts';

// The read cache of the busiest reads: an answer is reused only while the database's snapshot is
// the one it was computed at, so any commit, through this server or not, is seen at once.

let s: TestServer;
let manager: Browser;
let rep: Browser;
let acme: number;

beforeAll(async () => {
  s = await testServer();
  await s.addUser('mia', 'ar_manager', 'Mia Manager');
  await s.addUser('rita', 'sales_rep', 'Rita Rep');
  [manager, rep] = [await s.signIn('mia'), await s.signIn('rita')];
  const created = await manager.request('POST', '/api/v1/customers',
    { account: 'A100', name: 'Acme Tools', terms: 'net 30', salesRep: 'Rita Rep' });
  acme = created.json().customer.id as number;
  await manager.request('POST', '/api/v1/customers', { account: 'B200', name: 'Bolt Supply' });
  const r = await manager.request('POST', '/api/v1/items', { customerId: acme, type: 'invoice',
    number: 'INV-1', date: '2026-04-30', amount: '1200.00' });
  expect(r.statusCode, r.body).toBe(201);
});
afterAll(async () => s.close());

const LIST = '/api/v1/customers?sort=pastDue&dir=desc';

describe('Snapshots', () => {
  it('reads the same snapshot while nothing commits, another once something has', async () => {
    const snapshots = new Snapshots(s.db);
    const first = await snapshots.current();
    expect(first).toMatch(/^\d+:\d+:[\d,]*$/);
    await s.db.query('SELECT count(*) FROM documents');
    // On PostgreSQL other test files commit on the same server at any time: what must hold is
    // that a commit of ours always shows.
    await postDocument(s.db, setup, { type: 'invoice', customerId: acme, number: 'SNAP-1',
      documentDate: '2026-06-01', amountCents: cents(100) });
    expect(await snapshots.current()).not.toBe(first);
  });

  it('shares one reading among the callers that arrive while one is on its way', async () => {
    const sent: Array<(s: string) => void> = [];
    const db = {
      query: () => new Promise((resolve) => {
        sent.push((snapshot) => resolve({ rows: [{ s: snapshot }] }));
      }),
    } as unknown as Queryable;
    const snapshots = new Snapshots(db);
    const a = snapshots.current();
    const b = snapshots.current();
    const c = snapshots.current();
    expect(sent).toHaveLength(1);
    // b and c asked after the first reading was sent: it may predate a commit they have seen.
    sent[0]!('1:5:');
    expect(await a).toBe('1:5:');
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(2);
    sent[1]!('1:6:');
    expect([await b, await c]).toEqual(['1:6:', '1:6:']);
    // Nothing on its way: the next caller sends at once.
    const d = snapshots.current();
    expect(sent).toHaveLength(3);
    sent[2]!('1:7:');
    expect(await d).toBe('1:7:');
  });
});

describe('the customer list, the account header and its items through the read cache', () => {
  it('reuses an answer while nothing committed (the same bytes), and counts it', async () => {
    // On PostgreSQL other test files may commit between two requests: try a few times.
    let reused = false;
    for (let attempt = 0; attempt < 200 && !reused; attempt++) {
      const before = s.reads.stats().hits;
      const one = await manager.request('GET', LIST);
      const two = await manager.request('GET', LIST);
      expect(two.body).toBe(one.body);
      reused = s.reads.stats().hits > before;
    }
    expect(reused).toBe(true);
  });

  it('shows a write made outside this server (CLI, another instance) at the next request', async () => {
    for (const url of [LIST, `/api/v1/customers/${acme}`, `/api/v1/customers/${acme}/items`]) {
      await manager.request('GET', url);
      await manager.request('GET', url);
    }
    const number = `OUT-${Date.now()}`;
    const posted = await postDocument(s.db, setup, { type: 'invoice', customerId: acme, number,
      documentDate: '2026-06-29', amountCents: cents(5000) });
    expect(posted.ok).toBe(true);
    const header = (await manager.request('GET', `/api/v1/customers/${acme}`)).json();
    const items = (await manager.request('GET', `/api/v1/customers/${acme}/items`)).json();
    const list = (await manager.request('GET', LIST)).json();
    const open = await s.db.query<{ total: string }>(
      `SELECT sum(open_cents)::text AS total FROM documents WHERE customer_id = $1`, [acme]);
    const balance = (Number(open.rows[0]!.total) / 100).toFixed(2);
    expect(header.customer.balance).toBe(balance);
    expect(items.items.map((i: { number: string }) => i.number)).toContain(number);
    expect(list.items.find((c: { id: number }) => c.id === acme).balance).toBe(balance);
  });

  it('shows a payment applied through the API at once', async () => {
    const before = (await manager.request('GET', `/api/v1/customers/${acme}`)).json();
    const paid = await manager.request('POST', '/api/v1/payments', {
      customerId: acme, method: 'check', reference: 'CHK-77', receivedOn: '2026-06-30',
      amount: '200.00' });
    expect(paid.statusCode, paid.body).toBe(201);
    const after = (await manager.request('GET', `/api/v1/customers/${acme}`)).json();
    expect(before.aging.unapplied).toBe('0.00');
    expect(after.aging.unapplied).toBe('-200.00');
  });

  it("keeps each caller's answer apart: a sales rep's list holds only their customers", async () => {
    const all = (await manager.request('GET', '/api/v1/customers')).json();
    const mine = (await rep.request('GET', '/api/v1/customers')).json();
    expect(all.items.map((c: { accountNumber: string }) => c.accountNumber))
      .toEqual(['A100', 'B200']);
    expect(mine.items.map((c: { accountNumber: string }) => c.accountNumber)).toEqual(['A100']);
    expect((await manager.request('GET', '/api/v1/customers')).json()).toEqual(all);
  });

  it('answers a customer that does not exist with 404 each time (nothing kept)', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await manager.request('GET', '/api/v1/customers/999999/items');
      expect(r.statusCode).toBe(404);
    }
  });

  it('changes the answer with the business date (the key holds today)', async () => {
    const token = await s.token('mia');
    const list = async () => (await s.asToken(token, 'GET', LIST)).json() as
      { items: Array<{ id: number; daysPastDueMax: number }> };
    const acmeOf = (b: Awaited<ReturnType<typeof list>>) =>
      b.items.find((c) => c.id === acme)!.daysPastDueMax;
    const today = await list();
    const month = 31 * 24 * 3600 * 1000;
    s.clock.advance(month);
    try {
      expect(acmeOf(await list())).toBe(acmeOf(today) + 31);
    } finally {
      s.clock.advance(-month);
    }
    expect(acmeOf(await list())).toBe(acmeOf(today));
  });
});

describe('the aging report through the read cache', () => {
  const AGING = '/api/v1/aging?by=customer';

  it('shows a write made outside this server at the next request, in JSON and CSV', async () => {
    const total = async () => (await manager.request('GET', AGING)).json().totals.total as string;
    const csv = async () => (await manager.request('GET', `${AGING}&format=csv`)).body;
    const [before, beforeCsv] = [await total(), await csv()];
    expect(await total()).toBe(before);
    const posted = await postDocument(s.db, setup, { type: 'invoice', customerId: acme,
      number: `AGE-${Date.now()}`, documentDate: '2026-06-29', amountCents: cents(12_345) });
    expect(posted.ok).toBe(true);
    const computed = await manager.request('GET', AGING);
    expect(computed.headers['server-timing']).toMatch(/^report;dur=[\d.]+, write;dur=[\d.]+$/);
    expect(Number(computed.json().totals.total)).toBeCloseTo(Number(before) + 123.45, 2);
    const afterCsv = await csv();
    expect(afterCsv).not.toBe(beforeCsv);
    expect(afterCsv).toContain('A100');
  });

  it('reuses the answer at the same snapshot: the same bytes, counted as reused', async () => {
    let reused = false;
    for (let attempt = 0; attempt < 200 && !reused; attempt++) {
      const before = s.reads.stats().hits;
      const one = await manager.request('GET', `${AGING}&format=xlsx`);
      const two = await manager.request('GET', `${AGING}&format=xlsx`);
      expect(one.statusCode).toBe(200);
      expect(one.headers['content-disposition']).toBe(
        'attachment; filename="aging-2026-06-30-customer.xlsx"');
      reused = s.reads.stats().hits > before && two.rawPayload.equals(one.rawPayload);
      if (reused) expect(two.headers['server-timing']).toMatch(/^cache;dur=[\d.]+$/);
    }
    expect(reused).toBe(true);
  });

  it("keeps a sales rep's report apart from the manager's", async () => {
    const keys = async (b: Browser) => ((await b.request('GET', AGING)).json().rows as
      Array<{ key: string }>).map((r) => r.key);
    expect(await keys(manager)).toEqual(['A100']);
    expect(await keys(rep)).toEqual(['A100']);
    await manager.request('POST', '/api/v1/items', { customerId: (await manager.request('GET',
      '/api/v1/customers?q=B200')).json().items[0].id, type: 'invoice', number: 'B-1',
      date: '2026-06-01', amount: '10.00' });
    expect(await keys(manager)).toEqual(['A100', 'B200']);
    expect(await keys(rep)).toEqual(['A100']);
  });
});

describe('ReadCache', () => {
  it('keeps at most its bytes, dropping the least recently used', async () => {
    const cache = new ReadCache(s.db, 64 * 1024);
    const big = (n: number) => async () => ({ fill: 'x'.repeat(7000), n });
    // On PostgreSQL a commit elsewhere between calls means a recomputation: count computations
    // only while the snapshot holds still, retrying until it does.
    for (let attempt = 0; attempt < 200; attempt++) {
      for (let i = 0; i < 12; i++) await cache.json(readKey('k', i), big(i));
      expect(cache.stats().bytes).toBeLessThanOrEqual(64 * 1024);
      expect(cache.stats().entries).toBeLessThan(12);
      let computed = 0;
      const snapshot = await new Snapshots(s.db).current();
      await cache.json(readKey('k', 11), async () => { computed++; return big(11)(); });
      await cache.json(readKey('k', 0), async () => { computed++; return big(0)(); });
      if (await new Snapshots(s.db).current() !== snapshot) continue;
      // The newest is kept, the oldest was dropped.
      expect(computed).toBe(1);
      return;
    }
    throw new Error('the snapshot never held still for two calls');
  });

  it('turned off (0 bytes), computes every answer', async () => {
    const cache = new ReadCache(s.db, 0);
    let computed = 0;
    for (let i = 0; i < 3; i++) await cache.json('k', async () => ({ n: ++computed }));
    expect(computed).toBe(3);
    expect(cache.stats().entries).toBe(0);
  });
});
