-- Collections: the contact log, tasks, promises to pay, disputes, dunning, agency placements,
-- write-off requests and escalations (../shared/DESIGN.md "Collections model").
-- Amounts are bigint cents, positive; the ledger's documents stay the only money records.

-- Per-customer collections attributes the dunning conditions and the worklist read.
CREATE TABLE collection_profiles (
  customer_id bigint PRIMARY KEY REFERENCES customers (id),
  segment text,
  risk_class smallint CHECK (risk_class BETWEEN 1 AND 5),
  dunning_strategy_id bigint
);

CREATE TABLE activities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  kind text NOT NULL CHECK (kind IN ('call', 'email', 'fax', 'letter', 'visit', 'note')),
  outcome text CHECK (outcome IN ('promise', 'dispute', 'paid', 'left_message', 'no_answer',
    'wrong_number', 'refused', 'sent', 'failed')),
  contact_id bigint REFERENCES contacts (id),
  contact_name text,
  subject text,
  body text,
  follow_up_on date,
  -- The business date of the contact; created_at is the instant it was logged.
  occurred_on date NOT NULL,
  author text NOT NULL,
  source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'dunning', 'system')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_customer ON activities (customer_id, occurred_on DESC, id DESC);

CREATE TABLE activity_items (
  activity_id bigint NOT NULL REFERENCES activities (id),
  document_id bigint NOT NULL REFERENCES documents (id),
  PRIMARY KEY (activity_id, document_id)
);

CREATE TABLE tasks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  kind text NOT NULL CHECK (kind IN ('follow_up', 'broken_promise', 'dunning_call',
    'escalation', 'dispute')),
  title text NOT NULL,
  due_on date NOT NULL,
  assignee text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
  -- What created it (a promise, a dunning message, an escalation): at most one task per source.
  source_type text,
  source_id bigint,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  done_by text
);
CREATE INDEX tasks_assignee_open ON tasks (assignee, due_on) WHERE status = 'open';
CREATE INDEX tasks_customer_open ON tasks (customer_id) WHERE status = 'open';
CREATE UNIQUE INDEX tasks_one_per_source ON tasks (source_type, source_id, kind)
  WHERE source_type IS NOT NULL;

CREATE TABLE promises (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  promised_on date NOT NULL,
  made_on date NOT NULL,
  contact_name text,
  activity_id bigint REFERENCES activities (id),
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'kept', 'partially_kept', 'broken', 'cancelled')),
  paid_cents bigint NOT NULL DEFAULT 0,
  evaluated_on date,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (promised_on >= made_on)
);
CREATE INDEX promises_customer ON promises (customer_id, promised_on DESC);
CREATE INDEX promises_open ON promises (promised_on) WHERE status = 'open';
CREATE INDEX promises_made_on ON promises (made_on, created_by);

CREATE TABLE promise_items (
  promise_id bigint NOT NULL REFERENCES promises (id),
  document_id bigint NOT NULL REFERENCES documents (id),
  PRIMARY KEY (promise_id, document_id)
);
CREATE INDEX promise_items_document ON promise_items (document_id);

CREATE TABLE disputes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  kind text NOT NULL DEFAULT 'dispute' CHECK (kind IN ('dispute', 'deduction')),
  reason_code text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'in_review', 'resolved', 'closed')),
  resolution text CHECK (resolution IN ('credit_memo_requested', 'rebill', 'valid_to_collect')),
  -- Routed to: the sales rep, or another department ("pricing", "logistics").
  owner text,
  opened_on date NOT NULL,
  resolved_on date,
  closed_on date,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((resolution IS NULL) = (status IN ('open', 'in_review')))
);
CREATE INDEX disputes_customer_active ON disputes (customer_id)
  WHERE status IN ('open', 'in_review');
CREATE INDEX disputes_owner_active ON disputes (owner) WHERE status IN ('open', 'in_review');

-- The part of each item a dispute holds out of the collectible past due.
CREATE TABLE dispute_items (
  dispute_id bigint NOT NULL REFERENCES disputes (id),
  document_id bigint NOT NULL REFERENCES documents (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (dispute_id, document_id)
);
CREATE INDEX dispute_items_document ON dispute_items (document_id);

CREATE TABLE dispute_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dispute_id bigint NOT NULL REFERENCES disputes (id),
  body text NOT NULL,
  author text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_notes_dispute ON dispute_notes (dispute_id);

CREATE TABLE dunning_strategies (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  is_default boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX dunning_strategies_one_default ON dunning_strategies (is_default)
  WHERE is_default;
ALTER TABLE collection_profiles ADD CONSTRAINT collection_profiles_strategy
  FOREIGN KEY (dunning_strategy_id) REFERENCES dunning_strategies (id);

-- A step fires for an open item `offset_days` after its due date (negative: before it).
CREATE TABLE dunning_steps (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  strategy_id bigint NOT NULL REFERENCES dunning_strategies (id),
  name text NOT NULL,
  offset_days integer NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'letter', 'fax', 'call_task')),
  template text NOT NULL,
  action text NOT NULL DEFAULT 'none' CHECK (action IN ('none', 'credit_hold', 'agency_referral')),
  segments text[],
  risk_class_min smallint CHECK (risk_class_min BETWEEN 1 AND 5),
  min_amount_cents bigint NOT NULL DEFAULT 0 CHECK (min_amount_cents >= 0),
  skip_disputed boolean NOT NULL DEFAULT true,
  UNIQUE (strategy_id, name)
);

