-- The open items of each customer as they stand now, as running totals by date: the aging as of
-- a past date D starts from the items open now and dated on or before D (src/reports/aging.ts),
-- and read item by item that was a scan and a grouped aggregate of a million rows (about
-- 400 ms of backend CPU at scale 1, whatever the date). Per customer and currency, the open
-- debits by due date and by document date and the open credits by document date are kept as a
-- sorted array of distinct dates beside an array of running totals (total of the items dated
-- on or before that date), so "open debits due on or before X" is one binary search
-- (width_bucket(X, due_on)) and one subscript: an aging as of any date, on either basis and
-- with any buckets, reads one row per customer instead of every open item.
--
-- The arrays hold only "regular" items, whose due date is not before their document date: for
-- those, an item due on or before D - 1 is also dated on or before D, so the buckets past due
-- need no test of the document date (the not-yet-due bucket is "dated on or before D" minus
-- "due on or before D - 1"). An open debit due before its document date, and an item without a
-- customer (unidentified cash), is read from the documents, through documents_open_irregular
-- and documents_open. The arrays do not depend on any date, so they never go stale when the
-- summary date moves.
--
-- Kept by refresh_customer_summaries, which the documents' statement triggers, the imports'
-- direct paths and the bulk loads already call with the customers they touched (after the
-- summary rows, whose row locks serialize two refreshes of the same customer), and rebuilt by
-- refresh_all_customer_open_dates (only rows that differ are written). `arc verify` re-derives
-- them from customer_open_dates_of, the one definition (src/ledger/verify.ts,
-- 'customer_open_dates').

CREATE TABLE customer_open_dates (
  customer_id bigint NOT NULL REFERENCES customers (id),
  currency char(3) NOT NULL,
  -- Open debits by due date: due_cents[i] = open amount of those due on or before due_on[i].
  due_on date[],
  due_cents bigint[],
  -- Open debits by document date, likewise.
  debit_on date[],
  debit_cents bigint[],
  -- Open credits (negative amounts) by document date, likewise.
  credit_on date[],
  credit_cents bigint[],
  PRIMARY KEY (customer_id, currency)
);

-- Open debits due before their document date (none in an ordinary book): read item by item.
CREATE INDEX documents_open_irregular ON documents (customer_id)
  INCLUDE (document_date, due_date, open_cents, currency)
  WHERE open_cents > 0 AND due_date < document_date;

-- The rows of every customer with regular open items, from the documents. A single SELECT, so
-- it is inlined and a WHERE on customer_id is pushed down to the documents_open index (the
-- window is partitioned by customer_id).
CREATE FUNCTION customer_open_dates_of() RETURNS TABLE (
  customer_id bigint, currency char(3), due_on date[], due_cents bigint[], debit_on date[],
  debit_cents bigint[], credit_on date[], credit_cents bigint[]
) LANGUAGE sql STABLE AS $$
  SELECT customer_id, currency,
    array_agg(on_date ORDER BY on_date) FILTER (WHERE side = 0),
    array_agg(running ORDER BY on_date) FILTER (WHERE side = 0),
    array_agg(on_date ORDER BY on_date) FILTER (WHERE side = 1),
    array_agg(running ORDER BY on_date) FILTER (WHERE side = 1),
    array_agg(on_date ORDER BY on_date) FILTER (WHERE side = 2),
    array_agg(running ORDER BY on_date) FILTER (WHERE side = 2)
  FROM (
    SELECT customer_id, currency, side, on_date,
      (sum(sum(open_cents)) OVER (PARTITION BY customer_id, currency, side ORDER BY on_date))
        ::bigint AS running
    FROM (
      SELECT customer_id, currency, 0 AS side, due_date AS on_date, open_cents FROM documents
      WHERE open_cents > 0 AND due_date >= document_date AND customer_id IS NOT NULL
      UNION ALL
      SELECT customer_id, currency, CASE WHEN open_cents > 0 THEN 1 ELSE 2 END, document_date,
        open_cents FROM documents
      WHERE open_cents <> 0 AND (open_cents < 0 OR due_date >= document_date)
        AND customer_id IS NOT NULL) items
    GROUP BY customer_id, currency, side, on_date) days
  GROUP BY customer_id, currency
$$;

