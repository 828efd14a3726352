-- The aging of each customer as of the summary date, kept with the rest of its summary: the
-- open items in the base currency dated on or before the summary date, by the default buckets
-- on the due-date basis (current, 1-30, 31-45, 46-60, 61-90, 91-120, 120+, as in
-- src/domain/aging.ts DEFAULT_THRESHOLDS), and the open credits (unapplied). The aging report
-- as of the summary date with those buckets reads these rows instead of every open item
-- (src/reports/aging.ts); any other date, basis or buckets is computed from the items.
--
-- Every value of a summary row now comes from one definition, customer_summary_of(date,
-- currency): the refresh of some customers, the refresh of all when the date moves, and
-- `arc verify` re-deriving them. Its WHERE on customer_id is pushed into the grouping, so a
-- refresh of a few customers reads only their open items.

ALTER TABLE customer_summary
  ADD COLUMN aging_items integer NOT NULL DEFAULT 0,
  ADD COLUMN aging_unapplied_cents bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a0 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a1 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a2 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a3 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a4 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a5 bigint NOT NULL DEFAULT 0,
  ADD COLUMN aging_a6 bigint NOT NULL DEFAULT 0;

CREATE FUNCTION base_currency() RETURNS char(3) LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT value #>> '{}' FROM settings WHERE key = 'base_currency'), 'USD')::char(3)
$$;

-- The summary of every customer with open items, as of d, aging the items in currency cur.
CREATE FUNCTION customer_summary_of(d date, cur char(3)) RETURNS TABLE (
  customer_id bigint, balance bigint, past_due bigint, unapplied bigint, n integer, oldest date,
  aging_items integer, aging_unapplied bigint,
  a0 bigint, a1 bigint, a2 bigint, a3 bigint, a4 bigint, a5 bigint, a6 bigint
) LANGUAGE sql STABLE AS $$
  SELECT customer_id,
    sum(open_cents)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE open_cents > 0 AND due_date < d), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE open_cents < 0), 0)::bigint,
    count(*)::integer,
    min(due_date) FILTER (WHERE open_cents > 0),
    count(*) FILTER (WHERE aged)::integer,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents < 0), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0 AND due_date >= d), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0
      AND due_date < d AND due_date > d - 31), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0
      AND due_date <= d - 31 AND due_date > d - 46), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0
      AND due_date <= d - 46 AND due_date > d - 61), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0
      AND due_date <= d - 61 AND due_date > d - 91), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0
      AND due_date <= d - 91 AND due_date > d - 121), 0)::bigint,
    coalesce(sum(open_cents) FILTER (WHERE aged AND open_cents > 0 AND due_date <= d - 121),
      0)::bigint
  FROM (SELECT customer_id, open_cents, due_date, document_date <= d AND currency = cur AS aged
        FROM documents WHERE open_cents <> 0 AND customer_id IS NOT NULL) o
  GROUP BY customer_id
$$;

CREATE OR REPLACE FUNCTION refresh_customer_summaries(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE d date := summary_date(); cur char(3) := base_currency();
BEGIN
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
END $$;

CREATE OR REPLACE FUNCTION refresh_all_customer_summaries(as_of date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE cur char(3) := base_currency();
BEGIN
  UPDATE settings SET value = to_jsonb(as_of::text) WHERE key = 'summary_date';
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
  FROM customer_summary s2
  LEFT JOIN customer_summary_of(as_of, cur) x ON x.customer_id = s2.customer_id
  WHERE s.customer_id = s2.customer_id
    AND (s.balance_cents, s.past_due_cents, s.unapplied_cents, s.open_items,
         s.oldest_open_due_date, s.aging_items, s.aging_unapplied_cents, s.aging_a0, s.aging_a1,
         s.aging_a2, s.aging_a3, s.aging_a4, s.aging_a5, s.aging_a6)
      IS DISTINCT FROM (coalesce(x.balance, 0), coalesce(x.past_due, 0),
         coalesce(x.unapplied, 0), coalesce(x.n, 0), x.oldest, coalesce(x.aging_items, 0),
         coalesce(x.aging_unapplied, 0), coalesce(x.a0, 0), coalesce(x.a1, 0),
         coalesce(x.a2, 0), coalesce(x.a3, 0), coalesce(x.a4, 0), coalesce(x.a5, 0),
         coalesce(x.a6, 0));
END $$;

SELECT refresh_all_customer_summaries(summary_date());
