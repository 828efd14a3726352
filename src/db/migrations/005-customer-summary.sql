-- Per-customer balance summary for the customer list and account header, kept by the database:
-- statement-level triggers recompute the summaries of exactly the customers a statement touched
-- (set-based, so a bulk import costs one pass). Past due is as of `summary_date` (a setting),
-- which the application moves to the business date with refresh_all_customer_summaries(date).
-- `arc verify` re-derives these rows like every other denormalized value.

INSERT INTO settings (key, value) VALUES ('summary_date', to_jsonb(CURRENT_DATE::text));

CREATE TABLE customer_summary (
  customer_id bigint PRIMARY KEY REFERENCES customers (id),
  balance_cents bigint NOT NULL DEFAULT 0,
  past_due_cents bigint NOT NULL DEFAULT 0,
  unapplied_cents bigint NOT NULL DEFAULT 0,
  open_items integer NOT NULL DEFAULT 0,
  oldest_open_due_date date
);
CREATE INDEX customer_summary_past_due ON customer_summary (past_due_cents DESC, customer_id);
CREATE INDEX customer_summary_balance ON customer_summary (balance_cents DESC, customer_id);
CREATE INDEX customer_summary_oldest ON customer_summary (oldest_open_due_date, customer_id);

CREATE FUNCTION summary_date() RETURNS date LANGUAGE sql STABLE AS $$
  SELECT (value #>> '{}')::date FROM settings WHERE key = 'summary_date'
$$;

CREATE FUNCTION refresh_customer_summaries(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE d date := summary_date();
BEGIN
  UPDATE customer_summary s SET
    balance_cents = coalesce(x.balance, 0),
    past_due_cents = coalesce(x.past_due, 0),
    unapplied_cents = coalesce(x.unapplied, 0),
    open_items = coalesce(x.n, 0),
    oldest_open_due_date = x.oldest
  FROM (
    SELECT c.id,
      sum(o.open_cents)::bigint AS balance,
      (sum(o.open_cents) FILTER (WHERE o.open_cents > 0 AND o.due_date < d))::bigint AS past_due,
      (sum(o.open_cents) FILTER (WHERE o.open_cents < 0))::bigint AS unapplied,
      count(o.customer_id)::int AS n,
      min(o.due_date) FILTER (WHERE o.open_cents > 0) AS oldest
    FROM unnest(ids) AS c(id)
    LEFT JOIN documents o ON o.customer_id = c.id AND o.open_cents <> 0
    GROUP BY c.id
  ) x
  WHERE s.customer_id = x.id;
END $$;

CREATE FUNCTION refresh_all_customer_summaries(as_of date) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE settings SET value = to_jsonb(as_of::text) WHERE key = 'summary_date';
  UPDATE customer_summary s SET
    balance_cents = coalesce(x.balance, 0),
    past_due_cents = coalesce(x.past_due, 0),
    unapplied_cents = coalesce(x.unapplied, 0),
    open_items = coalesce(x.n, 0),
    oldest_open_due_date = x.oldest
  FROM customer_summary s2
  LEFT JOIN (
    SELECT customer_id,
      sum(open_cents)::bigint AS balance,
      (sum(open_cents) FILTER (WHERE open_cents > 0 AND due_date < as_of))::bigint AS past_due,
      (sum(open_cents) FILTER (WHERE open_cents < 0))::bigint AS unapplied,
      count(*)::int AS n,
      min(due_date) FILTER (WHERE open_cents > 0) AS oldest
    FROM documents WHERE open_cents <> 0 AND customer_id IS NOT NULL
    GROUP BY customer_id
  ) x ON x.customer_id = s2.customer_id
  WHERE s.customer_id = s2.customer_id
    AND (s.balance_cents, s.past_due_cents, s.unapplied_cents, s.open_items,
         s.oldest_open_due_date)
      IS DISTINCT FROM (coalesce(x.balance, 0), coalesce(x.past_due, 0),
         coalesce(x.unapplied, 0), coalesce(x.n, 0), x.oldest);
END $$;

CREATE FUNCTION customer_summary_new_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_summary (customer_id) SELECT id FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_summary_new_customers AFTER INSERT ON customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION customer_summary_new_customers();

CREATE FUNCTION customer_summary_documents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_customer_summaries(
    ARRAY(SELECT DISTINCT customer_id FROM new_rows WHERE customer_id IS NOT NULL));
  RETURN NULL;
END $$;
CREATE TRIGGER customer_summary_documents_inserted AFTER INSERT ON documents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION customer_summary_documents_changed();
CREATE TRIGGER customer_summary_documents_updated AFTER UPDATE ON documents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION customer_summary_documents_changed();

-- Customers that existed before this migration.
INSERT INTO customer_summary (customer_id) SELECT id FROM customers;
SELECT refresh_all_customer_summaries(CURRENT_DATE);