-- Runs for every statement that writes documents (every application), for a few customers. Its
-- statements take `ids` as a parameter, which PL/pgSQL planned afresh on every call (a custom
-- plan looked cheaper than the generic one, whose array it guesses at ten elements): planning
-- was most of the call. The generic plan (index probes per id, as the custom ones) is as good
-- for one customer or fifty thousand. Backend CPU of 2,000 calls for one customer each at
-- scale 1: 007's function 0.9-1.6 s, 007's with generic plans 0.2-0.3 s, this one 0.45-0.7 s
-- (2.2-3.8 s planned afresh).
CREATE OR REPLACE FUNCTION refresh_customer_summaries(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE d date := summary_date(); cur char(3) := base_currency();
BEGIN
  -- The summary rows are locked first, in customer order, by a statement of their own: the
  -- UPDATE below then takes a new snapshot (READ COMMITTED, one per statement of a volatile
  -- function) holding everything committed before the locks were granted. Computed in the
  -- UPDATE's own snapshot, taken before it waited for another transaction's lock, a refresh
  -- dropped that transaction's documents (test/summary-race.test.ts: two invoices posted at
  -- once, balance 25.00 instead of 125.00).
  PERFORM 1 FROM customer_summary WHERE customer_id = ANY (ids) ORDER BY customer_id FOR UPDATE;
  UPDATE customer_summary s SET
    balance_cents = coalesce(x.balance, 0),
    past_due_cents = coalesce(x.past_due, 0),
    unapplied_cents = coalesce(x.unapplied, 0),
    open_items = coalesce(x.n, 0),
    oldest_open_due_date = x.oldest,
    aging_items = coalesce(x.aging_items, 0),
    aging_unapplied_cents = coalesce(x.aging_unapplied, 0),
    aging_a0 = coalesce(x.a0, 0), aging_a1 = coalesce(x.a1, 0), aging_a2 = coalesce(x.a2, 0),
    aging_a3 = coalesce(x.a3, 0), aging_a4 = coalesce(x.a4, 0), aging_a5 = coalesce(x.a5, 0),
    aging_a6 = coalesce(x.a6, 0)
  FROM unnest(ids) AS c(id)
  LEFT JOIN (SELECT * FROM customer_summary_of(d, cur) WHERE customer_id = ANY(ids)) x
    ON x.customer_id = c.id
  WHERE s.customer_id = c.id;
  -- After the summary rows, whose locks serialize two refreshes of the same customer.
  DELETE FROM customer_open_dates WHERE customer_id = ANY (ids);
  INSERT INTO customer_open_dates SELECT * FROM customer_open_dates_of()
  WHERE customer_id = ANY (ids);
END $$;

-- Every customer's rows, writing only those that differ: for the bulk loads that write
-- documents with triggers off and then refresh everything (beside
-- refresh_all_customer_summaries, which the daily move of the summary date also calls: the rows
-- do not depend on the date, and computing all of them takes 10-12 s at scale 1).
CREATE FUNCTION refresh_all_customer_open_dates() RETURNS void LANGUAGE sql AS $$
  WITH fresh AS MATERIALIZED (SELECT * FROM customer_open_dates_of()),
  gone AS (DELETE FROM customer_open_dates o WHERE NOT EXISTS (SELECT 1 FROM fresh x
    WHERE x.customer_id = o.customer_id AND x.currency = o.currency))
  INSERT INTO customer_open_dates SELECT * FROM fresh
  ON CONFLICT (customer_id, currency) DO UPDATE SET
    due_on = EXCLUDED.due_on, due_cents = EXCLUDED.due_cents,
    debit_on = EXCLUDED.debit_on, debit_cents = EXCLUDED.debit_cents,
    credit_on = EXCLUDED.credit_on, credit_cents = EXCLUDED.credit_cents
  WHERE (customer_open_dates.due_on, customer_open_dates.due_cents,
      customer_open_dates.debit_on, customer_open_dates.debit_cents,
      customer_open_dates.credit_on, customer_open_dates.credit_cents)
    IS DISTINCT FROM (EXCLUDED.due_on, EXCLUDED.due_cents, EXCLUDED.debit_on,
      EXCLUDED.debit_cents, EXCLUDED.credit_on, EXCLUDED.credit_cents)
$$;

INSERT INTO customer_open_dates SELECT * FROM customer_open_dates_of();
