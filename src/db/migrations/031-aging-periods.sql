-- Month-end snapshots of the open items, for the aging as of a past date. The aging as of D is
-- computed from a base and the applications between the base and D (src/reports/aging-sql.ts).
-- With the items open now as the base (customer_open_dates, migration 028), a date six months
-- back reads every application of those six months (about 300,000 at scale 1: most of the cost).
-- A kept month end M on or after D is a closer base: the open items as of M, as running totals
-- by date per customer and currency (the same arrays as customer_open_dates), and only the
-- applications effective in (D, M] are read.
--
-- A period holds the documents dated on or before M with their open amount as of M, each on its
-- SIDE (a debit document in the debit arrays even when it was over-applied as of M, a credit in
-- the credit arrays), as the applications' correction puts them: the aging moves the items whose
-- open amount as of D has the other side's sign, as before (aging_over_applied). Items without a
-- customer (unidentified cash) are customer 0. The arrays hold the "regular" debits (due on or
-- after their document date); the others are kept item by item in period_open_irregular.
--
-- The open amount as of M is amount -/+ the applications effective on or before M: documents'
-- amounts, dates and currency are immutable and applications append-only, so a period changes
-- only when something is written dated on or before M: a back-dated document, an application
-- effective on or before M (a reversal is a new application), or a customer given to an
-- unidentified payment. The triggers below refresh the customers such a write touches, in every
-- kept period on or after its date, in the writer's own transaction (bulk loads that write with
-- session_replication_role = replica call refresh_aging_periods themselves, as the invoice and
-- payment imports do, or build the periods after loading, as bench/aging.ts); a write touching
-- more than 100 customer-periods drops those periods instead (a cash-application batch of
-- payments valued on the last month end, an import of a year of history), and the aging reads
-- the items until the nightly job builds them again: for a date in the last month as quick, as
-- few applications follow it.
--
-- Periods are built by the job `aging_periods` (src/ledger/aging-periods.ts): the month ends of
-- the last months before the business date, each in three steps, so that writers wait only for
-- two short moments, never for the computation:
-- 1. announce: the period is inserted not `ready`, holding aging_periods in ACCESS EXCLUSIVE mode.
--    Every writer's trigger reads aging_periods and holds its lock until it commits, so this
--    waits for the writers in flight (which then committed before step 2 begins), and the
--    writers after it see the period: they note the customers they touch in
--    aging_period_pending instead of refreshing it;
-- 2. compute: every row, set-based, in a transaction of its own, with no lock on writers;
-- 3. finish: holding aging_periods in ACCESS EXCLUSIVE mode again (waiting for the writers in
--    flight, whose notes are then committed), the noted customers are refreshed and the period
--    becomes `ready`. The aging reads only ready periods; `arc verify` re-derives them
--    ('aging_period').

CREATE TABLE aging_periods (
  period_end date PRIMARY KEY,
  ready boolean NOT NULL DEFAULT false,
  built_at timestamptz NOT NULL DEFAULT now()
);

-- Customers written back-dated into a period while it was being built (see above).
CREATE TABLE aging_period_pending (
  period_end date NOT NULL REFERENCES aging_periods (period_end) ON DELETE CASCADE,
  customer_id bigint NOT NULL,
  PRIMARY KEY (period_end, customer_id)
);

CREATE TABLE period_open_dates (
  period_end date NOT NULL REFERENCES aging_periods (period_end) ON DELETE CASCADE,
  -- 0: no customer (unidentified cash).
  customer_id bigint NOT NULL,
  currency char(3) NOT NULL,
  -- As customer_open_dates: running totals of the open amounts as of period_end, by date.
  due_on date[],
  due_cents bigint[],
  debit_on date[],
  debit_cents bigint[],
  credit_on date[],
  credit_cents bigint[],
  PRIMARY KEY (period_end, customer_id, currency)
);

-- Debits due before their document date (none in an ordinary book), open as of period_end.
CREATE TABLE period_open_irregular (
  period_end date NOT NULL REFERENCES aging_periods (period_end) ON DELETE CASCADE,
  document_id bigint NOT NULL REFERENCES documents (id),
  customer_id bigint NOT NULL,
  currency char(3) NOT NULL,
  document_date date NOT NULL,
  due_date date NOT NULL,
  open_cents bigint NOT NULL,
  PRIMARY KEY (period_end, document_id)
);
CREATE INDEX period_open_irregular_customer ON period_open_irregular (customer_id, period_end);

