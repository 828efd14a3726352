// A set-based generator of a large receivables ledger for benchmarks (aging and friends).
//
// At scale 1 it writes 50,000 customers (a collector per ~1,000 accounts, ~200 sales reps,
// 7 regions, a mix of terms, 2% in CAD), ~2,750,000 invoices dated over the two years up to
// `today` (default 2026-11-20) of which ~1,000,000 are still open then (some partially paid),
// ~1,300,000 payments carrying ~2,000,000 applications (some invoices paid in two parts, some
// applications reversed and applied again, leaving cash unapplied), open credit memos and
// unidentified payments (no customer). Everything comes from generate_series and a hash of the
// row number (hashint8extended), so the same scale always gives the same data, on PostgreSQL and
// on PGlite alike (the same SQL).
//
// Open amounts (documents.open_cents) are consistent with the applications, and every
// application respects the ledger rules (same customer and currency, dated on or after both
// documents, reversals negate their original). It writes NO journal entries and no audit
// records: the GL control-balance checks of `arc verify` do not hold on this data. Foreign keys
// and triggers are skipped during the bulk insert (session_replication_role = replica); the
// customer summaries and open dates are refreshed once at the end instead.

import type { Db, Queryable } from '../src/db/connection.ts';

export interface GenerateOptions {
  /** 1 = 50,000 customers and ~1,000,000 open invoices. */
  scale: number;
  /** The business date the data ends on. */
  today: string;
  /** Called with each step's name and duration. */
  onStep?: (step: string, ms: number) => void;
}

export const DEFAULT_TODAY = '2026-11-20';
/** Bump when the generated data changes, so benchmarks regenerate a reused schema. */
export const GENERATOR_VERSION = '1';
const DAYS = 730;

/** Counts of what a scale produces (approximately, for invoices: the rest is hashed). */
export function sizes(scale: number): { customers: number; invoices: number; memos: number;
  unidentified: number } {
  const n = (x: number): number => Math.max(1, Math.round(x * scale));
  return { customers: n(50_000), invoices: n(2_750_000), memos: n(20_000), unidentified: n(3_000) };
}

/**
 * Fills a freshly migrated, empty schema. Runs in one transaction (with foreign-key and trigger
 * checks off for the bulk inserts); run VACUUM ANALYZE afterwards (see `analyze`).
 */
export async function generateLedger(db: Db, options: GenerateOptions): Promise<void> {
  const s = sizes(options.scale);
  const p = {
    today: options.today, customers: s.customers, invoices: s.invoices, memos: s.memos,
    unidentified: s.unidentified,
  };
  await db.transaction(async (tx) => {
    for (const [name, sql] of steps()) {
      const started = performance.now();
      await tx.query(bind(sql, p));
      options.onStep?.(name, performance.now() - started);
    }
  });
}

/** VACUUM ANALYZE the ledger tables (so open items are read by index-only scans). */
export async function analyze(db: Queryable): Promise<void> {
  for (const t of ['customers', 'documents', 'applications', 'customer_summary',
    'customer_open_dates']) {
    await db.query(`VACUUM ANALYZE ${t}`);
  }
}

/**
 * Inlines the numeric/date parameters (DDL like CREATE TABLE AS takes no bind parameters).
 * They are our own numbers and a validated date, never user text.
 */
function bind(sql: string, p: Record<string, string | number>): string {
  return sql.replace(/:(\w+)/g, (whole, name: string) => {
    const v = p[name];
    if (v === undefined) return whole;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new Error(`parameter ${name} must be an integer`);
      return String(v);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new Error(`parameter ${name} must be a date`);
    return `'${v}'::date`;
  });
}

function steps(): [string, string][] {
  return [
    ['hash function', `CREATE FUNCTION bench_u(k bigint, salt bigint) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
      $$ SELECT (abs(hashint8extended(k, salt) % 1000000))::integer $$`],
    ['customers', CUSTOMERS],
    ['triggers off', `SET LOCAL session_replication_role = replica`],
    ['invoices (staging)', INVOICES],
    ['applications (staging)', APPLICATIONS],
    ['payments (staging)', PAYMENTS],
    ['documents: invoices', INSERT_INVOICES],
    ['documents: payments', INSERT_PAYMENTS],
    ['documents: credit memos, unidentified cash', INSERT_OTHER_CREDITS],
    ['applications', INSERT_APPLICATIONS],
    ['identity sequences', `SELECT
      setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers)),
      setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents)),
      setval(pg_get_serial_sequence('applications', 'id'), (SELECT max(id) FROM applications))`],
    ['triggers on', `SET LOCAL session_replication_role = origin`],
    // Statistics before the summaries: without them the planner takes the freshly filled tables
    // for empty ones and the refresh of 50,000 summaries ran for over 25 minutes.
    ['statistics', `ANALYZE customers;
      ANALYZE documents;
      ANALYZE applications;
      ANALYZE customer_summary`],
    ['customer summaries', `SELECT refresh_all_customer_summaries(:today)`],
    ['customer open dates', `SELECT refresh_all_customer_open_dates()`],
    ['clean up', `DROP TABLE bench_gen_invoices, bench_gen_apps, bench_gen_payments;
      DROP FUNCTION bench_u(bigint, bigint)`],
  ].flatMap(([name, sql]) => sql!.split(/;\s*\n/).map((part): [string, string] => [name!, part]));
}

