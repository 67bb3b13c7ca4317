-- Who is viewing a conversation, and who is typing in it: a heartbeat every few seconds from each agent
-- with the conversation open. Sheddable data: nothing depends on it, and a row older than its heartbeat
-- means nothing (readers ignore it; writers delete such rows as they go).
CREATE TABLE presence (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  agent_id uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  seen_at timestamptz NOT NULL DEFAULT now(),
  typing_until timestamptz,
  PRIMARY KEY (tenant_id, conversation_id, agent_id)
);
CREATE INDEX presence_seen_idx ON presence (seen_at);
