import {
  ALL_KEY, NO_VALUE_KEY, UNIDENTIFIED_KEY, type AgingBasis, type AgingGrouping,
} from '../domain/aging.ts';
import { cents, type Cents } from '../domain/money.ts';
import { assert } from '../domain/result.ts';

// The statements of the aging report (src/reports/aging.ts): one set-based statement per report,
// built from parts that each read one index. Only bucket counts are interpolated; dates, currency,
// bounds and scope are parameters ($1 as-of date, $2 currency, $3 buckets' lower bounds, $4 sales
// rep, $5 collector).

/** The summary's bucket columns a0..aN, named once (the rows can number 50,000). */
export function bucketColumns(bucketCount: number): `a${number}`[] {
  return Array.from({ length: bucketCount }, (_, i) => `a${i}` as const);
}

/** The grouping's key and name, from the customer `c` (absent for unidentified payments). */
const GROUP_KEY: Record<AgingGrouping, { key: string; name: string }> = {
  customer: {
    key: `coalesce(c.account_number, '${UNIDENTIFIED_KEY}')`,
    name: `coalesce(c.name, '${UNIDENTIFIED_KEY}')`,
  },
  collector: { key: `coalesce(c.collector, '${NO_VALUE_KEY}')`, name: '' },
  'sales-rep': { key: `coalesce(c.sales_rep, '${NO_VALUE_KEY}')`, name: '' },
  region: { key: `coalesce(c.region, '${NO_VALUE_KEY}')`, name: '' },
  none: { key: `'${ALL_KEY}'::text`, name: '' },
};

/**
 * The open items as of $1 in currency $2, with their age and bucket: -1 for a credit (unapplied),
 * else width_bucket(age, $3 = the buckets' lower bounds), 0 being "current". The currency is
 * compared as char(3), the column's own type: a cast of the column to text would hide its
 * statistics from the planner, which then expects a few thousand rows instead of a million.
 */
function openItemsSql(basis: AgingBasis, detail: boolean): string {
  const from = basis === 'due' ? 'due_date' : 'document_date';
  const extra = detail ? ', d.number, d.type' : '';
  return `later AS (
    SELECT id, sum(delta)::bigint AS delta FROM (
      SELECT debit_id AS id, amount_cents AS delta FROM applications WHERE applied_on > $1::date
      UNION ALL
      SELECT credit_id, -amount_cents FROM applications WHERE applied_on > $1::date) x
    GROUP BY id),
  candidates AS (
    SELECT d.id, d.customer_id, d.document_date, d.due_date${extra},
      d.open_cents + coalesce(l.delta, 0) AS open_cents
    FROM documents d LEFT JOIN later l ON l.id = d.id
    WHERE d.open_cents <> 0 AND d.document_date <= $1::date AND d.currency = $2::char(3)
    UNION ALL
    SELECT d.id, d.customer_id, d.document_date, d.due_date${extra}, l.delta
    FROM later l JOIN documents d ON d.id = l.id
    WHERE d.open_cents = 0 AND d.document_date <= $1::date AND d.currency = $2::char(3)),
  aged AS (
    SELECT *, $1::date - ${from} AS age,
      CASE WHEN open_cents < 0 THEN -1 ELSE width_bucket($1::date - ${from}, $3::int[]) END
        AS bucket
    FROM candidates WHERE open_cents <> 0)`;
}

/**
 * The bucket of an item by its date column `from`, as a condition on that date: bucket i holds
 * ages in [$3[i], $3[i+1]) days (width_bucket's rule), i.e. dates in ($1 - $3[i+1], $1 - $3[i]].
 * A condition on the stored date (against constants the planner folds) is cheaper per row than
 * computing each item's age.
 */
function bucketCondition(from: string, i: number, bucketCount: number): string {
  const parts: string[] = [];
  if (i > 0) parts.push(`${from} <= $1::date - ($3::int[])[${i}]`);
  if (i < bucketCount - 1) parts.push(`${from} > $1::date - ($3::int[])[${i + 1}]`);
  return parts.join(' AND ');
}

