-- Client-chosen ids are unique within a tenant, not across tenants. An action id (and the message id
-- derived from it) that another tenant happened to use first made a send answer `duplicate` and never
-- be stored — a silent loss — and told the sender that the id exists elsewhere. Keyed by tenant, an id
-- one tenant used can neither block nor reveal anything to another.
ALTER TABLE applied_actions DROP CONSTRAINT applied_actions_pkey;
ALTER TABLE applied_actions ADD PRIMARY KEY (tenant_id, id);

ALTER TABLE messages DROP CONSTRAINT messages_pkey;
ALTER TABLE messages ADD PRIMARY KEY (tenant_id, id);

-- Expired sessions are purged by the server (server/auth/sessionPurge.ts); this makes that cheap.
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
