import type { IsoDate } from '../domain/dates.ts';
import {
  applicationJournalLines, DEBIT_TYPES, type CreditType, type DebitType,
} from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import type { ImportContext, ImportHandler, ImportWrite } from './import.ts';

// Applications from a file. The credit side is the account's payment with that reference (or,
// when it has none, the account's credit memo with that number); the debit side is the account's
// debit item with that number. The documents are locked (id order) before their open amounts
// are read; the file's amounts, added up line by line, never exceed either side's open amount.
// external_id:
// `app:<account>|<payment_reference>|<document_number>|<amount cents>|<applied_on>|<n>`.

export const applicationsImport: ImportHandler<'applications'> = {
  stage: [
    ['account_number', 'text'], ['payment_reference', 'text'], ['document_number', 'text'],
    ['amount_milli', 'bigint'], ['applied_on', 'date'],
  ],
  stageRow: (r) => [r.accountNumber, r.paymentReference, r.documentNumber, r.amountMilli,
    r.appliedOn],
  check,
  write,
};

async function check(ctx: ImportContext): Promise<void> {
  await resolveDocuments(ctx);
  await lockDocuments(ctx);
  await loadOpenAmounts(ctx);
  await ctx.reportChecks('import_checked', [
    { column: 'account_number', when: 'r.customer_id IS NULL',
      reason: `'no customer with account number ' || r.account_number` },
    { column: 'payment_reference', when: 'r.customer_id IS NOT NULL AND r.credit_id IS NULL',
      reason: `'no payment or credit memo ' || r.payment_reference || ' of account '
        || r.account_number` },
    { column: 'payment_reference', when: 'r.payments > 1',
      reason: `r.payments || ' payments of account ' || r.account_number
        || ' have the reference ' || r.payment_reference` },
    { column: 'document_number', when: 'r.customer_id IS NOT NULL AND r.debits = 0',
      reason: `'no invoice or other debit item ' || r.document_number || ' of account '
        || r.account_number` },
    { column: 'document_number', when: 'r.debits > 1',
      reason: `r.debits || ' debit items of account ' || r.account_number
        || ' are numbered ' || r.document_number` },
    { column: 'document_number', when: 'r.debit_currency <> r.credit_currency',
      reason: `'in ' || r.debit_currency || ', the payment in ' || r.credit_currency` },
    { column: 'amount', when: 'r.credit_id IS NOT NULL AND r.amount_cents IS NULL',
      reason: `'more decimal places than ' || r.credit_currency || ' has'` },
    { column: 'applied_on', when: 'r.applied_on < r.credit_date',
      reason: `'before ' || r.payment_reference || ' (' || ${day('r.credit_date')} || ')'` },
    { column: 'applied_on', when: 'r.applied_on < r.debit_date',
      reason: `'before ' || r.document_number || ' (' || ${day('r.debit_date')} || ')'` },
    { column: 'amount', when: 'r.existing_id IS NULL AND r.debit_running > r.debit_open',
      reason: `${tooMuch('r.debit_running', 'r.document_number')}
        || ${ctx.amountSql('r.debit_open', 'r.debit_currency')} || ')'` },
    { column: 'amount', when: 'r.existing_id IS NULL AND r.credit_running > r.credit_open',
      reason: `${tooMuch('r.credit_running', 'r.payment_reference')}
        || ${ctx.amountSql('r.credit_open', 'r.credit_currency')} || ')'` },
  ]);
}

const day = (date: string): string => `to_char(${date}, 'YYYY-MM-DD')`;

/** The reason an amount is too much: alone, or together with earlier lines of the file. */
function tooMuch(running: string, number: string): string {
  return `CASE WHEN r.amount_cents = ${running} THEN 'more than the open amount of '
    ELSE 'with earlier lines of this file, more than the open amount of ' END
    || ${number} || ' (open '`;
}

async function resolveDocuments(ctx: ImportContext): Promise<void> {
  await ctx.tx.query(`CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
    WITH keyed AS (
      SELECT s.*, c.id AS customer_id FROM import_stage s
      LEFT JOIN customers c ON c.account_number = s.account_number),
    credits AS (
      SELECT k.line, count(*) FILTER (WHERE d.type = 'payment') AS payments,
        min(d.id) FILTER (WHERE d.type = 'payment') AS payment_id,
        min(d.id) FILTER (WHERE d.type = 'credit_memo') AS memo_id
      FROM keyed k JOIN documents d ON d.customer_id = k.customer_id
        AND d.number = k.payment_reference AND d.type IN ('payment', 'credit_memo')
      GROUP BY k.line),
    debits AS (
      SELECT k.line, count(*) AS n, min(d.id) AS id
      FROM keyed k JOIN documents d ON d.customer_id = k.customer_id
        AND d.number = k.document_number AND d.type IN (${DEBIT_TYPES.map(ctx.literal).join(', ')})
      GROUP BY k.line)
    SELECT k.line, k.account_number, k.payment_reference, k.document_number, k.amount_milli,
      k.applied_on, k.customer_id, coalesce(cr.payments, 0) AS payments,
      coalesce(cr.payment_id, cr.memo_id) AS credit_id, coalesce(db.n, 0) AS debits,
      db.id AS debit_id
    FROM keyed k LEFT JOIN credits cr USING (line) LEFT JOIN debits db USING (line)`);
}