/**
 * Per customer sums over `debit` and `credit` (expressions of one item): unapplied = the credits,
 * a0..aN = the debits by bucket of the date column `from`.
 */
function customerSums(
  debit: string, credit: string, from: string, bucketCount: number, also?: string,
): string {
  const buckets = Array.from({ length: bucketCount }, (_, i) => {
    const when = [also, bucketCondition(from, i, bucketCount)].filter(Boolean).join(' AND ');
    return `coalesce(sum(${debit}) FILTER (WHERE ${when}), 0)::bigint AS a${i}`;
  });
  return [`coalesce(sum(${credit}), 0)::bigint AS unapplied`, ...buckets].join(',\n    ');
}

/**
 * What the applications effective after $1 changed, per customer (cid), as unapplied and a0..aN
 * sums (see buildAgingSql): an application took `amount` off its debit's open amount and added it
 * to its credit's (negative) one, so as of $1 the debit had `amount` more open, in the bucket of
 * its date `from`, and the credit's customer `amount` more unapplied. Only items dated on or before
 * $1 in currency $2 count, so an application whose documents are both dated after $1 (most of
 * them, for a date months back) is dropped before the grouping. Each application carries its
 * documents' customers, dates and currency (migration 026), so this is one index-only range
 * scan of applications_aging, grouped by the two
 * customers (mostly one and the same) and then unfolded into a row per side. A side that had no
 * customer when applied (unidentified cash, its void) keeps a NULL customer: its customer is
 * looked up, in branches of their own (applications_unassigned), so that the main scan has no
 * per-row sub-query.
 */
function laterApplicationsSql(
  from: 'due_date' | 'document_date', bucketCount: number, toPeriod: boolean,
): string {
  // From a period's base (source 'period'), only those effective on or before its end $6.
  const until = (column: string): string => (toPeriod ? ` AND ${column} <= $6::date` : '');
  const debitSums = customerSums('amount_cents', '0', `debit_${from}`, bucketCount,
    'debit_document_date <= $1::date');
  const zeros = bucketColumns(bucketCount).map((a) => `0 AS ${a}`).join(', ');
  return `later AS (
    SELECT debit_customer_id AS debit_cid, credit_customer_id AS credit_cid,
      coalesce(sum(amount_cents) FILTER (WHERE credit_document_date <= $1::date), 0)::bigint
        AS credited,
    ${debitSums}
    FROM applications
    WHERE applied_on > $1::date${until('applied_on')} AND currency = $2::char(3)
      AND (debit_document_date <= $1::date OR credit_document_date <= $1::date)
    GROUP BY 1, 2),
  later_sides AS (
    SELECT debit_cid AS cid, ${sumColumns(bucketCount).join(', ')} FROM later
    WHERE debit_cid IS NOT NULL
    UNION ALL
    SELECT credit_cid, -credited, ${zeros} FROM later
    WHERE credited <> 0 AND credit_cid IS NOT NULL
    UNION ALL
    SELECT coalesce(d.customer_id, 0) AS cid,
    ${customerSums('a.amount_cents', '0', `a.debit_${from}`, bucketCount,
    'a.debit_document_date <= $1::date')}
    FROM applications a JOIN documents d ON d.id = a.debit_id
    WHERE a.debit_customer_id IS NULL AND a.applied_on > $1::date${until('a.applied_on')}
      AND a.currency = $2::char(3)
    GROUP BY 1
    UNION ALL
    SELECT coalesce(d.customer_id, 0), -sum(a.amount_cents)::bigint, ${zeros}
    FROM applications a JOIN documents d ON d.id = a.credit_id
    WHERE a.credit_customer_id IS NULL AND a.applied_on > $1::date${until('a.applied_on')}
      AND a.currency = $2::char(3) AND a.credit_document_date <= $1::date
    GROUP BY 1)`;
}

