-- The receivables ledger: customers, terms, open items (documents), applications, journal, audit.
-- Amounts are bigint minor units; signs: debits (owed by the customer) positive, credits negative.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL
);
INSERT INTO settings (key, value) VALUES ('base_currency', '"USD"');

CREATE TABLE terms (
  code text PRIMARY KEY,
  description text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('net', 'eom', 'cod', 'prepaid')),
  net_days integer CHECK (net_days >= 0),
  discount_bp integer CHECK (discount_bp > 0 AND discount_bp < 10000),
  discount_days integer CHECK (discount_days >= 0),
  CHECK ((discount_bp IS NULL) = (discount_days IS NULL))
);
INSERT INTO terms (code, description, kind, net_days, discount_bp, discount_days) VALUES
  ('NET10', 'net 10', 'net', 10, NULL, NULL),
  ('NET15', 'net 15', 'net', 15, NULL, NULL),
  ('NET30', 'net 30', 'net', 30, NULL, NULL),
  ('NET45', 'net 45', 'net', 45, NULL, NULL),
  ('NET60', 'net 60', 'net', 60, NULL, NULL),
  ('NET90', 'net 90', 'net', 90, NULL, NULL),
  ('1/10NET30', '1% 10, net 30', 'net', 30, 100, 10),
  ('2/10NET30', '2% 10, net 30', 'net', 30, 200, 10),
  ('2/10NET45', '2% 10, net 45', 'net', 45, 200, 10),
  ('NET10EOM', 'net 10 EOM', 'eom', 10, NULL, NULL),
  ('2/10EOM', '2% 10, due end of following month', 'eom', NULL, 200, 10),
  ('EOM', 'due end of following month', 'eom', NULL, NULL, NULL),
  ('COD', 'Cash on delivery', 'cod', NULL, NULL, NULL),
  ('PREPAID', 'Prepaid', 'prepaid', NULL, NULL, NULL);

