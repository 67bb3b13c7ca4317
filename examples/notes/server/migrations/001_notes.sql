-- The app's one table; the framework's core set (tenants, agents, applied actions, change_seq) runs first.
-- Ids are chosen by the page (a note is written offline), so they are unique per tenant.
CREATE TABLE notes (
  id uuid NOT NULL,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  owner_id uuid NOT NULL REFERENCES agents(id),
  text text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX notes_tenant_seq_idx ON notes (tenant_id, change_seq);