/**
 * The items whose open amount as of $1 has the other side's sign (a debit applied twice over, a
 * credit applied for more than it, after back-dated applications), and where it goes: the aging
 * by application put their open amount in their side's column, the definition puts it where its
 * sign says. The dates on which an item was over-applied are kept in aging_over_applied (written
 * with the applications, migration 026; none in an ordinary book), so the candidates are those
 * whose window holds $1, each aged exactly: open as of $1 = open now -/+ its applications after
 * $1. `misplaced` moves `moved` (the open amount's size) into its bucket and out of unapplied for
 * a credit over-applied, out of its bucket and into unapplied for a debit applied twice over.
 */
function wrongSignSql(from: 'due_date' | 'document_date', bucketCount: number): string {
  return `over_applied AS (
    SELECT d.customer_id, d.${from}, d.amount_cents > 0 AS debit, d.open_cents
        + (SELECT coalesce(sum(a.amount_cents), 0) FROM applications a
          WHERE a.debit_id = d.id AND a.applied_on > $1::date)
        - (SELECT coalesce(sum(a.amount_cents), 0) FROM applications a
          WHERE a.credit_id = d.id AND a.applied_on > $1::date) AS open_cents
    FROM documents d
    WHERE d.id IN (SELECT document_id FROM aging_over_applied
        WHERE from_on <= $1::date AND to_on > $1::date)
      AND d.document_date <= $1::date AND d.currency = $2::char(3)),
  misplaced AS (
    SELECT coalesce(customer_id, 0) AS cid,
    ${customerSums('moved', '-moved', from, bucketCount)}
    FROM (SELECT *, CASE WHEN debit THEN -open_cents ELSE open_cents END AS moved
      FROM over_applied OFFSET 0) o
    WHERE moved > 0
    GROUP BY 1)`;
}

/**
 * The report's statements for a grouping. Only the bucket count is interpolated (an integer we
 * compute); dates, currency, bounds and scope ($4 sales rep, $5 collector) are parameters.
 *
 * The summary is linear in the items' open amounts, so it is computed in two parts:
 * - `current`: every item dated on or before $1 as it stands at a base: now, one row per
 *   customer from the running totals of its open items by date (currentFromOpenDates, plus the
 *   few items those leave out, openExtrasSql), or, `source` 'summary', the customers' summaries
 *   (currentFromSummaries); or, `source` 'period', as of the end $6 of a kept period on or after
 *   $1 (migration 031: the same running totals as of $6, and periodExtrasSql).
 * - `correction`: what the applications effective after $1 (and, from a period, on or before
 *   $6; none for an aging as of today) took off or added, application by application
 *   (laterApplicationsSql): each item's amount as of $1 minus its amount at the base is the sum of
 *   those applications, with no need to group them by item first; that puts a debit's amount in
 *   its bucket and a credit's in unapplied, which is where the definition puts them unless an
 *   item was over-applied on $1 (its open amount then has the other sign): those few are moved
 *   where their sign says (wrongSignSql). A period keeps each item on its side too.
 * Their sum per customer is the aging as of $1. A customer has a row when it had an item open as
 * of $1: an item open as of $1 adds a positive amount to a bucket or a negative one to unapplied,
 * so that is exactly when some bucket or unapplied is not zero.
 */