CREATE TABLE gl_accounts (
  code text PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO gl_accounts (code, name) VALUES
  ('ar_control', 'Accounts receivable control'),
  ('unapplied_cash', 'Unapplied cash'),
  ('cash_clearing', 'Cash clearing'),
  ('sales_clearing', 'Sales (billing clearing)'),
  ('sales_returns', 'Sales returns and allowances'),
  ('sales_discounts', 'Sales discounts'),
  ('bad_debt', 'Bad debt expense'),
  ('allowance', 'Allowance for doubtful accounts'),
  ('nsf_fees', 'Returned item fee income'),
  ('finance_charges', 'Finance charge income'),
  ('refunds_payable', 'Customer refunds payable'),
  ('deductions', 'Deductions clearing');

CREATE TABLE import_batches (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  file_name text NOT NULL,
  file_sha256 text NOT NULL,
  row_count integer NOT NULL,
  created_count integer NOT NULL,
  actor text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, file_sha256)
);

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_number text NOT NULL UNIQUE,
  name text NOT NULL CHECK (name <> ''),
  parent_id bigint REFERENCES customers (id),
  terms_code text NOT NULL DEFAULT 'NET30' REFERENCES terms (code),
  credit_limit_cents bigint CHECK (credit_limit_cents >= 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  collector text,
  sales_rep text,
  region text,
  status text NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'inactive', 'on_hold', 'closed')),
  notes text,
  batch_id bigint REFERENCES import_batches (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id <> id)
);
CREATE INDEX customers_collector ON customers (collector);
CREATE INDEX customers_sales_rep ON customers (sales_rep);
CREATE INDEX customers_region ON customers (region);
CREATE INDEX customers_parent ON customers (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE contacts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  name text NOT NULL,
  role text,
  email text,
  phone text,
  fax text,
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer ON contacts (customer_id);

-- An open item: anything that moves a customer's balance.
CREATE TABLE documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint REFERENCES customers (id),
  type text NOT NULL CHECK (type IN (
    'invoice', 'debit_memo', 'finance_charge', 'deduction', 'refund', 'nsf_reversal',
    'credit_memo', 'payment', 'discount', 'write_off')),
  number text NOT NULL,
  document_date date NOT NULL,
  due_date date NOT NULL,
  amount_cents bigint NOT NULL,
  -- Denormalized: amount minus applications to date. `arc verify` re-derives it.
  open_cents bigint NOT NULL,
  currency char(3) NOT NULL,
  terms_code text REFERENCES terms (code),
  po_number text,
  order_number text,
  method text CHECK (method IN (
    'check', 'cash', 'ach', 'wire', 'card', 'online_bill_pay', 'route_cash')),
  payer_name text,
  memo text,
  external_id text UNIQUE,
  batch_id bigint REFERENCES import_batches (id),
  reverses_id bigint REFERENCES documents (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  CHECK (CASE WHEN type IN ('credit_memo', 'payment', 'discount', 'write_off')
    THEN amount_cents < 0 ELSE amount_cents > 0 END),
  CHECK (open_cents BETWEEN LEAST(0, amount_cents) AND GREATEST(0, amount_cents)),
  CHECK (customer_id IS NOT NULL OR type = 'payment'),
  CHECK (method IS NULL OR type = 'payment')
);
CREATE UNIQUE INDEX documents_billing_number ON documents (type, number)
  WHERE type IN ('invoice', 'credit_memo', 'debit_memo');
CREATE INDEX documents_customer_date ON documents (customer_id, document_date);
CREATE INDEX documents_payment_ref ON documents (number) WHERE type = 'payment';
-- Open items, for aging as of today and the account pages: an index-only scan.
CREATE INDEX documents_open ON documents (customer_id)
  INCLUDE (document_date, due_date, open_cents, currency, type)
  WHERE open_cents <> 0;

CREATE TABLE applications (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  credit_id bigint NOT NULL REFERENCES documents (id),
  debit_id bigint NOT NULL REFERENCES documents (id),
  -- Positive applies; a reversal is a negative row pointing at the one it reverses.
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  applied_on date NOT NULL,
  reverses_id bigint UNIQUE REFERENCES applications (id),
  method text NOT NULL DEFAULT 'manual',
  confidence smallint CHECK (confidence BETWEEN 0 AND 100),
  reason text,
  external_id text UNIQUE,
  batch_id bigint REFERENCES import_batches (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  CHECK ((reverses_id IS NULL) = (amount_cents > 0)),
  CHECK (credit_id <> debit_id)
);
CREATE INDEX applications_debit ON applications (debit_id) INCLUDE (applied_on, amount_cents);
CREATE INDEX applications_credit ON applications (credit_id) INCLUDE (applied_on, amount_cents);
CREATE INDEX applications_applied_on ON applications (applied_on)
  INCLUDE (debit_id, credit_id, amount_cents);

CREATE TABLE journal_entries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  effective_date date NOT NULL,
  kind text NOT NULL,
  document_id bigint REFERENCES documents (id),
  application_id bigint REFERENCES applications (id),
  batch_id bigint REFERENCES import_batches (id),
  reverses_id bigint REFERENCES journal_entries (id),
  memo text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL
);
CREATE INDEX journal_entries_document ON journal_entries (document_id) WHERE document_id IS NOT NULL;

CREATE TABLE journal_lines (
  entry_id bigint NOT NULL REFERENCES journal_entries (id),
  line_no smallint NOT NULL,
  account text NOT NULL REFERENCES gl_accounts (code),
  currency char(3) NOT NULL,
  -- Debit positive, credit negative.
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  PRIMARY KEY (entry_id, line_no)
);

-- Every statement that inserts journal lines must insert whole, balanced entries.
CREATE FUNCTION journal_lines_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
  SELECT entry_id, currency, sum(amount_cents) AS net INTO bad
    FROM (SELECT l.entry_id, l.currency, l.amount_cents FROM journal_lines l
          WHERE l.entry_id IN (SELECT DISTINCT entry_id FROM new_lines)) x
    GROUP BY entry_id, currency HAVING sum(amount_cents) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'journal entry % does not balance in %: net %', bad.entry_id, bad.currency, bad.net
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION journal_lines_balanced();

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'token', 'cli', 'system')),
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  customer_id bigint,
  before jsonb,
  after jsonb,
  source text
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_customer ON audit_log (customer_id) WHERE customer_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor, at);

-- Posted records are immutable: corrections are reversals.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are append-only (% refused)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = '55000';
END $$;
CREATE TRIGGER applications_append_only BEFORE UPDATE OR DELETE ON applications
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON journal_lines
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

-- A posted document may only have its open amount maintained, and an unidentified payment
-- may be assigned to a customer once.
CREATE FUNCTION documents_posted_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'documents are append-only (DELETE refused)' USING ERRCODE = '55000';
  END IF;
  IF NEW.amount_cents <> OLD.amount_cents OR NEW.type <> OLD.type
     OR NEW.document_date <> OLD.document_date OR NEW.currency <> OLD.currency
     OR NEW.number <> OLD.number
     OR (OLD.customer_id IS NOT NULL AND NEW.customer_id IS DISTINCT FROM OLD.customer_id) THEN
    RAISE EXCEPTION 'document % is posted: only its open amount may change', OLD.id
      USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER documents_posted_guard BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_posted_guard();
