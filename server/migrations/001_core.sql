-- The framework's own tables, which every app on the reference server needs: tenants, the people who
-- sign in ("agents": the framework's word for a signed-in user, whatever the app calls them), their
-- sessions, the record of applied actions that makes replay exactly-once, the change sequence that
-- delta sync reads, and server-side settings.
--
-- Every statement is IF NOT EXISTS and the shapes are the final ones of the workspace's migrations
-- 001–003 (which created these tables before the framework had a migration set of its own): on the
-- workspace's databases this file changes nothing; a new app's database gets them from here.
-- Runs on PGlite and on PostgreSQL 15+.

CREATE TABLE IF NOT EXISTS tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- An email signs in to exactly one tenant.
CREATE UNIQUE INDEX IF NOT EXISTS agents_email_key ON agents (lower(email));
CREATE INDEX IF NOT EXISTS agents_tenant_idx ON agents (tenant_id);

CREATE TABLE IF NOT EXISTS sessions (
  token_hash text PRIMARY KEY,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_idx ON sessions (expires_at);

-- One sequence orders every change a tenant's clients must learn of; delta sync reads "since cursor".
CREATE SEQUENCE IF NOT EXISTS change_seq;

-- "At most once": the primary key on (tenant, the client's action id) makes a replayed action a
-- duplicate, in any server process, however often it arrives.
CREATE TABLE IF NOT EXISTS applied_actions (
  id uuid NOT NULL,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  target_id uuid NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  client_created_at timestamptz NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);

-- Server-side secrets and settings shared by every server process on this database.
CREATE TABLE IF NOT EXISTS server_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
