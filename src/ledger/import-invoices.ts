import type { Queryable } from '../db/connection.ts';
import { isUniqueViolation } from '../db/documents.ts';
import { termsFromRow, type TermsRow } from '../db/terms.ts';
import type { IsoDate } from '../domain/dates.ts';
import { documentJournalLines, isCreditType, type DocumentType } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import { dueDateFor } from '../domain/terms.ts';
import { assert } from '../domain/result.ts';
import type { BulkInsert, ImportContext, ImportHandler, ImportWrite } from './import.ts';
import { invoicesDirect, NUMBER_INDEXES } from './import-invoices-direct.ts';

// Invoices, credit memos and debit memos from a file. Each row is matched to its customer and to
// an existing document of the same type and number (numbers are unique per type): an identical
// one is skipped, a different one refuses the file. Due dates not in the file come from the
// customer's terms (dueDateFor, once per distinct terms and date); credit memos are due on their
// date. external_id is `<type>:<number>`.

export const invoicesImport: ImportHandler<'invoices'> = {
  stage: [
    ['account_number', 'text'], ['number', 'text'], ['type', 'text'], ['document_date', 'date'],
    ['due_date', 'date'], ['amount_milli', 'bigint'], ['currency', 'text'],
    ['po_number', 'text'], ['order_number', 'text'],
  ],
  stageRow: (r) => [r.accountNumber, r.number, r.type, r.date, r.dueDate, r.amountMilli,
    r.currency, r.poNumber, r.orderNumber],
  check,
  write,
  direct: invoicesDirect,
};

async function check(ctx: ImportContext): Promise<void> {
  const cents = ctx.centsSql('s.amount_milli', 'c.currency');
  await ctx.tx.query(`CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
    SELECT s.line, s.account_number, s.type, s.number, s.document_date, s.due_date,
      s.currency AS currency_given, s.po_number, s.order_number, c.id AS customer_id, c.currency,
      CASE WHEN s.type = 'credit_memo' THEN NULL ELSE c.terms_code END AS terms_code,
      ${cents} AS amount_cents, d.id AS existing_id,
      CASE WHEN d.id IS NOT NULL THEN concat_ws(', ',
        CASE WHEN d.customer_id IS DISTINCT FROM c.id THEN 'customer' END,
        CASE WHEN d.document_date <> s.document_date THEN 'date' END,
        CASE WHEN s.due_date <> d.due_date THEN 'due_date' END,
        CASE WHEN abs(d.amount_cents) IS DISTINCT FROM ${cents} THEN 'amount' END,
        CASE WHEN d.currency <> c.currency THEN 'currency' END,
        CASE WHEN d.po_number IS DISTINCT FROM s.po_number THEN 'po_number' END,
        CASE WHEN d.order_number IS DISTINCT FROM s.order_number THEN 'order_number' END)
      END AS differences
    FROM import_stage s
    LEFT JOIN customers c ON c.account_number = s.account_number
    LEFT JOIN documents d ON d.type = s.type AND d.number = s.number`);
  await ctx.reportChecks('import_resolved', [
    { column: 'account_number', when: 'r.customer_id IS NULL',
      reason: `'no customer with account number ' || r.account_number` },
    { column: 'currency', when: 'r.currency_given <> r.currency',
      reason: `r.currency_given || ' is not the customer''s currency ' || r.currency` },
    { column: 'amount', when: 'r.customer_id IS NOT NULL AND r.amount_cents IS NULL',
      reason: `'more decimal places than ' || r.currency || ' has'` },
    { column: 'number', when: `r.customer_id IS NOT NULL AND r.differences <> ''`,
      reason: `replace(r.type, '_', ' ') || ' ' || r.number
        || ' already exists with a different ' || r.differences` },
  ]);
  // A file that passes is checked for repeated numbers by the unique index as it is written
  // (see write); one that is refused anyway gets the full list now.
  if (ctx.failed()) await reportRepeatedNumbers(ctx);
}

/** Rows that repeat a number (and type) of an earlier row of the file. */
function reportRepeatedNumbers(ctx: ImportContext): Promise<number> {
  return ctx.reportChecks(
    `(SELECT line, min(line) OVER (PARTITION BY type, number) AS first_line FROM import_stage)`,
    [{ column: 'number', when: 'r.line > r.first_line',
      reason: `'the same number as line ' || r.first_line` }]);
}

/**
 * Inserts the new documents. A number repeated within the file is found by the unique index on
 * (type, number) rather than by a sort of every row beforehand: on that violation the insert is
 * undone and the repeating rows reported (the caller then refuses the file).
 */
async function write(ctx: ImportContext): Promise<ImportWrite> {
  const { tx } = ctx;
  await loadDueDates(tx);
  await tx.query('SAVEPOINT import_documents');
  try {
    await insertDocuments(ctx);
  } catch (e) {
    if (!NUMBER_INDEXES.some((c) => isUniqueViolation(e, c))) throw e;
    await tx.query('ROLLBACK TO SAVEPOINT import_documents');
    if ((await reportRepeatedNumbers(ctx)) === 0) throw e;
    return { created: 0, skipped: 0, journal: [], effectiveDate: null };
  }
  await tx.query('RELEASE SAVEPOINT import_documents');
  return summarize(tx);
}

