-- Scheduled jobs (src/jobs/): one row per job and schedule slot, claimed by the instance whose
-- INSERT wins, so a slot runs once however many app instances tick it. A failed run keeps its
-- error and is claimed again by a later tick (up to the scheduler's attempt limit); a running
-- row whose heartbeat stopped (its instance died) may be claimed again too.
CREATE TABLE job_runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job text NOT NULL CHECK (job <> ''),
  -- "2026-11-20" for a daily job, "2026-W47" for a weekly one, anything for a run by hand.
  slot text NOT NULL CHECK (slot <> ''),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  -- The business date the run works as of.
  as_of date NOT NULL,
  -- Who claimed the last attempt: "scheduler@host:pid" or the CLI/API user.
  started_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result jsonb,
  -- The last failure's message; kept when a later attempt succeeds.
  error text,
  UNIQUE (job, slot),
  CHECK ((status = 'running') = (finished_at IS NULL))
);
CREATE INDEX job_runs_started ON job_runs (started_at DESC, id DESC);

-- Where a person's email goes (the sales-rep digest). Optional: a username that is an email
-- address is used when this is empty.
ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$');

-- One row per digest email a sales rep was sent (or that failed). The previous sent digest's
-- as_of and created_at are where the next one's "since" starts. A scheduled run names its
-- slot in run_key, so a retried run skips the reps it already reached.
CREATE TABLE sales_rep_digests (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The name customers.sales_rep and disputes.owner use (the user's display name).
  sales_rep text NOT NULL,
  user_id bigint REFERENCES users (id),
  run_key text,
  as_of date NOT NULL,
  since_on date NOT NULL,
  status text NOT NULL CHECK (status IN ('sent', 'failed')),
  recipient text NOT NULL,
  message_id text,
  error text,
  -- Counts per section, for the log and the next digest.
  summary jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_rep_digests_rep ON sales_rep_digests (sales_rep, created_at DESC);
CREATE UNIQUE INDEX sales_rep_digests_once_per_run ON sales_rep_digests (sales_rep, run_key)
  WHERE run_key IS NOT NULL AND status = 'sent';

-- The collector scorecard counts contacts logged by hand in a period (src/reports/).
CREATE INDEX activities_manual_occurred ON activities (occurred_on, author)
  WHERE source = 'manual';
