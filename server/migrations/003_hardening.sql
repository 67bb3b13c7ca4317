-- Hardening II: sign-in throttling every node shares, known devices, session idle time, telemetry retention.
-- Runs on PGlite and on PostgreSQL 15+.

-- Emails are stored normalised (shared/core/normalizeEmail.ts: NFKC, then lower case) and looked up by
-- equality, so the sign-in lookup and the throttle's key can never disagree on which account an
-- unusual spelling names. Existing rows were written in lower case already; this catches any that were not.
UPDATE agents SET email = lower(normalize(btrim(email), NFKC)) WHERE email <> lower(normalize(btrim(email), NFKC));
CREATE UNIQUE INDEX IF NOT EXISTS agents_email_normalised_key ON agents (email);

-- Failed sign-ins, by key ('account:<agent id or email>', 'pair:<account>|<address or device>'): how many,
-- and until when the key must wait. A row is written before the password is checked (the attempt is
-- reserved), so concurrent guesses cannot all pass one check.
CREATE TABLE IF NOT EXISTS sign_in_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  blocked_until timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS sign_in_throttle_updated_idx ON sign_in_throttle (updated_at);

-- Browsers an agent signed in from before (an HttpOnly cookie holds the token; only its hash is here):
-- strangers' failures do not slow such a device down.
CREATE TABLE IF NOT EXISTS known_devices (
  token_hash text PRIMARY KEY,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS known_devices_agent_idx ON known_devices (agent_id);

-- Sessions end after a time without use, as well as at their expiry.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS last_used_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX IF NOT EXISTS sessions_agent_idx ON sessions (agent_id, created_at);

-- Telemetry: the retention job deletes by arrival time; a per-tenant daily quota counts what was stored.
CREATE INDEX IF NOT EXISTS client_events_received_idx ON client_events (received_at);
CREATE TABLE IF NOT EXISTS client_event_quota (
  tenant_id uuid NOT NULL,
  day date NOT NULL,
  stored integer NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
