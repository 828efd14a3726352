import type { Queryable } from '../db/connection.ts';
import { CREDIT_TYPES } from '../domain/ledger.ts';

/** One way the stored ledger disagrees with what its applications and journal say. */
export type LedgerDifference =
  /** documents.open_cents differs from amount and applications. */
  | { check: 'open_amount'; documentId: number; number: string; type: string;
      openCents: number; derivedOpenCents: number }
  /** Applications take a document past zero (or add to it). */
  | { check: 'over_applied'; documentId: number; number: string; type: string;
      amountCents: number; derivedOpenCents: number }
  /** An application row breaks a rule of applications. */
  | { check: 'application'; applicationId: number; problem: ApplicationProblem }
  /** Per currency: AR control = open non-payment items; unapplied cash = open payments. */
  | { check: 'control_balance'; currency: string; account: 'ar_control' | 'unapplied_cash';
      balanceCents: number; openCents: number }
  | { check: 'entry_unbalanced'; entryId: number; currency: string; netCents: number }
  /** customer_summary (kept by triggers) differs from the customer's open items. */
  | { check: 'customer_summary'; customerId: number }
  /** customer_open_dates (kept with the summaries) differs from the customer's open items. */
  | { check: 'customer_open_dates'; customerId: number; currency: string }
  /** A document was over-applied on dates no window of aging_over_applied holds. */
  | { check: 'over_applied_dates'; documentId: number }
  /**
   * A kept month end of the aging (migration 031) differs from the customer's documents and
   * applications as of that date (customer 0: documents without a customer).
   */
  | { check: 'aging_period'; periodEnd: string; customerId: number; currency: string }
  /** customer_count (kept by triggers) differs from the number of customers. */
  | { check: 'customer_count'; storedCount: number; derivedCount: number };

/**
 * copy_differs: the documents' columns copied onto the application for the aging (migration 026)
 * differ from the documents' (a NULL credit_customer_id is right: the payment had no customer).
 */
export type ApplicationProblem =
  | 'wrong_sides' | 'currencies_differ' | 'applied_before_document_date'
  | 'reversal_mismatch' | 'reversal_before_original' | 'copy_differs';

/**
 * Re-derives every denormalized ledger value and invariant with set-based queries (one pass per
 * check over documents, applications and journal lines; no per-row work in the application) and
 * returns the differences, at most `limit` per check. An empty list means the ledger is sound.
 */
export async function verifyLedger(db: Queryable, limit = 1000): Promise<LedgerDifference[]> {
  return [
    ...await documentDifferences(db, limit),
    ...await applicationDifferences(db, limit),
    ...await controlDifferences(db),
    ...await entryDifferences(db, limit),
    ...await summaryDifferences(db, limit),
    ...await openDatesDifferences(db, limit),
    ...await periodDifferences(db, limit),
    ...await countDifferences(db),
    ...await overAppliedDifferences(db, limit),
  ];
}

async function documentDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const r = await db.query<{
    documentId: number; number: string; type: string; amountCents: number; openCents: number;
    derivedOpenCents: number;
  }>(
    `WITH applied AS (
       SELECT id, sum(delta)::bigint AS delta FROM (
         SELECT debit_id AS id, -amount_cents AS delta FROM applications
         UNION ALL
         SELECT credit_id, amount_cents FROM applications) x
       GROUP BY id),
     derived AS (
       SELECT d.id, d.number, d.type, d.amount_cents, d.open_cents,
         (d.amount_cents + coalesce(a.delta, 0))::bigint AS open_derived
       FROM documents d LEFT JOIN applied a ON a.id = d.id)
     SELECT id AS "documentId", number, type, amount_cents AS "amountCents",
       open_cents AS "openCents", open_derived AS "derivedOpenCents"
     FROM derived
     WHERE open_cents <> open_derived
        OR open_derived NOT BETWEEN LEAST(0, amount_cents) AND GREATEST(0, amount_cents)
     ORDER BY id LIMIT $1`,
    [limit],
  );
  return r.rows.flatMap((d): LedgerDifference[] => {
    const out: LedgerDifference[] = [];
    const { documentId, number, type } = d;
    if (d.openCents !== d.derivedOpenCents) {
      out.push({ check: 'open_amount', documentId, number, type, openCents: d.openCents,
        derivedOpenCents: d.derivedOpenCents });
    }
    const [low, high] = [Math.min(0, d.amountCents), Math.max(0, d.amountCents)];
    if (d.derivedOpenCents < low || d.derivedOpenCents > high) {
      out.push({ check: 'over_applied', documentId, number, type, amountCents: d.amountCents,
        derivedOpenCents: d.derivedOpenCents });
    }
    return out;
  });
}