/** Row locks on every document involved, in id order (no double-apply, no deadlock). */
async function lockDocuments(ctx: ImportContext): Promise<void> {
  await ctx.tx.query(`WITH locked AS (
      SELECT id FROM documents WHERE id IN (
        SELECT credit_id FROM import_resolved UNION SELECT debit_id FROM import_resolved)
      ORDER BY id FOR UPDATE)
    SELECT count(*) FROM locked`);
}

/**
 * Both sides' current open amounts (positive), the amount in the credit's minor units, the
 * idempotency key and a match among earlier imports, and the file's running totals per side.
 */
async function loadOpenAmounts(ctx: ImportContext): Promise<void> {
  await ctx.tx.query(`CREATE TEMP TABLE import_checked ON COMMIT DROP AS
    SELECT z.*,
      sum(CASE WHEN z.existing_id IS NULL THEN z.amount_cents ELSE 0 END)
        OVER (PARTITION BY z.debit_id ORDER BY z.line) AS debit_running,
      sum(CASE WHEN z.existing_id IS NULL THEN z.amount_cents ELSE 0 END)
        OVER (PARTITION BY z.credit_id ORDER BY z.line) AS credit_running
    FROM (
      SELECT y.*, a.id AS existing_id FROM (
        SELECT x.*, 'app:' || concat_ws('|', x.account_number, x.payment_reference,
            x.document_number, x.amount_cents, to_char(x.applied_on, 'YYYY-MM-DD'),
            row_number() OVER (PARTITION BY x.account_number, x.payment_reference,
              x.document_number, x.amount_cents, x.applied_on ORDER BY x.line) - 1)
          AS external_id
        FROM (
          SELECT r.*, cr.type AS credit_type, cr.currency AS credit_currency,
            cr.document_date AS credit_date, -cr.open_cents AS credit_open,
            db.type AS debit_type, db.currency AS debit_currency,
            db.document_date AS debit_date, db.open_cents AS debit_open,
            ${ctx.centsSql('r.amount_milli', 'cr.currency')} AS amount_cents
          FROM import_resolved r
          LEFT JOIN documents cr ON cr.id = r.credit_id
          LEFT JOIN documents db ON db.id = r.debit_id) x
      ) y
      LEFT JOIN applications a ON a.external_id = y.external_id
    ) z`);
}

async function write(ctx: ImportContext): Promise<ImportWrite> {
  const { tx } = ctx;
  await tx.query(`INSERT INTO applications (credit_id, debit_id, amount_cents, applied_on,
      method, external_id, batch_id, created_by)
    SELECT credit_id, debit_id, amount_cents, applied_on, 'import', external_id, $1, $2
    FROM import_checked WHERE existing_id IS NULL ORDER BY line`,
  [ctx.batchId, ctx.actor.name]);
  await tx.query(`UPDATE documents d SET open_cents = d.open_cents + v.delta
    FROM (
      SELECT id, sum(delta)::bigint AS delta FROM (
        SELECT credit_id AS id, amount_cents AS delta FROM import_checked
        WHERE existing_id IS NULL
        UNION ALL
        SELECT debit_id, -amount_cents FROM import_checked WHERE existing_id IS NULL) x
      GROUP BY id) v
    WHERE d.id = v.id`);
  const r = await tx.query<{
    creditType: CreditType; debitType: DebitType; currency: string; created: boolean;
    n: number; total: number; last: IsoDate;
  }>(
    `SELECT credit_type AS "creditType", debit_type AS "debitType", credit_currency AS currency,
       existing_id IS NULL AS created, count(*)::bigint AS n,
       sum(amount_cents)::bigint AS total, max(applied_on) AS last
     FROM import_checked GROUP BY 1, 2, 3, 4`);
  const created = r.rows.filter((g) => g.created);
  return {
    created: created.reduce((s, g) => s + g.n, 0),
    skipped: r.rows.filter((g) => !g.created).reduce((s, g) => s + g.n, 0),
    journal: created.flatMap((g) => applicationJournalLines(
      g.creditType, g.debitType, g.total as Cents, g.currency)),
    effectiveDate: created.reduce<IsoDate | null>(
      (d, g) => (d === null || g.last > d ? g.last : d), null),
  };
}