const CUSTOMERS = `INSERT INTO customers (id, account_number, name, terms_code, currency, collector,
    sales_rep, region, credit_limit_cents) OVERRIDING SYSTEM VALUE
  SELECT i, 'C' || lpad(i::text, 6, '0'), 'Customer ' || i,
    (ARRAY['NET30', 'NET30', 'NET30', 'NET45', 'NET60', '2/10NET30', 'NET15', 'NET10EOM'])
      [1 + bench_u(i, 1) % 8],
    CASE WHEN bench_u(i, 2) % 50 = 0 THEN 'CAD' ELSE 'USD' END,
    CASE WHEN bench_u(i, 6) % 50 = 0 THEN NULL ELSE 'Collector ' || lpad((1 + (i - 1) / 1000)::text, 3, '0') END,
    CASE WHEN bench_u(i, 3) % 40 = 0 THEN NULL ELSE 'Rep ' || lpad((1 + bench_u(i, 3) % 200)::text, 3, '0') END,
    (ARRAY['Northeast', 'Southeast', 'Midwest', 'Southwest', 'West', 'Canada', 'Mexico', NULL])
      [1 + bench_u(i, 4) % 8],
    100000 * (1 + bench_u(i, 7) % 500)
  FROM generate_series(1, :customers) i`;

// Each invoice: its customer, date, amount and fate. fate < 280: never paid in full (open);
// otherwise paid on the customer's pay day of the month on or after due date + delay (-10..89
// days), open when that is after today. kind: < 10 paid in two parts, 10-12 paid, reversed and
// paid again, and for open invoices < 15 partially paid.
const INVOICES = `CREATE UNLOGGED TABLE bench_gen_invoices AS
  WITH base AS (
    SELECT i AS id, 1 + bench_u(i, 11) % :customers AS customer_id,
      :today - ${DAYS} + bench_u(i, 12) % ${DAYS + 1} AS doc_date,
      5000 + (bench_u(i, 13) % 100000)::bigint * (1 + bench_u(i, 14) % 25) AS amount,
      bench_u(i, 15) % 1000 AS fate, bench_u(i, 16) % 100 AS kind,
      bench_u(i, 17) % 100 - 10 AS delay, bench_u(i, 18) AS r
    FROM generate_series(1, :invoices) i),
  dated AS (
    SELECT b.*, c.currency, c.terms_code, 1 + bench_u(c.id, 5) % 28 AS pay_day,
      CASE t.kind WHEN 'eom'
        THEN (b.doc_date - extract(day FROM b.doc_date)::int + 1 + interval '1 month')::date - 1
          + coalesce(t.net_days, 0)
        ELSE b.doc_date + coalesce(t.net_days, 0) END AS due_date
    FROM base b JOIN customers c ON c.id = b.customer_id JOIN terms t ON t.code = c.terms_code),
  targeted AS (SELECT d.*, greatest(d.doc_date, d.due_date + d.delay) AS target FROM dated d),
  snapped AS (
    SELECT t.*, make_date(extract(year FROM t.target)::int, extract(month FROM t.target)::int,
      t.pay_day) AS day FROM targeted t)
  SELECT id, customer_id, doc_date, due_date, amount, currency, terms_code, kind, r,
    CASE WHEN day >= target THEN day ELSE (day + interval '1 month')::date END AS pay_on,
    fate >= 280 AND (CASE WHEN day >= target THEN day ELSE (day + interval '1 month')::date END)
      <= :today AS paid
  FROM snapped`;

// Application ids are invoice id * 4 + a sequence number, so a reversal can name its original.
// group_date is the date of the payment the application draws on.
const APPLICATIONS = `CREATE UNLOGGED TABLE bench_gen_apps AS
  WITH split AS (
    SELECT *, greatest(doc_date, pay_on - 30) AS early_on, greatest(doc_date, pay_on - 45) AS undo_from
    FROM bench_gen_invoices)
  SELECT id * 4 AS id, id AS debit_id, customer_id, amount, pay_on AS applied_on,
    pay_on AS group_date, NULL::bigint AS reverses_id
  FROM split WHERE paid AND kind >= 13
  UNION ALL
  SELECT id * 4, id, customer_id, amount / 2, early_on, early_on, NULL
  FROM split WHERE paid AND kind < 10
  UNION ALL
  SELECT id * 4 + 1, id, customer_id, amount - amount / 2, pay_on, pay_on, NULL
  FROM split WHERE paid AND kind < 10
  UNION ALL
  SELECT id * 4, id, customer_id, amount, undo_from, undo_from, NULL
  FROM split WHERE paid AND kind BETWEEN 10 AND 12
  UNION ALL
  SELECT id * 4 + 1, id, customer_id, -amount, undo_from + r % (pay_on - undo_from + 1),
    undo_from, id * 4
  FROM split WHERE paid AND kind BETWEEN 10 AND 12
  UNION ALL
  SELECT id * 4 + 2, id, customer_id, amount, pay_on, pay_on, NULL
  FROM split WHERE paid AND kind BETWEEN 10 AND 12
  UNION ALL
  SELECT id * 4, id, customer_id, amount * (10 + r % 81) / 100,
    doc_date + r % (:today - doc_date + 1), doc_date + r % (:today - doc_date + 1), NULL
  FROM split WHERE NOT paid AND kind < 15`;

