// Worklist benchmark: `npx tsx bench/worklist.ts [--runs 7]` (PostgreSQL: DATABASE_URL, or
// postgres://postgres@127.0.0.1:5432/test). Target: a 1,000-account portfolio within 200 ms.
//
// Builds schema bench_collections once (reused while VERSION matches), set-based and
// deterministic (hashes of row numbers): 50,000 customers, a collector per 1,000 accounts; per
// customer 4-36 open invoices (~1,000,000 in all, due over the past year and the next month,
// some partly paid) and as many paid ones (open 0); then collections data: a risk class and
// segment for every customer, contacts logged on 70% of accounts, open promises on 10% (on items
// for half of them), broken promises with open tasks on 3%, disputes on 2% of open items.
// No journal and no applications: the worklist and dunning read open items only.
// Then times getWorklist for "Collector 001" (the median of --runs after one warm-up run).

import { pathToFileURL } from 'node:url';
import { getWorklist } from '../src/collections/get-worklist.ts';
import { openDb, type Db } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { DEFAULT_TODAY } from './generate.ts';

const SCHEMA = 'bench_collections';
const VERSION = 'collections-1';
export const log = (s: string): void => void process.stdout.write(s + '\n');

/** The benchmark database: generated on first use, reused afterwards. */
export async function openCollectionsBench(): Promise<Db> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = await openDb({ url, poolMax: 1 });
  const info = await admin.query<{ version: string }>(
    `SELECT version FROM ${SCHEMA}.bench_info`).catch(() => ({ rows: [] }));
  const reuse = info.rows[0]?.version === VERSION;
  if (!reuse) await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await admin.close();
  const db = await openDb({ url, schema: SCHEMA, poolMax: 6 });
  if (reuse) {
    await migrate(db);
    log(`PostgreSQL: reusing schema ${SCHEMA}`);
    return db;
  }
  log(`PostgreSQL schema ${SCHEMA}: generating 50,000 customers and collections data...`);
  const started = performance.now();
  await migrate(db);
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    for (const sql of [...LEDGER_DATA, ...COLLECTIONS_DATA]) await tx.query(sql);
  });
  for (const t of ['customers', 'documents', 'customer_summary', 'activities', 'promises',
    'promise_items', 'disputes', 'dispute_items', 'tasks', 'collection_profiles']) {
    await db.query(`VACUUM ANALYZE ${t}`);
  }
  await db.query(`CREATE TABLE bench_info (version text)`);
  await db.query(`INSERT INTO bench_info VALUES ($1)`, [VERSION]);
  log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return db;
}

const h = (expr: string, salt: number, mod: number): string =>
  `(abs(hashint8((${expr})::bigint * 31 + ${salt})) % ${mod})`;

const LEDGER_DATA = [
  `INSERT INTO customers (id, account_number, name, currency, collector, sales_rep)
   OVERRIDING SYSTEM VALUE
   SELECT i, 'C' || lpad(i::text, 6, '0'), 'Customer ' || i, 'USD',
     'Collector ' || lpad((1 + (i - 1) / 1000)::text, 3, '0'),
     'Rep ' || lpad((1 + ${h('i', 20, 200)})::text, 3, '0')
   FROM generate_series(1, 50000) i`,
  `SELECT setval(pg_get_serial_sequence('customers', 'id'), 50000)`,
  `INSERT INTO documents (customer_id, type, number, document_date, due_date, amount_cents,
     open_cents, currency, terms_code, created_by)
   SELECT c, 'invoice', 'INV-' || c || '-' || n, due - 30, due, amount,
     CASE WHEN paid THEN 0 WHEN ${h('c * 100 + n', 21, 10)} = 0 THEN amount / 2 ELSE amount END,
     'USD', 'NET30', 'bench'
   FROM (SELECT c, n, DATE '${DEFAULT_TODAY}' + 30 - ${h('c * 100 + n', 22, 395)}::int AS due,
       5000 + ${h('c * 100 + n', 23, 2000000)} AS amount, n % 2 = 0 AS paid
     FROM generate_series(1, 50000) c,
       LATERAL generate_series(1, 2 * (4 + ${h('c', 24, 33)})) n) x`,
  `INSERT INTO customer_summary (customer_id) SELECT id FROM customers`,
  `SELECT refresh_customer_summaries(ARRAY(SELECT id FROM customers))`,
];

