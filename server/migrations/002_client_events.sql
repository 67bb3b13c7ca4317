-- Client telemetry (POST /api/telemetry): what agents' browsers saw — reachability changes, breaker
-- changes, CDN failovers, outbox health — kept for the incident timeline. Each event has the id its
-- browser gave it, so a batch replayed after an offline period (Background Sync) is stored once.
CREATE TABLE IF NOT EXISTS client_events (
  tenant_id uuid NOT NULL,
  id uuid NOT NULL,
  agent_id uuid NOT NULL,
  kind text NOT NULL,
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  detail jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX IF NOT EXISTS client_events_tenant_at_idx ON client_events (tenant_id, at);
