-- The task list's one table. The framework's core set (tenants, agents, applied actions, change_seq) runs
-- first. Ids are chosen by clients (a task is created offline), so they are unique per tenant.
CREATE TABLE tasks (
  id uuid NOT NULL,
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  title text NOT NULL,
  notes text NOT NULL DEFAULT '',
  done boolean NOT NULL DEFAULT false,
  assignee_id uuid REFERENCES agents(id),
  created_by uuid NOT NULL REFERENCES agents(id),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  change_seq bigint NOT NULL DEFAULT nextval('change_seq'),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tasks_tenant_seq_idx ON tasks (tenant_id, change_seq);