const COLLECTIONS_DATA = [
  `INSERT INTO collection_profiles (customer_id, segment, risk_class)
   SELECT id, (ARRAY['retail', 'wholesale', 'government', 'distributor'])[1 + ${h('id', 1, 4)}],
     1 + ${h('id', 2, 5)} FROM customers`,
  `INSERT INTO activities (customer_id, kind, outcome, occurred_on, author)
   SELECT id, 'call', 'left_message', DATE '${DEFAULT_TODAY}' - ${h('id', 3, 60)}::int, 'bench'
   FROM customers WHERE ${h('id', 4, 10)} < 7`,
  `INSERT INTO promises (customer_id, amount_cents, currency, promised_on, made_on, status,
     created_by)
   SELECT id, 10000 + ${h('id', 5, 500000)}, currency,
     DATE '${DEFAULT_TODAY}' + ${h('id', 6, 15)}::int - 7, DATE '${DEFAULT_TODAY}' - 10,
     CASE WHEN ${h('id', 7, 10)} < 3 THEN 'broken' ELSE 'open' END, 'bench'
   FROM customers WHERE ${h('id', 8, 10)} < 1 OR ${h('id', 9, 100)} < 3`,
  `UPDATE promises SET promised_on = DATE '${DEFAULT_TODAY}' - 5, evaluated_on = '${DEFAULT_TODAY}'
   WHERE status = 'broken'`,
  `INSERT INTO tasks (customer_id, kind, title, due_on, source_type, source_id, created_by)
   SELECT customer_id, 'broken_promise', 'broken', '${DEFAULT_TODAY}', 'promise', id, 'bench'
   FROM promises WHERE status = 'broken'`,
  `INSERT INTO promise_items (promise_id, document_id)
   SELECT p.id, d.id FROM promises p
   JOIN LATERAL (SELECT id FROM documents WHERE customer_id = p.customer_id AND open_cents > 0
     ORDER BY due_date LIMIT 2) d ON true
   WHERE p.status = 'open' AND p.id % 2 = 0`,
  `INSERT INTO disputes (customer_id, reason_code, amount_cents, currency, opened_on, created_by)
   SELECT customer_id, 'pricing', open_cents, currency, '${DEFAULT_TODAY}', 'bench:' || id
   FROM documents WHERE open_cents > 0 AND type = 'invoice' AND ${h('id', 10, 50)} = 0`,
  `INSERT INTO dispute_items (dispute_id, document_id, amount_cents)
   SELECT s.id, substr(s.created_by, 7)::bigint, s.amount_cents FROM disputes s`,
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i < 0 ? 7 : Number(process.argv[i + 1]);
  const db = await openCollectionsBench();
  try {
    const accounts = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM customers WHERE collector = 'Collector 001'`);
    const items = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM documents d JOIN customers c ON c.id = d.customer_id
       WHERE c.collector = 'Collector 001' AND d.open_cents > 0`);
    const input = { collector: 'Collector 001', asOf: DEFAULT_TODAY };
    let list = await getWorklist(db, input);
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      list = await getWorklist(db, input);
      times.push(performance.now() - t);
    }
    const ms = median(times);
    log(`portfolio: ${accounts.rows[0]!.n} accounts, ${items.rows[0]!.n} open items; `
      + `worklist: ${list.length} entries`);
    log(`top: ${list.slice(0, 3).map((e) => `${e.accountNumber} ${e.score} "${e.reason}"`)
      .join(' | ')}`);
    log(`getWorklist median of ${runs}: ${ms.toFixed(1)} ms (min ${Math.min(...times)
      .toFixed(1)}, max ${Math.max(...times).toFixed(1)}) target < 200 ms: `
      + (ms < 200 ? 'PASS' : 'FAIL'));
    if (ms >= 200) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
