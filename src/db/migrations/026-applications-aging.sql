-- What the aging as of a past date needs of each application, copied onto it: the aging as of
-- D is the items open now plus what the applications effective after D took off them
-- (src/reports/aging.ts), and with the documents' customer, dates and currency on the
-- application row that correction is one index-only range scan of applications_aging instead
-- of a join of every later application to both its documents (2.7 s at 2,000,000 applications
-- six months back, most of it the join).
--
-- The copies never go stale: a document's dates, currency and (once set) customer are immutable
-- (documents_posted_guard, which now also refuses a due date change), and applications are
-- append-only. The one exception is a document without a customer (unidentified cash, and the
-- debit memo voiding it), which may be assigned one later (cash application applies and assigns
-- in one batch): its applications keep a NULL customer, which means "look the document's customer
-- up", so NULL is always a correct value.
--
-- An item's open amount as of D can have the other side's sign (a debit applied twice over, a
-- credit applied for more than it): when an application is entered back-dated before a reversal
-- (or when the rules were bypassed). The aging by application (which puts a debit's amount in its
-- bucket, a credit's in unapplied) must then move it to where its sign says, so the dates on which
-- an item is over-applied are recorded in aging_over_applied: only an application that adds
-- (amount > 0) can make an item over-applied, and when it is written the trigger works out on which
-- dates its debit or credit is over-applied (applied so far on or before the date > its amount),
-- if any can be (a negative application is dated after it, or it takes more than is open). The
-- windows are kept (a later reversal may close one: the aging checks each item), so they cover
-- every over-applied date as long as the writers keep open_cents (all of them do, and check that
-- an application takes no more than is open); `arc verify` re-derives them.
--
-- A BEFORE INSERT trigger fills the copies from the documents on every insert (the ledger's
-- writers, imports and cash application need no change) and refuses an application across
-- currencies (the copy keeps one). Bulk loads that run with session_replication_role = replica
-- (bench/generate.ts) write the copies themselves, and must not over-apply.
-- `arc verify` re-derives the copies (src/ledger/verify.ts, problem 'copy_differs').

ALTER TABLE applications
  ADD COLUMN currency char(3),
  ADD COLUMN debit_customer_id bigint,
  ADD COLUMN debit_document_date date,
  ADD COLUMN debit_due_date date,
  ADD COLUMN credit_customer_id bigint,
  ADD COLUMN credit_document_date date;

ALTER TABLE applications DISABLE TRIGGER applications_append_only;

UPDATE applications a SET currency = d.currency, debit_customer_id = d.customer_id,
  debit_document_date = d.document_date, debit_due_date = d.due_date,
  credit_customer_id = c.customer_id, credit_document_date = c.document_date
FROM documents d, documents c
WHERE d.id = a.debit_id AND c.id = a.credit_id;

ALTER TABLE applications ENABLE TRIGGER applications_append_only;

ALTER TABLE applications
  ALTER COLUMN currency SET NOT NULL,
  ALTER COLUMN debit_document_date SET NOT NULL,
  ALTER COLUMN debit_due_date SET NOT NULL,
  ALTER COLUMN credit_document_date SET NOT NULL;

-- The later applications of an aging, both sides, by index-only scan.
CREATE INDEX applications_aging ON applications (applied_on)
  INCLUDE (currency, amount_cents, debit_customer_id, debit_document_date, debit_due_date,
    credit_customer_id, credit_document_date);

-- The applications of documents that had no customer yet (see above): a handful.
CREATE INDEX applications_unassigned ON applications (applied_on)
  WHERE debit_customer_id IS NULL OR credit_customer_id IS NULL;

-- Dates on which a document was over-applied: from_on <= D < to_on ('infinity': still is).
CREATE TABLE aging_over_applied (
  document_id bigint NOT NULL REFERENCES documents (id),
  from_on date NOT NULL,
  to_on date NOT NULL CHECK (to_on > from_on)
);
CREATE INDEX aging_over_applied_from ON aging_over_applied (from_on);

-- The dates on which documents (`items`, NULL: all) were over-applied, from their applications:
-- one row per stretch between two application dates (`arc verify` checks that a window covers
-- each).
CREATE FUNCTION over_applied_dates(items bigint[]) RETURNS TABLE (
  document_id bigint, from_on date, to_on date
) LANGUAGE sql STABLE AS $$
  SELECT id, t, t_next FROM (
    SELECT id, t, cap, lead(t, 1, 'infinity') OVER w AS t_next, sum(delta) OVER w AS applied
    FROM (SELECT x.id, x.t, sum(x.delta) AS delta, abs(d.amount_cents) AS cap
      FROM (SELECT debit_id AS id, applied_on AS t, amount_cents AS delta FROM applications
              WHERE items IS NULL OR debit_id = ANY (items)
            UNION ALL
            SELECT credit_id, applied_on, amount_cents FROM applications
              WHERE items IS NULL OR credit_id = ANY (items)) x
      JOIN documents d ON d.id = x.id
      GROUP BY x.id, x.t, d.amount_cents) y
    WINDOW w AS (PARTITION BY id ORDER BY t)) z
  WHERE applied > cap
$$;

INSERT INTO aging_over_applied
SELECT document_id, min(from_on), max(to_on) FROM over_applied_dates(NULL) GROUP BY 1;

-- One statement for both documents (this runs for every application written: 10,000 in a cash
-- application batch). Over-application is possible where a negative application is dated after
-- the new one (the index probe) or the new one takes more than is open (open_cents, kept by the
-- writers; rules checked by them make that never happen).
CREATE FUNCTION applications_copy_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  SELECT d.customer_id AS debit_customer_id, d.document_date AS debit_document_date,
    d.due_date AS debit_due_date, d.currency AS debit_currency,
    c.customer_id AS credit_customer_id, c.document_date AS credit_document_date,
    c.currency AS credit_currency,
    NEW.amount_cents > 0 AND (NEW.amount_cents > d.open_cents OR EXISTS (SELECT 1
      FROM applications a WHERE a.debit_id = d.id AND a.amount_cents < 0
        AND a.applied_on > NEW.applied_on)) AS debit_over,
    NEW.amount_cents > 0 AND (NEW.amount_cents > -c.open_cents OR EXISTS (SELECT 1
      FROM applications a WHERE a.credit_id = c.id AND a.amount_cents < 0
        AND a.applied_on > NEW.applied_on)) AS credit_over
  INTO r FROM documents d, documents c WHERE d.id = NEW.debit_id AND c.id = NEW.credit_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'application from document % to document %: no such document',
      NEW.credit_id, NEW.debit_id USING ERRCODE = '23503';
  END IF;
  IF r.debit_currency <> r.credit_currency THEN
    RAISE EXCEPTION 'application from document % (%) to document % (%): currencies differ',
      NEW.credit_id, r.credit_currency, NEW.debit_id, r.debit_currency USING ERRCODE = '23514';
  END IF;
  NEW.currency := r.debit_currency;
  NEW.debit_customer_id := r.debit_customer_id;
  NEW.debit_document_date := r.debit_document_date;
  NEW.debit_due_date := r.debit_due_date;
  NEW.credit_customer_id := r.credit_customer_id;
  NEW.credit_document_date := r.credit_document_date;
  IF r.debit_over THEN
    PERFORM note_over_applied(NEW.debit_id, NEW.applied_on, NEW.amount_cents);
  END IF;
  IF r.credit_over THEN
    PERFORM note_over_applied(NEW.credit_id, NEW.applied_on, NEW.amount_cents);
  END IF;
  RETURN NEW;
END $$;

-- Records the over-applied dates of document `item` once an application of `amount` on
-- `applied_on` (being inserted, so not yet in the table) is added to it.
CREATE FUNCTION note_over_applied(item bigint, applied_on date, amount bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE cap bigint := (SELECT abs(amount_cents) FROM documents WHERE id = item);
BEGIN
  INSERT INTO aging_over_applied (document_id, from_on, to_on)
  SELECT item, min(t), max(t_next) FROM (
    SELECT t, lead(t, 1, 'infinity') OVER (ORDER BY t) AS t_next,
      sum(delta) OVER (ORDER BY t) AS applied
    FROM (SELECT t, sum(delta) AS delta FROM (
        SELECT a.applied_on AS t, a.amount_cents AS delta FROM applications a
        WHERE a.debit_id = item OR a.credit_id = item
        UNION ALL
        SELECT note_over_applied.applied_on, amount) x
      GROUP BY t) y) z
  WHERE applied > cap
  HAVING count(*) > 0;
END $$;

CREATE TRIGGER applications_copy_documents BEFORE INSERT ON applications
  FOR EACH ROW EXECUTE FUNCTION applications_copy_documents();

-- The copies rely on the due date too.
CREATE OR REPLACE FUNCTION documents_posted_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'documents are append-only (DELETE refused)' USING ERRCODE = '55000';
  END IF;
  IF NEW.amount_cents <> OLD.amount_cents OR NEW.type <> OLD.type
     OR NEW.document_date <> OLD.document_date OR NEW.due_date <> OLD.due_date
     OR NEW.currency <> OLD.currency OR NEW.number <> OLD.number
     OR (OLD.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
    RAISE EXCEPTION 'document % is posted: only its open amount may change', OLD.id
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END $$;
