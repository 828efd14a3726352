import type { IsoDate } from '../domain/dates.ts';
import { documentJournalLines } from '../domain/ledger.ts';
import type { Cents } from '../domain/money.ts';
import type { ImportContext, ImportHandler, ImportWrite } from './import.ts';
import { documentsBulkInsert } from './import-invoices.ts';

// Payments (receipts) from a file; a row without an account is unidentified cash. A payment is
// known by its external_id `pay:<account>|<method>|<reference>|<received_on>|<amount cents>|<n>`,
// n counting identical rows earlier in the file, so two identical cash receipts stay two and a
// later file repeating them is recognized. A row without a reference is numbered
// `IMP<batch>-<line>` (its external_id keeps the empty reference).

export const paymentsImport: ImportHandler<'payments'> = {
  stage: [
    ['account_number', 'text'], ['method', 'text'], ['reference', 'text'],
    ['received_on', 'date'], ['amount_milli', 'bigint'], ['currency', 'text'],
    ['payer_name', 'text'], ['memo', 'text'],
  ],
  stageRow: (r) => [r.accountNumber, r.method, r.reference, r.receivedOn, r.amountMilli,
    r.currency, r.payerName, r.memo],
  check,
  write,
};

async function check(ctx: ImportContext): Promise<void> {
  const currency = `coalesce(c.currency, s.currency, ${ctx.literal(ctx.baseCurrency)})`;
  const cents = ctx.centsSql('s.amount_milli', currency);
  await ctx.tx.query(`CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
    SELECT x.*, d.id AS existing_id,
      CASE WHEN d.id IS NOT NULL THEN concat_ws(', ',
        CASE WHEN d.currency <> x.currency THEN 'currency' END,
        CASE WHEN d.payer_name IS DISTINCT FROM x.payer_name THEN 'payer_name' END,
        CASE WHEN d.memo IS DISTINCT FROM x.memo THEN 'memo' END)
      END AS differences
    FROM (
      SELECT y.*, 'pay:' || concat_ws('|', coalesce(y.account_number, ''), y.method,
          coalesce(y.reference, ''), to_char(y.received_on, 'YYYY-MM-DD'), y.amount_cents,
          row_number() OVER (PARTITION BY y.account_number, y.method, y.reference,
            y.received_on, y.amount_cents ORDER BY y.line) - 1) AS external_id
      FROM (
        SELECT s.line, s.account_number, s.method, s.reference, s.received_on,
          s.currency AS currency_given, s.payer_name, s.memo, c.id AS customer_id,
          c.currency AS customer_currency, ${currency} AS currency,
          ${cents} AS amount_cents
        FROM import_stage s LEFT JOIN customers c ON c.account_number = s.account_number) y
    ) x
    LEFT JOIN documents d ON d.external_id = x.external_id`);
  await ctx.reportChecks('import_resolved', [
    { column: 'account_number', when: 'r.account_number IS NOT NULL AND r.customer_id IS NULL',
      reason: `'no customer with account number ' || r.account_number` },
    { column: 'currency', when: 'r.currency_given <> r.customer_currency',
      reason: `r.currency_given || ' is not the customer''s currency ' || r.customer_currency` },
    { column: 'amount', when: 'r.amount_cents IS NULL',
      reason: `'more decimal places than ' || r.currency || ' has'` },
    { column: 'reference', when: `r.differences <> ''`,
      reason: `'the same payment was imported before with a different ' || r.differences` },
  ]);
}

async function write(ctx: ImportContext): Promise<ImportWrite> {
  const { tx } = ctx;
  await ctx.bulkInsert(`INSERT INTO documents (customer_id, type, number, document_date, due_date,
      amount_cents, open_cents, currency, method, payer_name, memo, external_id, batch_id,
      created_by)
    SELECT r.customer_id, 'payment', coalesce(r.reference, 'IMP' || $1::bigint || '-' || r.line),
      r.received_on, r.received_on, -r.amount_cents, -r.amount_cents, r.currency, r.method,
      r.payer_name, r.memo, r.external_id, $1, $2
    FROM import_resolved r WHERE r.existing_id IS NULL ORDER BY r.line`,
  [ctx.batchId, ctx.actor.name], documentsBulkInsert(ctx, [['customers', 'id', 'customer_id']], 'received_on'));
  const r = await tx.query<{ currency: string; created: boolean; n: number; total: number;
    last: IsoDate }>(
    `SELECT currency, existing_id IS NULL AS created, count(*)::bigint AS n,
       sum(amount_cents)::bigint AS total, max(received_on) AS last
     FROM import_resolved GROUP BY 1, 2`);
  const created = r.rows.filter((g) => g.created);
  return {
    created: created.reduce((s, g) => s + g.n, 0),
    skipped: r.rows.filter((g) => !g.created).reduce((s, g) => s + g.n, 0),
    journal: created.flatMap((g) => documentJournalLines('payment', -g.total as Cents,
      g.currency)),
    effectiveDate: created.reduce<IsoDate | null>(
      (d, g) => (d === null || g.last > d ? g.last : d), null),
  };
}
