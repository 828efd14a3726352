-- Cash application, continued: remittance advices that arrive apart from their money (an X12 820
-- whose deposit comes in a BAI2, camt or NACHA file), and payments split across customers.

-- An 820 is the payer's advice, not the bank's confirmation: its payment is kept here until the
-- deposit it describes is found (by trace number, else by amount, payer and date), in either
-- order of arrival. Linking merges the advice's lines into the payment's remittance and keeps
-- what the payment had before, so the bank's own remittance is never lost.
CREATE TABLE remittance_advices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bank_file_id bigint NOT NULL REFERENCES bank_files (id),
  seq integer NOT NULL,
  -- TRN02: the check or EFT trace number the deposit should carry.
  trace_number text,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  -- BPR16 (effective entry date), else the 820's header date.
  payment_date date,
  method text NOT NULL,
  payer_name text,
  payer_id text,
  payer_account text,
  payer_bank_id text,
  remittance jsonb NOT NULL,
  source_record jsonb,
  payment_id bigint REFERENCES documents (id),
  link_rule text CHECK (link_rule IN ('trace', 'amount_payer', 'manual')),
  link_reasons jsonb NOT NULL DEFAULT '[]',
  payment_remittance_before jsonb,
  linked_by text,
  linked_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bank_file_id, seq),
  CHECK ((payment_id IS NULL) = (link_rule IS NULL)),
  CHECK ((payment_id IS NULL) = (linked_at IS NULL))
);
CREATE UNIQUE INDEX remittance_advices_payment ON remittance_advices (payment_id)
  WHERE payment_id IS NOT NULL;
CREATE INDEX remittance_advices_unlinked ON remittance_advices (currency, amount_cents)
  WHERE payment_id IS NULL;
CREATE INDEX remittance_advices_unlinked_trace ON remittance_advices (document_key(trace_number))
  WHERE payment_id IS NULL AND trace_number IS NOT NULL;
-- A deposit found by its references (an advice arriving after its money).
CREATE INDEX bank_payments_check_number ON bank_payments (document_key(check_number))
  WHERE check_number IS NOT NULL;

-- A payment split across customers (src/cashapp/split-payment.ts). The ledger rows are the
-- record (documents and applications, never changed); these rows say which belong together so
-- that the split can be shown and undone by reversal.
CREATE TABLE payment_splits (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id bigint NOT NULL REFERENCES documents (id),
  split_on date NOT NULL,
  -- The unapplied cash that was divided.
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL CHECK (status IN ('split', 'reversed')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  reversed_on date,
  reverse_reason text,
  reversed_by text,
  reversed_at timestamptz,
  CHECK ((status = 'reversed') = (reversed_on IS NOT NULL AND reverse_reason IS NOT NULL))
);
CREATE INDEX payment_splits_payment ON payment_splits (payment_id);

-- One part per customer. A part of the payment's own customer stays on the payment (no payment
-- or transfer of its own); any other part moved by a transfer item of its customer, which the
-- original payment paid (transfer_application_id), to a new payment of that customer.
CREATE TABLE payment_split_parts (
  split_id bigint NOT NULL REFERENCES payment_splits (id),
  part_no smallint NOT NULL CHECK (part_no > 0),
  customer_id bigint NOT NULL REFERENCES customers (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  payment_id bigint REFERENCES documents (id),
  transfer_document_id bigint REFERENCES documents (id),
  transfer_application_id bigint REFERENCES applications (id),
  -- The applications to the customer's items made with the split.
  application_ids bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (split_id, part_no),
  UNIQUE (split_id, customer_id),
  CHECK ((payment_id IS NULL) = (transfer_document_id IS NULL)),
  CHECK ((payment_id IS NULL) = (transfer_application_id IS NULL))
);
CREATE UNIQUE INDEX payment_split_parts_payment ON payment_split_parts (payment_id)
  WHERE payment_id IS NOT NULL;
