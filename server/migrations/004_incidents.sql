-- Incidents: one timeline per incident (a chaos run, or a real incident's time window), kept where the
-- telemetry is, and the outage report drafted from it. A report stays a draft until a person has edited
-- and published it; /status lists the published ones. Operator data, across tenants: no tenant column,
-- and nothing a real incident's report records names an agent or a customer (devices appear by a hash of
-- the agent's id). A chaos run's timeline names its own test agents.
CREATE TABLE IF NOT EXISTS incidents (
  id uuid PRIMARY KEY,
  title text NOT NULL,
  source text NOT NULL CHECK (source IN ('chaos', 'window')),
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL CHECK (ended_at >= started_at),
  -- What the recorder knew beyond the timeline: a chaos scenario's fault and the checks it ran.
  findings jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  -- The report: as drafted, then as edited; its text when published is what /status shows.
  report_markdown text,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX IF NOT EXISTS incidents_published_idx ON incidents (published_at DESC) WHERE status = 'published';

-- The timeline: every moment in order (fault marks, what pages saw, alerts, server events).
CREATE TABLE IF NOT EXISTS incident_events (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  at timestamptz NOT NULL,
  source text NOT NULL,
  kind text NOT NULL,
  detail text,
  PRIMARY KEY (incident_id, seq)
);

-- The metrics over the incident, one row a series: where it came from (a PromQL expression, or what
-- the devices reported) and its points as [epoch ms, value] pairs, so a report can be drawn again after Prometheus
-- has dropped the samples.
CREATE TABLE IF NOT EXISTS incident_series (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  name text NOT NULL,
  query text NOT NULL,
  origin text NOT NULL CHECK (origin IN ('prometheus', 'devices')),
  points jsonb NOT NULL,
  PRIMARY KEY (incident_id, name)
);