// One payment per customer and pay date; 4% carry more than they were applied to (unapplied).
const PAYMENTS = `CREATE UNLOGGED TABLE bench_gen_payments AS
  SELECT :invoices + row_number() OVER (ORDER BY customer_id, group_date) AS id,
    customer_id, group_date, applied, reversed,
    CASE WHEN bench_u(customer_id::bigint * 100000 + (group_date - :today), 21) % 25 = 0
      THEN 100 + bench_u(customer_id::bigint * 100000 + (group_date - :today), 22) % 50000
      ELSE 0 END AS extra
  FROM (SELECT customer_id, group_date,
      coalesce(sum(amount) FILTER (WHERE amount > 0), 0) AS applied,
      coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS reversed
    FROM bench_gen_apps GROUP BY customer_id, group_date) g;
  CREATE INDEX bench_gen_payments_key ON bench_gen_payments (customer_id, group_date)`;

const INSERT_INVOICES = `INSERT INTO documents (id, customer_id, type, number, document_date,
    due_date, amount_cents, open_cents, currency, terms_code, created_by) OVERRIDING SYSTEM VALUE
  SELECT i.id, i.customer_id, 'invoice', 'INV' || lpad(i.id::text, 8, '0'), i.doc_date,
    i.due_date, i.amount, i.amount - coalesce(a.applied, 0), i.currency, i.terms_code, 'bench'
  FROM bench_gen_invoices i
  LEFT JOIN (SELECT debit_id, sum(amount) AS applied FROM bench_gen_apps GROUP BY debit_id) a
    ON a.debit_id = i.id`;

const INSERT_PAYMENTS = `INSERT INTO documents (id, customer_id, type, number, document_date,
    due_date, amount_cents, open_cents, currency, method, created_by) OVERRIDING SYSTEM VALUE
  SELECT p.id, p.customer_id, 'payment', 'PAY' || lpad(p.id::text, 9, '0'), p.group_date,
    p.group_date, -(p.applied + p.extra), -(p.extra + p.reversed), c.currency,
    CASE WHEN p.id % 3 = 0 THEN 'ach' ELSE 'check' END, 'bench'
  FROM bench_gen_payments p JOIN customers c ON c.id = p.customer_id`;

const INSERT_OTHER_CREDITS = `INSERT INTO documents (id, customer_id, type, number,
    document_date, due_date, amount_cents, open_cents, currency, method, created_by)
    OVERRIDING SYSTEM VALUE
  SELECT m.id, m.customer_id, m.type, m.number, m.doc_date, m.doc_date, -m.amount, -m.amount,
    coalesce(c.currency, 'USD'), m.method, 'bench'
  FROM (
    SELECT coalesce((SELECT max(id) FROM bench_gen_payments), :invoices) + i AS id,
      CASE WHEN i <= :memos THEN 1 + bench_u(i, 31) % :customers END AS customer_id,
      CASE WHEN i <= :memos THEN 'credit_memo' ELSE 'payment' END AS type,
      CASE WHEN i <= :memos THEN 'CM' ELSE 'UNID' END || lpad(i::text, 7, '0') AS number,
      CASE WHEN i <= :memos THEN NULL ELSE 'wire' END AS method,
      :today - bench_u(i, 32) % 400 AS doc_date,
      500 + (bench_u(i, 33) % 200000)::bigint AS amount
    FROM generate_series(1, :memos + :unidentified) i) m
  LEFT JOIN customers c ON c.id = m.customer_id`;

// With row triggers off, the copies of the documents' columns (migration 026) are written here:
// the debit is the invoice, the credit the payment (dated group_date). No item is ever applied for
// more than its amount on any date, so aging_over_applied stays empty (migration 026 run over
// the generated book at scale 0.1 finds no over-applied date).
const INSERT_APPLICATIONS = `INSERT INTO applications (id, credit_id, debit_id, amount_cents,
    applied_on, reverses_id, method, reason, created_by, currency, debit_customer_id,
    debit_document_date, debit_due_date, credit_customer_id, credit_document_date)
    OVERRIDING SYSTEM VALUE
  SELECT a.id, p.id, a.debit_id, a.amount, a.applied_on, a.reverses_id,
    CASE WHEN a.reverses_id IS NULL THEN 'import' ELSE 'manual' END,
    CASE WHEN a.reverses_id IS NULL THEN NULL ELSE 'applied to the wrong invoice' END, 'bench',
    i.currency, i.customer_id, i.doc_date, i.due_date, p.customer_id, p.group_date
  FROM bench_gen_apps a
  JOIN bench_gen_payments p ON p.customer_id = a.customer_id AND p.group_date = a.group_date
  JOIN bench_gen_invoices i ON i.id = a.debit_id`;
