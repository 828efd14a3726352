import { insertTerms } from '../db/documents.ts';
import { describeTerms, parseTerms, termsCode } from '../domain/terms.ts';
import type { ImportContext, ImportHandler, ImportWrite } from './import.ts';

// Customers from a file, with an optional primary contact each. A parent account may be an
// existing customer or another row of the file (in any order; no cycles). Terms are a code of
// the `terms` table or terms as people write them, stored under their canonical code. A row for
// an existing account is skipped when it says what the ledger holds, else it refuses the file.

export const customersImport: ImportHandler<'customers'> = {
  stage: [
    ['account_number', 'text'], ['name', 'text'], ['parent_account', 'text'], ['terms', 'text'],
    ['credit_limit_milli', 'bigint'], ['currency', 'text'], ['collector', 'text'],
    ['sales_rep', 'text'], ['region', 'text'], ['contact_name', 'text'], ['email', 'text'],
    ['phone', 'text'],
  ],
  stageRow: (r) => [r.accountNumber, r.name, r.parentAccount, r.terms, r.creditLimitMilli,
    r.currency, r.collector, r.salesRep, r.region, r.contactName, r.email, r.phone],
  check,
  write,
};

/**
 * Maps each distinct terms text of the file to the code to store (import_terms): itself when it
 * is a code, else the canonical code of what parseTerms reads (added to `terms`). Unreadable
 * terms get no row.
 */
async function resolveTerms(ctx: ImportContext): Promise<void> {
  const { tx } = ctx;
  await tx.query(`CREATE TEMP TABLE import_terms (terms text, code text) ON COMMIT DROP`);
  const texts = (await tx.query<{ terms: string }>('SELECT DISTINCT terms FROM import_stage'))
    .rows.map((r) => r.terms);
  const known = new Set((await tx.query<{ code: string }>(
    'SELECT code FROM terms WHERE code = ANY($1::text[])', [texts])).rows.map((r) => r.code));
  const mapped: [string, string][] = [];
  for (const text of texts) {
    if (known.has(text)) {
      mapped.push([text, text]);
      continue;
    }
    const parsed = parseTerms(text);
    if (!parsed.ok) continue;
    const code = termsCode(parsed.value);
    await insertTerms(tx, code, describeTerms(parsed.value), parsed.value);
    mapped.push([text, code]);
  }
  await tx.copyRows('import_terms', ['terms', 'code'], mapped);
}

async function check(ctx: ImportContext): Promise<void> {
  await resolveTerms(ctx);
  const currency = `coalesce(s.currency, ${ctx.literal(ctx.baseCurrency)})`;
  const limit = ctx.centsSql('s.credit_limit_milli', currency);
  await ctx.tx.query(`CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
    SELECT s.*, t.code AS terms_code, ${currency} AS currency_resolved,
      ${limit} AS credit_limit_cents, e.id AS existing_id, p.id AS parent_id,
      f.line AS parent_line,
      CASE WHEN e.id IS NOT NULL THEN concat_ws(', ',
        CASE WHEN e.name <> s.name THEN 'name' END,
        CASE WHEN ep.account_number IS DISTINCT FROM s.parent_account THEN 'parent_account' END,
        CASE WHEN e.terms_code IS DISTINCT FROM t.code THEN 'terms' END,
        CASE WHEN e.credit_limit_cents IS DISTINCT FROM ${limit} THEN 'credit_limit' END,
        CASE WHEN e.currency <> ${currency} THEN 'currency' END,
        CASE WHEN e.collector IS DISTINCT FROM s.collector THEN 'collector' END,
        CASE WHEN e.sales_rep IS DISTINCT FROM s.sales_rep THEN 'sales_rep' END,
        CASE WHEN e.region IS DISTINCT FROM s.region THEN 'region' END)
      END AS differences
    FROM import_stage s
    LEFT JOIN import_terms t ON t.terms = s.terms
    LEFT JOIN customers e ON e.account_number = s.account_number
    LEFT JOIN customers ep ON ep.id = e.parent_id
    LEFT JOIN customers p ON p.account_number = s.parent_account
    LEFT JOIN (SELECT account_number, min(line) AS line FROM import_stage GROUP BY 1) f
      ON f.account_number = s.parent_account`);
  await ctx.reportChecks('import_resolved', [
    { column: 'terms', when: 'r.terms_code IS NULL',
      reason: `'terms not recognized: ' || r.terms` },
    { column: 'credit_limit',
      when: 'r.credit_limit_milli IS NOT NULL AND r.credit_limit_cents IS NULL',
      reason: `'more decimal places than ' || r.currency_resolved || ' has'` },
    { column: 'account_number', when: `r.differences <> ''`,
      reason: `'customer ' || r.account_number || ' already exists with a different '
        || r.differences` },
    { column: 'parent_account',
      when: 'r.parent_account IS NOT NULL AND r.parent_id IS NULL AND r.parent_line IS NULL',
      reason: `'no customer ' || r.parent_account || ' in the ledger or this file'` },
  ]);
  await ctx.reportChecks(
    `(SELECT line, min(line) OVER (PARTITION BY account_number) AS first_line FROM import_stage)`,
    [{ column: 'account_number', when: 'r.line > r.first_line',
      reason: `'the same account number as line ' || r.first_line` }]);
  await ctx.reportChecks(`(${CYCLES})`, [{ column: 'parent_account', when: 'true',
    reason: `'parents in this file form a cycle through ' || r.account_number` }]);
}

/** New rows whose parents, followed up through new rows of the file, lead back to them. */
const CYCLES = `WITH RECURSIVE edges AS (
    SELECT account_number AS child, parent_account AS parent FROM import_resolved
    WHERE existing_id IS NULL AND parent_id IS NULL AND parent_line IS NOT NULL),
  walk (start, node) AS (
    SELECT child, parent FROM edges
    UNION
    SELECT w.start, e.parent FROM walk w JOIN edges e ON e.child = w.node
    WHERE w.node <> w.start)
  SELECT r.line, r.account_number FROM import_resolved r
  WHERE r.account_number IN (SELECT start FROM walk WHERE node = start)`;

async function write(ctx: ImportContext): Promise<ImportWrite> {
  const { tx } = ctx;
  const inserted = await tx.query(`INSERT INTO customers (account_number, name, parent_id,
      terms_code, credit_limit_cents, currency, collector, sales_rep, region, batch_id)
    SELECT account_number, name, parent_id, terms_code, credit_limit_cents, currency_resolved,
      collector, sales_rep, region, $1
    FROM import_resolved WHERE existing_id IS NULL ORDER BY line`, [ctx.batchId]);
  // Parents that are rows of this file exist now.
  await tx.query(`UPDATE customers c SET parent_id = p.id
    FROM import_resolved r JOIN customers p ON p.account_number = r.parent_account
    WHERE c.account_number = r.account_number AND r.existing_id IS NULL
      AND r.parent_id IS NULL AND r.parent_account IS NOT NULL`);
  await tx.query(`INSERT INTO contacts (customer_id, name, email, phone, is_primary)
    SELECT c.id, r.contact_name, r.email, r.phone, true
    FROM import_resolved r JOIN customers c ON c.account_number = r.account_number
    WHERE r.existing_id IS NULL AND r.contact_name IS NOT NULL ORDER BY r.line`);
  const skipped = await tx.query<{ n: number }>(
    'SELECT count(*)::bigint AS n FROM import_resolved WHERE existing_id IS NOT NULL');
  return {
    created: inserted.rowCount, skipped: skipped.rows[0]!.n, journal: [], effectiveDate: null,
  };
}