-- One row per run. `run_key` is the schedule slot ("daily:2026-11-20") or a manual run's key:
-- the instance whose INSERT wins runs it; the others see the key taken and do nothing.
CREATE TABLE dunning_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_key text NOT NULL UNIQUE,
  as_of date NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  message_count integer NOT NULL DEFAULT 0,
  send_count integer NOT NULL DEFAULT 0,
  started_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- One consolidated message per customer per run.
CREATE TABLE dunning_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id bigint NOT NULL REFERENCES dunning_runs (id),
  customer_id bigint NOT NULL REFERENCES customers (id),
  step_id bigint NOT NULL REFERENCES dunning_steps (id),
  channel text NOT NULL,
  template text NOT NULL,
  total_cents bigint NOT NULL,
  currency char(3) NOT NULL,
  recipient text,
  -- queued: to deliver; sent: delivered; task: a call task created; failed: see error.
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'sent', 'task', 'failed', 'no_recipient')),
  error text,
  activity_id bigint REFERENCES activities (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, customer_id)
);
CREATE INDEX dunning_messages_customer ON dunning_messages (customer_id);

-- Every (step, item) ever sent: the key that makes a rerun send nothing new.
CREATE TABLE dunning_sends (
  customer_id bigint NOT NULL REFERENCES customers (id),
  step_id bigint NOT NULL REFERENCES dunning_steps (id),
  document_id bigint NOT NULL REFERENCES documents (id),
  message_id bigint NOT NULL REFERENCES dunning_messages (id),
  PRIMARY KEY (customer_id, step_id, document_id)
);

CREATE TABLE agency_placements (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  agency text NOT NULL,
  placed_on date NOT NULL,
  placed_cents bigint NOT NULL CHECK (placed_cents > 0),
  currency char(3) NOT NULL,
  -- Basis points of recoveries (2500 = 25%).
  commission_bp integer NOT NULL CHECK (commission_bp BETWEEN 0 AND 10000),
  recovered_cents bigint NOT NULL DEFAULT 0 CHECK (recovered_cents >= 0),
  status text NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'recalled')),
  recalled_on date,
  recall_reason text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'recalled') = (recalled_on IS NOT NULL))
);
CREATE UNIQUE INDEX agency_placements_one_active ON agency_placements (customer_id)
  WHERE status = 'placed';

CREATE TABLE write_off_requests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  reason text NOT NULL CHECK (reason <> ''),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by text NOT NULL,
  requested_on date NOT NULL,
  decided_by text,
  decided_on date,
  write_off_document_id bigint REFERENCES documents (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX write_off_requests_pending ON write_off_requests (requested_on)
  WHERE status = 'pending';

CREATE TABLE write_off_request_items (
  request_id bigint NOT NULL REFERENCES write_off_requests (id),
  document_id bigint NOT NULL REFERENCES documents (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  PRIMARY KEY (request_id, document_id)
);

CREATE TABLE escalations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  note text NOT NULL CHECK (note <> ''),
  escalated_to text,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX escalations_open ON escalations (escalated_to) WHERE status = 'open';

-- Scheduled collections jobs other than dunning (the nightly promise evaluation): one row per
-- job and slot, so it runs once however many instances try.
CREATE TABLE collection_job_runs (
  job text NOT NULL,
  slot text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result jsonb,
  PRIMARY KEY (job, slot)
);

INSERT INTO settings (key, value) VALUES
  ('promise_grace_days', '3'),
  ('credit_memo_approval_above_cents', '100000'),
  ('write_off_approval_limits', '{"admin": null, "credit_manager": 2500000, "ar_manager": 1000000}')
  ON CONFLICT (key) DO NOTHING;

INSERT INTO dunning_strategies (name, is_default) VALUES ('standard', true);
INSERT INTO dunning_steps (strategy_id, name, offset_days, channel, template, action)
SELECT s.id, v.name, v.offset_days, v.channel, v.template, v.action
FROM dunning_strategies s, (VALUES
  ('reminder', -5, 'email', 'reminder', 'none'),
  ('first notice', 1, 'email', 'overdue', 'none'),
  ('second notice', 15, 'email', 'overdue', 'none'),
  ('letter', 30, 'letter', 'overdue_letter', 'none'),
  ('call', 45, 'call_task', 'call', 'none'),
  ('final demand', 60, 'letter', 'final_demand', 'credit_hold'),
  ('agency referral', 90, 'call_task', 'agency_referral', 'agency_referral')
) AS v(name, offset_days, channel, template, action)
WHERE s.name = 'standard';