async function insertDocuments(ctx: ImportContext): Promise<void> {
  await ctx.bulkInsert(`INSERT INTO documents (customer_id, type, number, document_date,
      due_date, amount_cents, open_cents, currency, terms_code, po_number, order_number,
      external_id, batch_id, created_by)
    SELECT r.customer_id, r.type, r.number, r.document_date,
      coalesce(r.due_date, u.due_date, r.document_date), x.signed, x.signed, r.currency,
      r.terms_code, r.po_number, r.order_number, r.type || ':' || r.number, $1, $2
    FROM import_resolved r
    CROSS JOIN LATERAL (SELECT CASE WHEN r.type = 'credit_memo' THEN -r.amount_cents
      ELSE r.amount_cents END AS signed) x
    LEFT JOIN import_due_dates u
      ON u.terms_code = r.terms_code AND u.document_date = r.document_date
    WHERE r.existing_id IS NULL
    ORDER BY r.line`, [ctx.batchId, ctx.actor.name],
  documentsBulkInsert(ctx, [['customers', 'id', 'customer_id'], ['terms', 'code', 'terms_code']]));
}

/**
 * Inserting documents from import_resolved without row triggers: the import has found every
 * referenced row (customer, terms) by joins; here they are locked as the foreign-key checks would
 * lock them, and afterwards the customer summaries (migration 005's insert trigger) and the aging
 * periods (migration 031's) are refreshed once for the batch. batch_id is this batch's; reverses_id stays null. `dated`: the
 * column of import_resolved that holds the documents' date.
 */
export function documentsBulkInsert(
  ctx: ImportContext, references: readonly (readonly [string, string, string])[],
  dated: 'document_date' | 'received_on' = 'document_date',
): BulkInsert {
  const { tx } = ctx;
  return {
    table: 'documents',
    foreignKeys: ['customer_id', 'terms_code', 'batch_id', 'reverses_id'],
    replayed: ['customer_summary_documents_inserted', 'aging_periods_documents_inserted'],
    async before() {
      for (const [table, key, column] of references) await lockReferenced(tx, table, key, column);
    },
    async after() {
      await tx.query(`SELECT refresh_customer_summaries(ARRAY(
        SELECT DISTINCT customer_id FROM import_resolved
        WHERE existing_id IS NULL AND customer_id IS NOT NULL))`);
      await tx.query(`SELECT refresh_aging_periods(ARRAY(
          SELECT DISTINCT coalesce(customer_id, 0) FROM import_resolved
          WHERE existing_id IS NULL),
        (SELECT min(${dated}) FROM import_resolved WHERE existing_id IS NULL))`);
    },
  };
}

/**
 * Locks FOR KEY SHARE the rows of `table` whose `key` the new documents' `column` references; all
 * must exist. `references` lists [table, key, column] triples.
 */
async function lockReferenced(
  tx: Queryable, table: string, key: string, column: string,
): Promise<void> {
  const r = await tx.query<{ wanted: number; locked: number }>(
    `WITH wanted AS (SELECT DISTINCT ${column} AS k FROM import_resolved
       WHERE existing_id IS NULL AND ${column} IS NOT NULL),
     locked AS (SELECT 1 FROM ${table} WHERE ${key} IN (SELECT k FROM wanted) FOR KEY SHARE)
     SELECT (SELECT count(*) FROM wanted)::bigint AS wanted,
       (SELECT count(*) FROM locked)::bigint AS locked`);
  assert(r.rows[0]!.wanted === r.rows[0]!.locked, `every referenced ${table} row exists`);
}

/**
 * Due dates from terms for the rows that give none: one dueDateFor per distinct terms code and
 * document date (a few thousand at most), joined in by the insert.
 */
async function loadDueDates(tx: Queryable): Promise<void> {
  await tx.query(`CREATE TEMP TABLE import_due_dates
    (terms_code text, document_date date, due_date date) ON COMMIT DROP`);
  const pairs = await tx.query<{ code: string; date: IsoDate }>(
    `SELECT DISTINCT terms_code AS code, document_date AS date FROM import_resolved
     WHERE existing_id IS NULL AND due_date IS NULL AND terms_code IS NOT NULL`);
  if (pairs.rows.length === 0) return;
  const terms = await tx.query<TermsRow>(
    `SELECT code, kind, net_days, discount_bp, discount_days FROM terms
     WHERE code = ANY($1::text[])`, [[...new Set(pairs.rows.map((p) => p.code))]]);
  const byCode = new Map(terms.rows.map((t) => [t.code, termsFromRow(t)]));
  await tx.copyRows('import_due_dates', ['terms_code', 'document_date', 'due_date'],
    pairs.rows.map((p) => [p.code, p.date, dueDateFor(byCode.get(p.code)!, p.date)]));
}

async function summarize(tx: Queryable): Promise<ImportWrite> {
  const r = await tx.query<{
    type: DocumentType; currency: string; created: boolean; total: number; n: number;
    last: IsoDate;
  }>(
    `SELECT type, currency, existing_id IS NULL AS created, count(*)::bigint AS n,
       sum(amount_cents)::bigint AS total, max(document_date) AS last
     FROM import_resolved GROUP BY 1, 2, 3`);
  const created = r.rows.filter((g) => g.created);
  return {
    created: created.reduce((s, g) => s + g.n, 0),
    skipped: r.rows.filter((g) => !g.created).reduce((s, g) => s + g.n, 0),
    journal: created.flatMap((g) => documentJournalLines(
      g.type, (isCreditType(g.type) ? -g.total : g.total) as Cents, g.currency)),
    effectiveDate: created.reduce<IsoDate | null>(
      (d, g) => (d === null || g.last > d ? g.last : d), null),
  };
}
