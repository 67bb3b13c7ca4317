/** One moment of an incident: who saw it (`chaos`, `agent:<who>`, `device:<hash>`, `server`, `prometheus`), what, and when (epoch ms). */
export type IncidentEvent = { at: number; source: string; kind: string; detail?: string };

/**
 * One metric over the incident: its name in the report, where it came from (`query`: PromQL when `origin`
 * is Prometheus, else a description of what the devices reported), and its points ([epoch ms, value]).
 */
export type IncidentSeries = { name: string; query: string; origin: 'prometheus' | 'devices'; points: [number, number][] };

/** A check the recorder ran (a chaos scenario's invariants), with its verdict and figure. */
export type IncidentCheck = { name: string; ok: boolean; figure: string };

/** What the recorder knew beyond the timeline. A real incident's window has none of it. */
export type IncidentFindings = {
  /** A chaos scenario: what it broke, on purpose. */
  fault?: string;
  checks?: IncidentCheck[];
  /** The alerts the fault should have raised (deploy/prometheus/alerts.yml). */
  expectedAlerts?: string[];
  /** The longest an alert may take to fire after the impact began before it counts as late. */
  alertGoalMs?: number;
};

/** Where an incident came from: a chaos run, or a real incident's time window. */
export type IncidentSource = 'chaos' | 'window';

/** An incident as recorded: its window, its timeline and its metrics. */
export type IncidentRecording = {
  title: string;
  source: IncidentSource;
  startedAt: number;
  endedAt: number;
  findings: IncidentFindings;
  events: IncidentEvent[];
  series: IncidentSeries[];
};

/** A stored incident: its recording, its id, and its report (a draft until published). */
export type Incident = IncidentRecording & {
  id: string;
  status: 'draft' | 'published';
  reportMarkdown: string | null;
  publishedAt: number | null;
};
