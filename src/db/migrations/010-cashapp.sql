-- Cash application: bank files as received, the payments they posted with their remittance,
-- match proposals with their reasons, what clerks taught about payer accounts, the research
-- queue, deductions opened from short pays, and returned (NSF) payments.

-- Proposals at or above this confidence (0-100) are applied without a clerk.
INSERT INTO settings (key, value) VALUES ('cashapp_auto_apply_confidence_min', '90')
  ON CONFLICT (key) DO NOTHING;
-- A short pay is written off when at most this many cents and this many basis points of the
-- item's open amount (never beyond small_balance_write_off_max_cents); else it is a deduction.
INSERT INTO settings (key, value) VALUES ('cashapp_write_off_tolerance_cents', '500')
  ON CONFLICT (key) DO NOTHING;
INSERT INTO settings (key, value) VALUES ('cashapp_write_off_tolerance_bp', '100')
  ON CONFLICT (key) DO NOTHING;
-- Returned item (NSF: non-sufficient funds) fee: the fee charged, capped at the legal maximum
-- (Nevada NRS 597.960: $25). 0 charges none.
INSERT INTO settings (key, value) VALUES ('returned_item_fee_cents', '2500')
  ON CONFLICT (key) DO NOTHING;
INSERT INTO settings (key, value) VALUES ('returned_item_fee_max_cents', '2500')
  ON CONFLICT (key) DO NOTHING;
-- Put the customer on credit hold (customers.status = 'on_hold') when a payment is returned.
INSERT INTO settings (key, value) VALUES ('returned_item_credit_hold', 'false')
  ON CONFLICT (key) DO NOTHING;

-- A file exactly as received: the bytes and their SHA-256 (the same file twice is one row).
CREATE TABLE bank_files (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  file_name text NOT NULL,
  format text NOT NULL,
  format_version text,
  file_id text,
  raw bytea NOT NULL,
  size_bytes integer NOT NULL,
  receipt_count integer NOT NULL,
  return_count integer NOT NULL,
  controls_tie boolean NOT NULL,
  warnings jsonb NOT NULL DEFAULT '[]',
  imported_by text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

-- What the bank said about a payment document: one row per payment posted from a bank file (or
-- entered by hand and sent through matching). `queue_state` is the research queue:
-- review (waits for a clerk), applied (nothing left to do), on_account (unapplied cash the
-- customer keeps on account), unidentified (no customer found yet), returned (NSF).
CREATE TABLE bank_payments (
  document_id bigint PRIMARY KEY REFERENCES documents (id),
  bank_file_id bigint REFERENCES bank_files (id),
  seq integer NOT NULL,
  bank_reference text,
  customer_reference text,
  check_number text,
  payer_name text,
  payer_account text,
  payer_bank_id text,
  payer_id text,
  value_date date NOT NULL,
  remittance jsonb NOT NULL,
  source_record jsonb,
  queue_state text NOT NULL DEFAULT 'review'
    CHECK (queue_state IN ('review', 'applied', 'on_account', 'unidentified', 'returned')),
  state_changed_at timestamptz NOT NULL DEFAULT now(),
  state_changed_by text NOT NULL,
  UNIQUE (bank_file_id, seq)
);
CREATE INDEX bank_payments_queue ON bank_payments (queue_state, value_date)
  WHERE queue_state <> 'applied';
CREATE INDEX bank_payments_bank_reference ON bank_payments (bank_reference)
  WHERE bank_reference IS NOT NULL;
CREATE INDEX bank_payments_customer_reference ON bank_payments (customer_reference)
  WHERE customer_reference IS NOT NULL;

-- The engine's proposal for a payment, with the rule, confidence and reasons. Allocations name
-- documents by id: [{documentId, appliedCents, discountCents, writeOffCents}].
CREATE TABLE match_proposals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id bigint NOT NULL REFERENCES documents (id),
  customer_id bigint REFERENCES customers (id),
  rule text NOT NULL,
  confidence smallint NOT NULL CHECK (confidence BETWEEN 0 AND 100),
  customer_confidence smallint NOT NULL CHECK (customer_confidence BETWEEN 0 AND 100),
  reasons jsonb NOT NULL,
  allocations jsonb NOT NULL,
  deductions jsonb NOT NULL,
  unapplied_cents bigint NOT NULL,
  status text NOT NULL
    CHECK (status IN ('auto_applied', 'pending', 'accepted', 'rejected', 'superseded')),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by text
);
CREATE INDEX match_proposals_payment ON match_proposals (payment_id, id);

-- Learned from clerks: this payer bank account (normalized) pays for this customer.
CREATE TABLE payer_mappings (
  payer_account text NOT NULL,
  customer_id bigint NOT NULL REFERENCES customers (id),
  confirmations integer NOT NULL DEFAULT 1 CHECK (confirmations > 0),
  last_confirmed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (payer_account, customer_id)
);

CREATE TABLE payment_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id bigint NOT NULL REFERENCES documents (id),
  note text NOT NULL CHECK (note <> ''),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_notes_payment ON payment_notes (payment_id);

-- A short pay beyond tolerance: the deduction document opened for the collector, the invoice it
-- came from and the reason code.
CREATE TABLE deduction_items (
  document_id bigint PRIMARY KEY REFERENCES documents (id),
  payment_id bigint NOT NULL REFERENCES documents (id),
  invoice_id bigint NOT NULL REFERENCES documents (id),
  reason_code text NOT NULL,
  transfer_document_id bigint NOT NULL REFERENCES documents (id)
);

-- A returned or reversed payment (NSF and the other ACH return reasons, camt reversals).
-- `reopened` keeps exactly what the payment had paid ([{debitId, amountCents}]) so a redeposit
-- can re-apply it.
CREATE TABLE payment_returns (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  bank_file_id bigint REFERENCES bank_files (id),
  seq integer NOT NULL,
  payment_id bigint REFERENCES documents (id),
  kind text NOT NULL,
  reason_code text,
  reason_text text,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  returned_on date NOT NULL,
  original_reference text,
  reversal_document_id bigint REFERENCES documents (id),
  fee_document_id bigint REFERENCES documents (id),
  reopened jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('reversed', 'unmatched', 'redeposited')),
  redeposit_payment_id bigint REFERENCES documents (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (bank_file_id, seq)
);
CREATE UNIQUE INDEX payment_returns_payment ON payment_returns (payment_id)
  WHERE payment_id IS NOT NULL;

-- Notifications to send (customer, sales rep) until a mailer picks them up.
CREATE TABLE cashapp_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  recipient text NOT NULL,
  customer_id bigint REFERENCES customers (id),
  subject text NOT NULL,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX cashapp_outbox_unsent ON cashapp_outbox (id) WHERE sent_at IS NULL;