async function applicationDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const r = await db.query<{ applicationId: number; problem: ApplicationProblem }>(
    `SELECT * FROM (
       SELECT a.id AS "applicationId", CASE
         WHEN NOT (c.type = ANY($2::text[])) OR d.type = ANY($2::text[]) THEN 'wrong_sides'
         WHEN c.currency <> d.currency THEN 'currencies_differ'
         WHEN a.applied_on < c.document_date OR a.applied_on < d.document_date
           THEN 'applied_before_document_date'
         WHEN o.id IS NOT NULL AND (o.credit_id <> a.credit_id OR o.debit_id <> a.debit_id
           OR o.amount_cents <> -a.amount_cents OR o.reverses_id IS NOT NULL)
           THEN 'reversal_mismatch'
         WHEN a.applied_on < o.applied_on THEN 'reversal_before_original'
         WHEN a.currency <> d.currency OR a.debit_customer_id <> d.customer_id
           OR a.debit_document_date <> d.document_date OR a.debit_due_date <> d.due_date
           OR a.credit_customer_id <> c.customer_id OR a.credit_document_date <> c.document_date
           THEN 'copy_differs'
       END AS problem
       FROM applications a
       JOIN documents c ON c.id = a.credit_id
       JOIN documents d ON d.id = a.debit_id
       LEFT JOIN applications o ON o.id = a.reverses_id) x
     WHERE problem IS NOT NULL ORDER BY "applicationId" LIMIT $1`,
    [limit, CREDIT_TYPES],
  );
  return r.rows.map((row) => ({ check: 'application', ...row }));
}

async function controlDifferences(db: Queryable): Promise<LedgerDifference[]> {
  const r = await db.query<{
    currency: string; account: 'ar_control' | 'unapplied_cash'; balanceCents: number;
    openCents: number;
  }>(
    `WITH gl AS (
       SELECT currency, account, sum(amount_cents)::bigint AS balance FROM journal_lines
       WHERE account IN ('ar_control', 'unapplied_cash') GROUP BY currency, account),
     items AS (
       SELECT currency,
         CASE WHEN type = 'payment' THEN 'unapplied_cash' ELSE 'ar_control' END AS account,
         sum(open_cents)::bigint AS open
       FROM documents WHERE open_cents <> 0 GROUP BY 1, 2)
     SELECT coalesce(gl.currency, items.currency) AS currency,
       coalesce(gl.account, items.account) AS account,
       coalesce(gl.balance, 0)::bigint AS "balanceCents",
       coalesce(items.open, 0)::bigint AS "openCents"
     FROM gl FULL JOIN items ON items.currency = gl.currency AND items.account = gl.account
     WHERE coalesce(gl.balance, 0) <> coalesce(items.open, 0)
     ORDER BY 1, 2`,
  );
  return r.rows.map((row) => ({ check: 'control_balance', ...row }));
}