export function buildAgingSql(
  by: AgingGrouping, basis: AgingBasis, bucketCount: number, source: AgingSource = 'items',
): { summary: string; detail: string } {
  assert(Number.isSafeInteger(bucketCount) && bucketCount >= 2, 'bucket count');
  assert(source !== 'summary' || (basis === 'due' && bucketCount === SUMMARY_THRESHOLDS.length + 2),
    'the summaries keep the default buckets on the due basis');
  const group = GROUP_KEY[by];
  const from = basis === 'due' ? 'due_date' : 'document_date';
  const sums = sumColumns(bucketCount);
  const current = {
    items: () => currentFromOpenDates('items', basis, bucketCount),
    period: () => currentFromOpenDates('period', basis, bucketCount),
    summary: () => currentFromSummaries(bucketCount),
  }[source]();
  const extras = {
    items: () => openExtrasSql(from, bucketCount),
    period: () => periodExtrasSql(from, bucketCount),
    summary: () => null,
  }[source]();
  const summary = `WITH
  ${fresh(source)}
  ${current},
  ${laterApplicationsSql(from, bucketCount, source === 'period')},
  ${wrongSignSql(from, bucketCount)},
  ${extras ? `${extras},` : ''}
  correction AS (
    SELECT cid, ${sums.map((s) => `sum(${s})::bigint AS ${s}`).join(', ')} FROM (
      SELECT * FROM later_sides UNION ALL SELECT * FROM misplaced${
        extras ? ' UNION ALL SELECT * FROM extras' : ''}) t
    GROUP BY 1),
  combined AS (
    SELECT coalesce(a.cid, b.cid) AS cid,
      ${sums.map((s) => `coalesce(a.${s}, 0) + coalesce(b.${s}, 0) AS ${s}`).join(',\n      ')}
    FROM current a FULL JOIN correction b ON b.cid = a.cid),
  per_customer AS (
    SELECT * FROM combined WHERE (${sums.map((s) => `${s} <> 0`).join(' OR ')})${
      source === 'items' ? '' : ' AND (SELECT ok FROM fresh)'})
  ${groupedSelect(by, bucketCount)}`;
  const detail = `WITH ${openItemsSql(basis, true)}
  SELECT ${group.key} AS key, a.id, a.number, a.type, a.document_date, a.due_date, a.age,
    a.open_cents, a.bucket
  FROM aged a LEFT JOIN customers c ON c.id = a.customer_id
  WHERE ${SCOPE}
  ORDER BY ${group.key} COLLATE "C", a.age DESC, a.number COLLATE "C", a.id`;
  return { summary, detail };
}

/**
 * Where `current` comes from: the items open now ('items'), the customers' summaries ('summary',
 * only as of the summary date), or a kept month end $6 on or after $1 ('period').
 */
export type AgingSource = 'items' | 'summary' | 'period';

/**
 * Whether the base still holds, checked in the statement's own snapshot: the summary date may
 * move and a period be dropped or rebuilt at any time. When it does not hold the statement
 * returns no row and the caller computes the report from the items (an empty book also returns
 * none, and is as quickly computed).
 */
function fresh(source: AgingSource): string {
  if (source === 'summary') {
    return 'fresh AS (SELECT summary_date() = $1::date AND base_currency() = $2::char(3) AS ok),';
  }
  if (source === 'period') {
    return `fresh AS (SELECT $6::date >= $1::date
      AND EXISTS (SELECT 1 FROM aging_periods WHERE period_end = $6::date AND ready) AS ok),`;
  }
  return '';
}

/** The portfolio restriction on the customer `c`: $4 sales rep, $5 collector (null: all). */
const SCOPE = `($4::text IS NULL OR c.sales_rep = $4::text)
    AND ($5::text IS NULL OR c.collector = $5::text)`;

/** The summed columns of a per-customer row: unapplied, a0..aN. */
function sumColumns(bucketCount: number): string[] {
  return ['unapplied', ...bucketColumns(bucketCount)];
}

/**
 * The report's rows from the CTE per_customer (cid, unapplied, a0..aN; cid 0 for unidentified
 * cash): one per customer, or summed by the grouping, in the portfolio, sorted by key. Each row
 * is its key, its name and `amounts`: total, unapplied, a0..aN as one comma-separated text
 * (parseAmounts), which the driver passes on as is instead of decoding nine numbers (at 50,000
 * rows that decoding took more CPU than the statement from the summaries).
 */
