-- The reference server's data model. Runs on PGlite (PostgreSQL 18) and PostgreSQL 15+ alike:
-- gen_random_uuid() is core since 13; uuidv7() is 18-only and not used.

CREATE TABLE tenants (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- An email signs in to exactly one tenant.
CREATE UNIQUE INDEX agents_email_key ON agents (lower(email));
CREATE INDEX agents_tenant_idx ON agents (tenant_id);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- One sequence orders every change a tenant's clients must learn of; delta sync reads "since cursor".
CREATE SEQUENCE change_seq;

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  subject text NOT NULL,
  customer_name text NOT NULL,
  customer_email text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  assignee_id uuid REFERENCES agents(id),
  version integer NOT NULL DEFAULT 1,
  message_count integer NOT NULL DEFAULT 0,
  last_message_at timestamptz NOT NULL DEFAULT now(),
  last_message_preview text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX conversations_tenant_seq_idx ON conversations (tenant_id, change_seq);
CREATE INDEX conversations_tenant_recent_idx ON conversations (tenant_id, last_message_at DESC);

CREATE TABLE media (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  name text NOT NULL,
  content_type text NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  bytes bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  author_kind text NOT NULL CHECK (author_kind IN ('customer', 'agent')),
  author_agent_id uuid REFERENCES agents(id),
  author_name text NOT NULL,
  body text NOT NULL,
  -- [{ "mediaId", "name", "contentType", "width", "height" }]
  attachments jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  position bigint NOT NULL DEFAULT nextval('change_seq'),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq')
);
CREATE INDEX messages_conversation_idx ON messages (conversation_id, position);
CREATE INDEX messages_tenant_seq_idx ON messages (tenant_id, change_seq);

CREATE TABLE canned_replies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  title text NOT NULL,
  body text NOT NULL
);
CREATE INDEX canned_replies_tenant_idx ON canned_replies (tenant_id);

-- "At most once": the primary key on the client's action id is what makes a replayed action a
-- duplicate, in any server process, however often it arrives.
CREATE TABLE applied_actions (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  agent_id uuid NOT NULL REFERENCES agents(id),
  conversation_id uuid NOT NULL,
  type text NOT NULL,
  payload jsonb NOT NULL,
  client_created_at timestamptz NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Each change to a conversation, by version: the conflict rules read what others did since a version.
CREATE TABLE conversation_changes (
  conversation_id uuid NOT NULL REFERENCES conversations(id),
  version integer NOT NULL,
  kind text NOT NULL,
  actor_agent_id uuid REFERENCES agents(id),
  action_id uuid,
  detail jsonb NOT NULL DEFAULT '{}',
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, version)
);

-- Server-side secrets shared by every server process on this database (media URL signing).
CREATE TABLE server_settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO server_settings (key, value)
VALUES ('media_signing_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));