async function entryDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const r = await db.query<{ entryId: number; currency: string; netCents: number }>(
    `SELECT entry_id AS "entryId", currency, sum(amount_cents)::bigint AS "netCents"
     FROM journal_lines GROUP BY entry_id, currency HAVING sum(amount_cents) <> 0
     ORDER BY entry_id LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ check: 'entry_unbalanced', ...row }));
}

/**
 * customer_summary (migrations 005, 007) is re-derived like the rest, from customer_summary_of,
 * the one definition its refresh functions also use; skipped on a database without it.
 */
async function summaryDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const present = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('customer_summary') IS NOT NULL
       AND to_regproc('customer_summary_of') IS NOT NULL AS ok`);
  if (!present.rows[0]?.ok) return [];
  const r = await db.query<{ customerId: number }>(
    `SELECT c.id AS "customerId"
     FROM customers c
     LEFT JOIN customer_summary s ON s.customer_id = c.id
     LEFT JOIN customer_summary_of(summary_date(), base_currency()) x ON x.customer_id = c.id
     WHERE s.customer_id IS NULL
        OR (s.balance_cents, s.past_due_cents, s.unapplied_cents, s.open_items,
            s.oldest_open_due_date, s.aging_items, s.aging_unapplied_cents, s.aging_a0,
            s.aging_a1, s.aging_a2, s.aging_a3, s.aging_a4, s.aging_a5, s.aging_a6)
          IS DISTINCT FROM (coalesce(x.balance, 0), coalesce(x.past_due, 0),
            coalesce(x.unapplied, 0), coalesce(x.n, 0), x.oldest, coalesce(x.aging_items, 0),
            coalesce(x.aging_unapplied, 0), coalesce(x.a0, 0), coalesce(x.a1, 0),
            coalesce(x.a2, 0), coalesce(x.a3, 0), coalesce(x.a4, 0), coalesce(x.a5, 0),
            coalesce(x.a6, 0))
     ORDER BY c.id LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ check: 'customer_summary', customerId: row.customerId }));
}

/**
 * customer_open_dates (migration 028) against customer_open_dates_of, the definition its refresh
 * uses: a row missing, left over or with other running totals; skipped on a database without it.
 */
async function openDatesDifferences(
  db: Queryable, limit: number,
): Promise<LedgerDifference[]> {
  const present = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('customer_open_dates') IS NOT NULL AS ok`);
  if (!present.rows[0]?.ok) return [];
  const r = await db.query<{ customerId: number; currency: string }>(
    `SELECT coalesce(s.customer_id, x.customer_id) AS "customerId",
       coalesce(s.currency, x.currency)::text AS currency
     FROM customer_open_dates s
     FULL JOIN customer_open_dates_of() x
       ON x.customer_id = s.customer_id AND x.currency = s.currency
     WHERE s.customer_id IS NULL OR x.customer_id IS NULL
        OR (s.due_on, s.due_cents, s.debit_on, s.debit_cents, s.credit_on, s.credit_cents)
          IS DISTINCT FROM (x.due_on, x.due_cents, x.debit_on, x.debit_cents, x.credit_on,
            x.credit_cents)
     ORDER BY 1, 2 LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ check: 'customer_open_dates', ...row }));
}

/**
 * Each kept month end of the aging (migration 031; those being built are not read) against its
 * definition: every customer's
 * documents with amount -/+ their applications effective on or before it (period_items for the
 * customers, not the build's shortcut through today's open amounts); skipped on a database
 * without them.
 */
async function periodDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const present = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('aging_periods') IS NOT NULL AS ok`);
  if (!present.rows[0]?.ok) return [];
  const r = await db.query<{ periodEnd: string; customerId: number; currency: string }>(
    `WITH ids AS (SELECT array_append(array_agg(id), 0::bigint) AS ids FROM customers),
     ready AS (SELECT period_end FROM aging_periods WHERE ready),
     kept AS (
       SELECT period_end, customer_id, currency, 'dates' AS part,
         (due_on, due_cents, debit_on, debit_cents, credit_on, credit_cents)::text AS v
       FROM period_open_dates WHERE period_end IN (SELECT period_end FROM ready)
       UNION ALL
       SELECT period_end, customer_id, currency, 'irregular',
         string_agg(concat_ws(':', document_id, document_date, due_date, open_cents), ','
           ORDER BY document_id) AS v
       FROM period_open_irregular WHERE period_end IN (SELECT period_end FROM ready)
       GROUP BY 1, 2, 3),
     derived AS (
       SELECT p.period_end, x.customer_id, x.currency, 'dates' AS part,
         (x.due_on, x.due_cents, x.debit_on, x.debit_cents, x.credit_on, x.credit_cents)::text
           AS v
       FROM ready p, ids, period_open_dates_of(p.period_end, ids.ids) x
       UNION ALL
       SELECT p.period_end, x.customer_id, x.currency, 'irregular',
         string_agg(concat_ws(':', x.document_id, x.document_date, x.due_date, x.open_cents),
           ',' ORDER BY x.document_id) AS v
       FROM ready p, ids, period_open_irregular_of(p.period_end, ids.ids) x
       GROUP BY 1, 2, 3)
     SELECT DISTINCT coalesce(k.period_end, d.period_end)::text AS "periodEnd",
       coalesce(k.customer_id, d.customer_id) AS "customerId",
       coalesce(k.currency, d.currency)::text AS currency
     FROM kept k FULL JOIN derived d ON d.period_end = k.period_end
       AND d.customer_id = k.customer_id AND d.currency = k.currency AND d.part = k.part
     WHERE k.v IS DISTINCT FROM d.v
     ORDER BY 1, 2, 3 LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ check: 'aging_period', ...row }));
}

/** customer_count (migration 006) against count(*); skipped on a database without it. */
async function countDifferences(db: Queryable): Promise<LedgerDifference[]> {
  const present = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('customer_count') IS NOT NULL AS ok`);
  if (!present.rows[0]?.ok) return [];
  const r = await db.query<{ storedCount: number | null; derivedCount: number }>(
    `SELECT (SELECT customers FROM customer_count) AS "storedCount",
       (SELECT count(*) FROM customers)::bigint AS "derivedCount"`);
  const row = r.rows[0]!;
  const storedCount = row.storedCount ?? -1;
  return storedCount === row.derivedCount
    ? []
    : [{ check: 'customer_count', storedCount, derivedCount: row.derivedCount }];
}

/**
 * aging_over_applied (migration 026, written with the applications) must hold every date on which
 * a document was over-applied (the aging as of that date moves it to where its sign says).
 */
async function overAppliedDifferences(db: Queryable, limit: number): Promise<LedgerDifference[]> {
  const r = await db.query<{ documentId: number }>(
    `SELECT DISTINCT o.document_id AS "documentId" FROM over_applied_dates(NULL) o
     WHERE NOT EXISTS (SELECT 1 FROM aging_over_applied w WHERE w.document_id = o.document_id
       AND w.from_on <= o.from_on AND w.to_on >= o.to_on)
     ORDER BY 1 LIMIT $1`,
    [limit],
  );
  return r.rows.map((row) => ({ check: 'over_applied_dates', documentId: row.documentId }));
}