function groupedSelect(by: AgingGrouping, bucketCount: number): string {
  const group = GROUP_KEY[by];
  const name = group.name || group.key;
  const sums = sumColumns(bucketCount);
  // By customer each customer is its own row: no second aggregation.
  const total = sums.map((s) => `p.${s}`).join(' + ');
  const amounts = by === 'customer'
    ? [total, ...sums.map((s) => `p.${s}`)]
    : [`sum(${total})::bigint`, ...sums.map((s) => `sum(p.${s})::bigint`)];
  return `SELECT ${group.key} AS key, ${name} AS name, concat_ws(',', ${amounts.join(', ')})
    AS amounts
  FROM per_customer p LEFT JOIN customers c ON c.id = p.cid
  WHERE ${SCOPE}
  ${by === 'customer' ? '' : 'GROUP BY 1, 2 '}ORDER BY ${group.key} COLLATE "C"`;
}

/**
 * A row's `amounts` (see groupedSelect) as cents: total, unapplied, then the buckets.
 * @example parseAmounts('700,-300,1000,0', 2) // [700, -300, 1000, 0]
 */
export function parseAmounts(amounts: string, bucketCount: number): Cents[] {
  // This runs for every row of the report (50,000 by customer): the digits are read where they
  // are, with no substring or message unless it fails (the report's garbage, not its statement,
  // was most of its node time). Each step stays exact below 2^53; cents() refuses what is past.
  const out: Cents[] = [];
  let value = 0;
  let digits = 0;
  let negative = false;
  for (let i = 0; i <= amounts.length; i++) {
    const c = i < amounts.length ? amounts.charCodeAt(i) : COMMA;
    if (c === COMMA) {
      if (digits === 0) assert(false, `aging amounts ${amounts}: an empty amount`);
      out.push(cents(negative ? 0 - value : value)); // 0 - 0 is 0, not -0
      value = 0;
      digits = 0;
      negative = false;
    } else if (c >= ZERO_DIGIT && c <= ZERO_DIGIT + 9) {
      value = value * 10 + (c - ZERO_DIGIT);
      digits += 1;
    } else if (c === MINUS && digits === 0 && !negative) {
      negative = true;
    } else {
      assert(false, `aging amounts ${amounts}: not whole cents`);
    }
  }
  if (out.length !== bucketCount + 2) {
    assert(false, `aging amounts ${amounts}: not ${bucketCount} buckets`);
  }
  return out;
}

const COMMA = 44;
const MINUS = 45;
const ZERO_DIGIT = 48;

/** The buckets customer_summary keeps (migration 007): the default ones. */
export const SUMMARY_THRESHOLDS: readonly number[] = [30, 45, 60, 90, 120];

/** Whether customer_summary holds the aging this query asks for (when dated its summary date). */
export function summaryAnswers(basis: AgingBasis, thresholds: readonly number[]): boolean {
  return basis === 'due' && thresholds.length === SUMMARY_THRESHOLDS.length
    && thresholds.every((t, i) => t === SUMMARY_THRESHOLDS[i]);
}

/**
 * `current` from customer_open_dates (migration 028): per customer, the items open now and dated
 * on or before $1, summed by bucket from the running totals of its open items by date. With
 * upTo(side, X) = the open amount of the side's items dated (due, for side 'due') on or before X,
 * one binary search (width_bucket) and one subscript: bucket i > 0 holds the debits whose date
 * `by` is in ($1 - $3[i+1], $1 - $3[i]], i.e. upTo(by, $1 - $3[i]) - upTo(by, $1 - $3[i+1]);
 * bucket 0 the debits dated on or before $1 less those in the buckets past it; unapplied the
 * credits dated on or before $1. On the due basis that holds because the arrays keep only items
 * due on or after their document date: one due on or before $1 - $3[1] (at least a day before
 * $1) is dated on or before $1. The other open items are in `extras` (openExtrasSql).
 */
