import type { Queryable } from '../db/connection.ts';
import {
  addToAging, ageDays, bucketLabels, DEFAULT_THRESHOLDS, emptyAmounts, type AgingAmounts,
} from '../domain/aging.ts';
import type { IsoDate } from '../domain/dates.ts';
import { cents } from '../domain/money.ts';

export interface CustomerAging extends AgingAmounts {
  buckets: string[];
}

/**
 * One customer's aging strip as of `asOf` (today: its items open now, read through the open-items
 * index), in the default buckets on the due-date basis. The account page shows it; the report
 * across customers is agingReport.
 */
export async function customerAging(
  db: Queryable,
  customerId: number,
  asOf: IsoDate,
  thresholds: readonly number[] = DEFAULT_THRESHOLDS,
): Promise<CustomerAging> {
  const r = await db.query<{ document_date: string; due_date: string; open_cents: number }>(
    `SELECT document_date, due_date, open_cents FROM documents
     WHERE customer_id = $1 AND open_cents <> 0`,
    [customerId],
  );
  const buckets = bucketLabels(thresholds);
  const line = emptyAmounts(buckets.length);
  for (const row of r.rows) {
    const age = ageDays({ documentDate: row.document_date, dueDate: row.due_date }, asOf, 'due');
    addToAging(line, cents(row.open_cents), age, thresholds);
  }
  return { buckets, ...line };
}
