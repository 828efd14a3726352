-- A customer's summary refreshed by two transactions at once kept only the second one's
-- documents: refresh_customer_summaries computed the new values and wrote them in one UPDATE,
-- whose snapshot was taken before it waited for the first transaction's lock on the summary
-- row, so it never saw the first's committed documents (test/summary-race.test.ts: two invoices
-- posted at once, balance 25.00 instead of 125.00). The summary rows are now locked first, in
-- customer order, by a statement of their own; the UPDATE that follows takes a new snapshot
-- (READ COMMITTED, one per statement of a volatile function), which holds everything committed
-- before the locks were granted. Same body as migration 028 otherwise.
CREATE OR REPLACE FUNCTION refresh_customer_summaries(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE d date := summary_date(); cur char(3) := base_currency();
BEGIN
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