function currentFromOpenDates(
  source: 'items' | 'period', basis: AgingBasis, bucketCount: number,
): string {
  const by = basis === 'due' ? 'due' : 'debit';
  const upTo = (side: string, date: string): string =>
    `coalesce(o.${side}_cents[width_bucket(${date}, o.${side}_on)], 0)`;
  const edges = Array.from({ length: bucketCount - 1 }, (_, k) =>
    `${upTo(by, `$1::date - ($3::int[])[${k + 1}]`)} AS e${k + 1}`);
  const buckets = bucketColumns(bucketCount).map((a, i) => {
    const upper = i === 0 ? 'd' : `e${i}`;
    return i < bucketCount - 1 ? `${upper} - e${i + 1} AS ${a}` : `${upper} AS ${a}`;
  });
  const rows = source === 'period'
    ? 'period_open_dates o WHERE o.period_end = $6::date AND' : 'customer_open_dates o WHERE';
  // Each bucket's edge is looked up once (a bucket's lower edge is the next one's upper), and
  // materialized: inlined, the lookups ran again in the filter of the join with the correction
  // (together about 4% of the statement's backend CPU at scale 1).
  return `edges AS MATERIALIZED (
    SELECT o.customer_id AS cid, ${upTo('credit', '$1::date')} AS c,
      ${upTo('debit', '$1::date')} AS d,
      ${edges.join(',\n      ')}
    FROM ${rows} o.currency = $2::char(3)),
  current AS (
    SELECT cid, c AS unapplied, ${buckets.join(', ')} FROM edges)`;
}

/**
 * The items open now and dated on or before $1 that customer_open_dates leaves out, per customer
 * as they stand now: unidentified cash (no customer, cid 0) and the debits due before their
 * document date (none in an ordinary book), each through its own index.
 */
function openExtrasSql(from: string, bucketCount: number): string {
  const sums = customerSums('greatest(open_cents, 0)', 'least(open_cents, 0)', from, bucketCount);
  return `extras AS (
    SELECT 0::bigint AS cid,
    ${sums}
    FROM documents
    WHERE customer_id IS NULL AND open_cents <> 0 AND document_date <= $1::date
      AND currency = $2::char(3)
    HAVING count(*) > 0
    UNION ALL
    SELECT customer_id,
    ${sums}
    FROM documents
    WHERE open_cents > 0 AND due_date < document_date AND customer_id IS NOT NULL
      AND document_date <= $1::date AND currency = $2::char(3)
    GROUP BY 1)`;
}

/**
 * The items open as of the period's end $6 and dated on or before $1 that its running totals
 * leave out, per customer, as they stood at $6: the debits due before their document date, kept
 * item by item (period_open_irregular). Unidentified cash is in the running totals (customer 0).
 */
function periodExtrasSql(from: string, bucketCount: number): string {
  return `extras AS (
    SELECT customer_id AS cid,
    ${customerSums('open_cents', '0', from, bucketCount)}
    FROM period_open_irregular
    WHERE period_end = $6::date AND document_date <= $1::date AND currency = $2::char(3)
    GROUP BY 1)`;
}

/**
 * `current` from customer_summary (migration 007), which keeps each customer's open items dated
 * on or before the summary date, in the base currency, in the default buckets on the due basis,
 * as they stand now: the same numbers as currentFromOpenDates and openExtrasSql together when $1
 * is the summary date and $2 the base currency. The statement checks that itself (`fresh`), in
 * its own snapshot, so a concurrent move of the summary date cannot mix two dates; when it does
 * not hold the statement returns no row and the caller computes the report from the items (an
 * empty book also returns none, and is as quickly computed). Unidentified cash (no customer) is
 * not summarized: it is summed from its items, through the open-items index.
 */
function currentFromSummaries(bucketCount: number): string {
  const kept = bucketColumns(bucketCount).map((a) => `aging_${a} AS ${a}`).join(', ');
  return `current AS (
    SELECT customer_id AS cid, aging_unapplied_cents AS unapplied,
      ${kept}
    FROM customer_summary WHERE aging_items > 0 AND (SELECT ok FROM fresh)
    UNION ALL
    SELECT 0,
    ${customerSums('greatest(open_cents, 0)', 'least(open_cents, 0)', 'due_date', bucketCount)}
    FROM documents
    WHERE customer_id IS NULL AND open_cents <> 0 AND document_date <= $1::date
      AND currency = $2::char(3) AND (SELECT ok FROM fresh)
    HAVING count(*) > 0)`;
}
