-- The number of customers, kept by the database: the customer list's total without a filter is
-- read from here instead of a count(*) over every customer on every page. Statement-level
-- triggers add the rows a statement inserted and take away those it deleted (one update per
-- statement, none for a statement that inserted nothing, so a bulk import costs one). ENABLE
-- ALWAYS keeps the count right for bulk loads that run with session_replication_role = replica.
-- It is one row: transactions that create customers at the same time take turns on it until they
-- commit (customers are created rarely; an import is one statement). `arc verify` re-derives it.

CREATE TABLE customer_count (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  customers bigint NOT NULL CHECK (customers >= 0)
);
INSERT INTO customer_count (customers) SELECT count(*) FROM customers;

CREATE FUNCTION customer_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n bigint := (SELECT count(*) FROM new_rows);
BEGIN
  IF n > 0 THEN UPDATE customer_count SET customers = customers + n; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_count_inserted AFTER INSERT ON customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION customer_count_inserted();
ALTER TABLE customers ENABLE ALWAYS TRIGGER customer_count_inserted;

CREATE FUNCTION customer_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE n bigint := (SELECT count(*) FROM old_rows);
BEGIN
  IF n > 0 THEN UPDATE customer_count SET customers = customers - n; END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_count_deleted AFTER DELETE ON customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION customer_count_deleted();
ALTER TABLE customers ENABLE ALWAYS TRIGGER customer_count_deleted;

CREATE FUNCTION customer_count_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customer_count SET customers = 0;
  RETURN NULL;
END $$;
CREATE TRIGGER customer_count_truncated AFTER TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION customer_count_truncated();
ALTER TABLE customers ENABLE ALWAYS TRIGGER customer_count_truncated;