-- The documents dated on or before `p` with their open amount as of `p` (zero included), each
-- with its side (debit: amount > 0). For all customers (ids NULL) from the open amounts now and
-- the applications effective after p, set-based (the build: the ledger's writers keep open_cents,
-- and the build runs in a transaction of its own); for the customers `ids` (0: no customer) from
-- the amounts and their applications effective on or before p, item by item through the
-- applications' document indexes (the refresh runs inside a writer's transaction, before the
-- writer may have updated open_cents; and `arc verify` re-derives from the definition this way).
CREATE FUNCTION period_items(p date, ids bigint[]) RETURNS TABLE (
  document_id bigint, customer_id bigint, currency char(3), document_date date, due_date date,
  debit boolean, open_cents bigint
) LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF ids IS NULL THEN
    RETURN QUERY
    WITH later AS (
      SELECT x.id, sum(x.delta)::bigint AS delta FROM (
        SELECT a.debit_id AS id, a.amount_cents AS delta FROM applications a
        WHERE a.applied_on > p
        UNION ALL
        SELECT a.credit_id, -a.amount_cents FROM applications a WHERE a.applied_on > p) x
      GROUP BY x.id)
    SELECT d.id, coalesce(d.customer_id, 0), d.currency, d.document_date, d.due_date,
      d.amount_cents > 0, (d.open_cents + coalesce(l.delta, 0))::bigint
    FROM documents d LEFT JOIN later l ON l.id = d.id
    WHERE d.open_cents <> 0 AND d.document_date <= p
    UNION ALL
    SELECT d.id, coalesce(d.customer_id, 0), d.currency, d.document_date, d.due_date,
      d.amount_cents > 0, l.delta
    FROM later l JOIN documents d ON d.id = l.id
    WHERE d.open_cents = 0 AND d.document_date <= p;
  ELSE
    -- The customers' documents and, only when customer 0 is asked for, those without one: two
    -- index scans (one OR of both was planned as a bitmap scan of every unidentified document).
    RETURN QUERY
    SELECT d.id, coalesce(d.customer_id, 0), d.currency, d.document_date, d.due_date,
      d.amount_cents > 0, (d.amount_cents
        - coalesce((SELECT sum(a.amount_cents) FROM applications a
            WHERE a.debit_id = d.id AND a.applied_on <= p), 0)
        + coalesce((SELECT sum(a.amount_cents) FROM applications a
            WHERE a.credit_id = d.id AND a.applied_on <= p), 0))::bigint
    FROM (
      SELECT * FROM documents WHERE documents.customer_id = ANY (ids)
        AND documents.document_date <= p
      UNION ALL
      SELECT * FROM documents WHERE documents.customer_id IS NULL AND 0 = ANY (ids)
        AND documents.document_date <= p) d;
  END IF;
END $$;

-- The period rows of `p` for the customers `ids` (NULL: all), as customer_open_dates_of.
CREATE FUNCTION period_open_dates_of(p date, ids bigint[]) RETURNS TABLE (
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
      SELECT i.customer_id, i.currency, s.side,
        CASE WHEN s.side = 0 THEN i.due_date ELSE i.document_date END AS on_date, i.open_cents
      FROM period_items(p, ids) i
      JOIN (VALUES (0), (1), (2)) s (side)
        ON CASE WHEN NOT i.debit THEN s.side = 2 ELSE s.side < 2 END
      WHERE i.open_cents <> 0 AND (NOT i.debit OR i.due_date >= i.document_date)) items
    GROUP BY customer_id, currency, side, on_date) days
  GROUP BY customer_id, currency
$$;

-- The irregular debits of `p` for the customers `ids` (NULL: all), open as of p, from their
-- amounts and applications (as period_items does for a few customers), through a partial index
-- that holds only them: the build does not compute every item a second time for these few.
CREATE INDEX documents_irregular ON documents (customer_id)
  WHERE amount_cents > 0 AND due_date < document_date;
CREATE FUNCTION period_open_irregular_of(p date, ids bigint[]) RETURNS TABLE (
  document_id bigint, customer_id bigint, currency char(3), document_date date, due_date date,
  open_cents bigint
) LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT d.id, coalesce(d.customer_id, 0), d.currency, d.document_date, d.due_date,
      (d.amount_cents
        - coalesce((SELECT sum(a.amount_cents) FROM applications a
            WHERE a.debit_id = d.id AND a.applied_on <= p), 0)
        + coalesce((SELECT sum(a.amount_cents) FROM applications a
            WHERE a.credit_id = d.id AND a.applied_on <= p), 0))::bigint AS open_cents
    FROM documents d
    WHERE d.amount_cents > 0 AND d.due_date < d.document_date AND d.document_date <= p
      AND (ids IS NULL OR d.customer_id = ANY (ids) OR (d.customer_id IS NULL AND 0 = ANY (ids)))
  ) x WHERE x.open_cents <> 0
$$;

