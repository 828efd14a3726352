import {
  bucketLabels, DEFAULT_THRESHOLDS, emptyAmounts, type AgingAmounts,
} from '../domain/aging.ts';
import { cents } from '../domain/money.ts';

export interface CustomerAging extends AgingAmounts {
  buckets: string[];
}

/** One customer's open items summed by bucket: [bucket index, cents], -1 for open credits. */
export type AgingBucketSums = readonly (readonly [number, number])[];

/**
 * SQL for a scalar subquery: the open items of the customer `customerSql` as of `asOfSql` (today:
 * its items open now, read through the open-items index), summed by bucket on the due-date basis
 * as a JSON array of [bucket, cents]. A debit's bucket is width_bucket(age, `boundsSql` = the
 * buckets' lower bounds) as in src/domain/aging.ts (0 = current); an open credit's is -1.
 */
export function agingBucketSumsSql(customerSql: string, asOfSql: string, boundsSql: string) {
  return `(SELECT coalesce(json_agg(json_build_array(b.bucket, b.open_cents)), '[]'::json)
    FROM (SELECT CASE WHEN open_cents < 0 THEN -1
        ELSE width_bucket(${asOfSql}::date - due_date, ${boundsSql}::int[]) END AS bucket,
        sum(open_cents)::bigint AS open_cents
      FROM documents WHERE customer_id = ${customerSql} AND open_cents <> 0 GROUP BY 1) b)`;
}

/**
 * One customer's aging strip (the account page's; the report across customers is agingReport)
 * from agingBucketSumsSql's sums: buckets plus unapplied make the total.
 */
export function customerAgingOf(
  sums: AgingBucketSums, thresholds: readonly number[] = DEFAULT_THRESHOLDS,
): CustomerAging {
  const buckets = bucketLabels(thresholds);
  const line = emptyAmounts(buckets.length);
  for (const [bucket, openCents] of sums) {
    line.totalCents = cents(line.totalCents + openCents);
    if (bucket < 0) line.unappliedCents = cents(line.unappliedCents + openCents);
    else line.amountsCents[bucket] = cents((line.amountsCents[bucket] ?? 0) + openCents);
  }
  return { buckets, ...line };
}
