-- The cross-account collections queues (src/http/routes/collections-queues.ts): approval of
-- credit memo requests on disputes, acknowledging and resolving escalations, recoveries an
-- agency reports on a placement, and the indexes the queues read by.

-- A credit memo resolution above credit_memo_approval_above_cents asked for by someone who is not
-- a manager waits here; approving it resolves the dispute (credit_memo_requested) in the same
-- transaction. At most one pending request per dispute.
CREATE TABLE credit_memo_approvals (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dispute_id bigint NOT NULL REFERENCES disputes (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  currency char(3) NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  note text,
  requested_by text NOT NULL,
  requested_on date NOT NULL,
  decided_by text,
  decided_on date,
  decision_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'pending') = (decided_by IS NULL))
);
CREATE UNIQUE INDEX credit_memo_approvals_one_pending ON credit_memo_approvals (dispute_id)
  WHERE status = 'pending';
CREATE INDEX credit_memo_approvals_dispute ON credit_memo_approvals (dispute_id, id);

-- Escalations keep status open/closed (readers count open ones); acknowledging an open one
-- records who took it on, resolving closes it with a note.
ALTER TABLE escalations ADD COLUMN acknowledged_by text;
ALTER TABLE escalations ADD COLUMN acknowledged_at timestamptz;
ALTER TABLE escalations ADD COLUMN acknowledge_note text;
ALTER TABLE escalations ADD COLUMN resolved_by text;
ALTER TABLE escalations ADD COLUMN resolved_at timestamptz;
ALTER TABLE escalations ADD COLUMN resolution_note text;
UPDATE escalations SET resolved_at = created_at WHERE status = 'closed' AND resolved_at IS NULL;
ALTER TABLE escalations ADD CONSTRAINT escalations_resolved_when_closed
  CHECK ((status = 'closed') = (resolved_at IS NOT NULL));
CREATE INDEX escalations_created ON escalations (created_at DESC, id DESC);

-- What the agency reports it recovered on a placement, one row per report; the placement's
-- recovered_cents is their sum (kept in the same transaction as each insert).
CREATE TABLE agency_recoveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  placement_id bigint NOT NULL REFERENCES agency_placements (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  recovered_on date NOT NULL,
  note text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agency_recoveries_placement ON agency_recoveries (placement_id, recovered_on);

-- The queues' access paths: active disputes by age, decided write-off requests newest first,
-- placements by date, dunning runs newest first.
CREATE INDEX disputes_active_opened ON disputes (opened_on, id)
  WHERE status IN ('open', 'in_review');
CREATE INDEX write_off_requests_decided ON write_off_requests (decided_on DESC, id DESC)
  WHERE status <> 'pending';
CREATE INDEX agency_placements_placed_on ON agency_placements (placed_on DESC, id DESC);
CREATE INDEX dunning_runs_started ON dunning_runs (started_at DESC, id DESC);
