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
-- A reversal also carries its original's applied_on (reversed_on): an item's open amount as of D
-- can have the "wrong" sign (a debit applied twice over, a credit over-applied) only when one of
-- its reversals is dated after D and its original on or before D; the aging finds those few items
-- through applications_straddling and ages them one by one.
--
-- A BEFORE INSERT trigger fills the copies from the documents on every insert (the ledger's
-- writers, imports and cash application need no change), and refuses what the copies and the
-- aging rely on: both sides in one currency, a reversal mirroring its original. Bulk loads that
-- run with session_replication_role = replica (bench/generate.ts) write the copies themselves.
-- `arc verify` re-derives them (src/ledger/verify.ts, problem 'copy_differs').

ALTER TABLE applications
  ADD COLUMN currency char(3),
  ADD COLUMN debit_customer_id bigint,
  ADD COLUMN debit_document_date date,
  ADD COLUMN debit_due_date date,
  ADD COLUMN credit_customer_id bigint,
  ADD COLUMN credit_document_date date,
  ADD COLUMN reversed_on date;

ALTER TABLE applications DISABLE TRIGGER applications_append_only;

UPDATE applications a SET currency = d.currency, debit_customer_id = d.customer_id,
  debit_document_date = d.document_date, debit_due_date = d.due_date,
  credit_customer_id = c.customer_id, credit_document_date = c.document_date,
  reversed_on = CASE WHEN a.reverses_id IS NOT NULL
    THEN (SELECT o.applied_on FROM applications o WHERE o.id = a.reverses_id) END
FROM documents d, documents c
WHERE d.id = a.debit_id AND c.id = a.credit_id;

ALTER TABLE applications ENABLE TRIGGER applications_append_only;

ALTER TABLE applications
  ALTER COLUMN currency SET NOT NULL,
  ALTER COLUMN debit_document_date SET NOT NULL,
  ALTER COLUMN debit_due_date SET NOT NULL,
  ALTER COLUMN credit_document_date SET NOT NULL,
  ADD CONSTRAINT applications_reversed_on CHECK ((reversed_on IS NULL) = (reverses_id IS NULL));

-- The later applications of an aging, both sides, by index-only scan.
CREATE INDEX applications_aging ON applications (applied_on)
  INCLUDE (currency, amount_cents, debit_customer_id, debit_document_date, debit_due_date,
    credit_customer_id, credit_document_date);

-- The applications of documents that had no customer yet (see above): a handful.
CREATE INDEX applications_unassigned ON applications (applied_on)
  WHERE debit_customer_id IS NULL OR credit_customer_id IS NULL;

-- Reversals dated after D of originals dated on or before D (see above).
CREATE INDEX applications_straddling ON applications (applied_on, reversed_on)
  INCLUDE (debit_id, credit_id) WHERE reverses_id IS NOT NULL;

CREATE FUNCTION applications_copy_documents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE debit record; credit record; original record;
BEGIN
  SELECT customer_id, document_date, due_date, currency INTO debit
    FROM documents WHERE id = NEW.debit_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'application to document %: no such document', NEW.debit_id
      USING ERRCODE = '23503';
  END IF;
  SELECT customer_id, document_date, currency INTO credit FROM documents WHERE id = NEW.credit_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'application from document %: no such document', NEW.credit_id
      USING ERRCODE = '23503';
  END IF;
  IF debit.currency <> credit.currency THEN
    RAISE EXCEPTION 'application from document % (%) to document % (%): currencies differ',
      NEW.credit_id, credit.currency, NEW.debit_id, debit.currency USING ERRCODE = '23514';
  END IF;
  NEW.currency := debit.currency;
  NEW.debit_customer_id := debit.customer_id;
  NEW.debit_document_date := debit.document_date;
  NEW.debit_due_date := debit.due_date;
  NEW.credit_customer_id := credit.customer_id;
  NEW.credit_document_date := credit.document_date;
  NEW.reversed_on := NULL;
  IF NEW.reverses_id IS NOT NULL THEN
    SELECT applied_on, credit_id, debit_id, amount_cents INTO original
      FROM applications WHERE id = NEW.reverses_id;
    IF NOT FOUND OR original.credit_id <> NEW.credit_id OR original.debit_id <> NEW.debit_id
       OR original.amount_cents <> -NEW.amount_cents THEN
      RAISE EXCEPTION 'application % does not mirror the application % it reverses', NEW.id,
        NEW.reverses_id USING ERRCODE = '23514';
    END IF;
    NEW.reversed_on := original.applied_on;
  END IF;
  RETURN NEW;
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