-- (Re)writes the rows of period `p` for the customers `ids` (NULL: all of them). Without JIT:
-- its estimate for a few customers' item-by-item reads passes the JIT threshold, and compiling
-- took longer than the refresh.
CREATE FUNCTION write_aging_period(p date, ids bigint[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  DELETE FROM period_open_dates o WHERE o.period_end = p
    AND (ids IS NULL OR o.customer_id = ANY (ids));
  DELETE FROM period_open_irregular o WHERE o.period_end = p
    AND (ids IS NULL OR o.customer_id = ANY (ids));
  INSERT INTO period_open_dates SELECT p, x.* FROM period_open_dates_of(p, ids) x;
  INSERT INTO period_open_irregular SELECT p, x.* FROM period_open_irregular_of(p, ids) x;
END $$;

-- Step 3 of a build (see above; the caller holds aging_periods in ACCESS EXCLUSIVE mode): refreshes
-- the customers noted while it was computed and makes the period ready. False when the period is
-- gone (a large back-dated write dropped it meanwhile).
CREATE FUNCTION finish_aging_period(p date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE ids bigint[] := ARRAY(SELECT customer_id FROM aging_period_pending WHERE period_end = p);
BEGIN
  IF NOT EXISTS (SELECT 1 FROM aging_periods WHERE period_end = p) THEN RETURN false; END IF;
  IF cardinality(ids) > 0 THEN PERFORM write_aging_period(p, ids); END IF;
  DELETE FROM aging_period_pending WHERE period_end = p;
  UPDATE aging_periods SET ready = true, built_at = now() WHERE period_end = p;
  RETURN true;
END $$;

-- Refreshes the customers `ids` (0: no customer) in every kept period on or after `from_on`, or
-- notes them for a period being built; past 100 customer-periods (3-5 ms each at scale 1 with its
-- pages cached, 12 ms not, measured under load 9), drops those periods instead. The periods' rows are locked first, in order:
-- two writers refreshing at once take turns (the second then computes in a new snapshot that
-- holds what the first committed).
CREATE FUNCTION refresh_aging_periods(ids bigint[], from_on date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE p date; n int;
BEGIN
  IF cardinality(ids) = 0 THEN RETURN; END IF;
  INSERT INTO aging_period_pending
  SELECT a.period_end, c.id FROM aging_periods a, unnest(ids) c (id)
  WHERE a.period_end >= from_on AND NOT a.ready
  ON CONFLICT DO NOTHING;
  SELECT count(*) INTO n FROM aging_periods WHERE period_end >= from_on AND ready;
  IF n = 0 THEN RETURN; END IF;
  IF n * cardinality(ids) > 100 THEN
    DELETE FROM aging_periods WHERE period_end >= from_on AND ready;
    RETURN;
  END IF;
  FOR p IN SELECT period_end FROM aging_periods WHERE period_end >= from_on AND ready
      ORDER BY period_end FOR UPDATE LOOP
    PERFORM write_aging_period(p, ids);
  END LOOP;
END $$;

-- The triggers: cheap when nothing is dated on or before the last kept period (the usual write,
-- dated today): one look at aging_periods' primary key.
CREATE FUNCTION aging_periods_documents_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_end date := (SELECT max(period_end) FROM aging_periods);
BEGIN
  IF last_end IS NULL THEN RETURN NULL; END IF;
  PERFORM refresh_aging_periods(
    ARRAY(SELECT DISTINCT coalesce(customer_id, 0) FROM new_rows
      WHERE document_date <= last_end),
    (SELECT min(document_date) FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER aging_periods_documents_inserted AFTER INSERT ON documents
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION aging_periods_documents_inserted();

-- An unidentified payment (or its void) given a customer moves from customer 0 to it.
CREATE FUNCTION aging_periods_customer_assigned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM refresh_aging_periods(ARRAY[0, NEW.customer_id], NEW.document_date);
  RETURN NULL;
END $$;
CREATE TRIGGER aging_periods_customer_assigned AFTER UPDATE OF customer_id ON documents
  FOR EACH ROW WHEN (OLD.customer_id IS NULL AND NEW.customer_id IS NOT NULL)
  EXECUTE FUNCTION aging_periods_customer_assigned();

-- An application changes its two documents' open amounts as of every date from its own on. Its
-- copies name the customers (NULL: the document had none when applied: look it up).
CREATE FUNCTION aging_periods_applications_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_end date := (SELECT max(period_end) FROM aging_periods);
BEGIN
  IF last_end IS NULL THEN RETURN NULL; END IF;
  PERFORM refresh_aging_periods(
    ARRAY(SELECT DISTINCT coalesce(c, 0) FROM (
      SELECT coalesce(a.debit_customer_id,
          (SELECT d.customer_id FROM documents d WHERE d.id = a.debit_id)) AS c
      FROM new_rows a WHERE a.applied_on <= last_end
      UNION ALL
      SELECT coalesce(a.credit_customer_id,
          (SELECT d.customer_id FROM documents d WHERE d.id = a.credit_id))
      FROM new_rows a WHERE a.applied_on <= last_end) x),
    (SELECT min(applied_on) FROM new_rows));
  RETURN NULL;
END $$;
CREATE TRIGGER aging_periods_applications_inserted AFTER INSERT ON applications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION aging_periods_applications_inserted();
