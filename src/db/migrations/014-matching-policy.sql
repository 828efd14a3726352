-- Cash-application matching policy: the other names a customer pays under (aliases), how cash
-- without usable remittance is applied for a customer (oldest first or not), and a version
-- stamp of everything the engine's customer index is built from, so that an app instance can
-- keep that index between batches and rebuild it only after a change.

-- The oldest-first policy of customers that have none of their own: off (cash that fits no item
-- waits for a clerk), propose (the clerk is shown an oldest-first application), apply (applied
-- oldest first automatically).
INSERT INTO settings (key, value) VALUES ('cashapp_oldest_first_default', '"off"')
  ON CONFLICT (key) DO NOTHING;

-- A name a customer pays under: a DBA (doing business as) name, a parent company, the holder of
-- the bank account it pays from, a former name. Payer names are matched against these as
-- against the customer's own name.
CREATE TABLE customer_aliases (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  alias text NOT NULL CHECK (btrim(alias) <> '' AND length(alias) <= 200),
  kind text NOT NULL CHECK (kind IN ('dba', 'parent', 'account_holder', 'former_name', 'other')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customer_aliases_unique ON customer_aliases (customer_id, lower(alias));

-- A customer's own oldest-first policy (no row: the company default above).
CREATE TABLE customer_matching_policies (
  customer_id bigint PRIMARY KEY REFERENCES customers (id),
  oldest_first text NOT NULL CHECK (oldest_first IN ('off', 'propose', 'apply')),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row: a new random stamp after every statement that changes customer names, account
-- numbers, aliases, policies or the default policy (statement-level: a bulk import changes it
-- once). Random rather than a counter, so that two databases never share a stamp.
CREATE TABLE matching_customers_version (
  one boolean PRIMARY KEY DEFAULT true CHECK (one),
  stamp uuid NOT NULL
);
INSERT INTO matching_customers_version (stamp) VALUES (gen_random_uuid());

CREATE FUNCTION matching_customers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE matching_customers_version SET stamp = gen_random_uuid();
  RETURN NULL;
END $$;

CREATE TRIGGER matching_customers_inserted AFTER INSERT OR DELETE OR TRUNCATE ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION matching_customers_changed();
CREATE TRIGGER matching_customers_updated AFTER UPDATE OF name, account_number ON customers
  FOR EACH STATEMENT EXECUTE FUNCTION matching_customers_changed();
CREATE TRIGGER matching_aliases_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customer_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION matching_customers_changed();
CREATE TRIGGER matching_policies_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customer_matching_policies
  FOR EACH STATEMENT EXECUTE FUNCTION matching_customers_changed();

-- Settings change often (the summary date): only the default policy changes the stamp.
CREATE FUNCTION matching_default_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows WHERE key = 'cashapp_oldest_first_default') THEN
    UPDATE matching_customers_version SET stamp = gen_random_uuid();
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER matching_default_policy_inserted AFTER INSERT ON settings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION matching_default_policy_changed();
CREATE TRIGGER matching_default_policy_updated AFTER UPDATE ON settings
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION matching_default_policy_changed();
