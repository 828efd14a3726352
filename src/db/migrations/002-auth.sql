-- Sign-in, roles and API access: users, browser sessions, API tokens, failed sign-in attempts
-- (rate limiting shared by every app instance), and idempotency keys for HTTP writes.
-- Secrets are never stored: passwords as scrypt hashes, session and API tokens as SHA-256.

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
  -- Also the name customers.collector / customers.sales_rep use for this person's portfolio.
  display_name text NOT NULL CHECK (display_name <> ''),
  role text NOT NULL CHECK (role IN ('admin', 'ar_manager', 'credit_manager', 'collector',
    'cash_application', 'sales_rep', 'auditor')),
  -- "scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>": parameters travel with the hash.
  password_hash text NOT NULL,
  disabled_at timestamptz,
  last_sign_in_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  -- SHA-256 (hex) of the cookie's random token: a database reader cannot sign in with it.
  token_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  source text,
  user_agent text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  name text NOT NULL CHECK (name <> ''),
  token_hash text NOT NULL UNIQUE,
  -- The token's first characters, so people can tell their tokens apart.
  prefix text NOT NULL,
  -- Permission names; the token may do what its owner's role allows AND its scopes list.
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- One row per failed (or in-flight) sign-in, keyed by username and by client address. Rows older
-- than the lockout window are deleted as attempts come in (sign_in_failures_at).
CREATE TABLE sign_in_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('username', 'ip')),
  key text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (kind, key, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);

-- A write's Idempotency-Key per principal ("user:<id>" or "token:<id>"), with a hash of the
-- request; the stored answer is replayed for a retry of the same request.
CREATE TABLE idempotency_keys (
  principal text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  -- NULL while the first request is still running.
  status_code integer,
  content_type text,
  body text,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (principal, key)
);
