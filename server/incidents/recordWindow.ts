import { createHash } from 'node:crypto';
import type { Queryable } from '../db/Database.js';
import { seriesNames } from './draftReport.js';
import type { IncidentEvent, IncidentRecording, IncidentSeries } from './incident.js';
import { alertEvents, collectSeries } from './collectSeries.js';

export type WindowOptions = { from: number; to: number; title: string; prometheusUrl?: string };

/** The longest window a report covers: a week of telemetry is what the purge job keeps at the least. */
const maxWindowMs = 7 * 24 * 3_600_000;
/** The most client events one report reads (the first of the window); the timeline says when it stopped there. */
const maxClientEvents = 5000;

/**
 * A real incident, recorded after the fact from a time window: the devices' telemetry stored in
 * `client_events` (reachability, outbox health, breakers, failovers; devices named by a hash, never by
 * the agent: a hash of their id, so one agent's devices are one), and, where Prometheus is given, its metrics and alerts over the window.
 */
export async function recordWindow(db: Queryable, options: WindowOptions): Promise<IncidentRecording> {
  const { from, to } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error('The window needs --from and --to as dates (ISO 8601, e.g. 2026-12-04T14:00:00Z).');
  if (to <= from) throw new Error('The window ends after it starts: --to must be later than --from.');
  if (to - from > maxWindowMs) throw new Error('The window is longer than 7 days: narrow it to the incident.');
  if (!options.title.trim()) throw new Error('The incident needs a title (--title).');
  const { rows } = await db.query<{ agent_id: string; kind: string; at: Date; detail: Record<string, unknown> }>(
    `SELECT agent_id, kind, at, detail FROM client_events WHERE at >= to_timestamp($1 / 1000.0) AND at <= to_timestamp($2 / 1000.0) ORDER BY at LIMIT $3`,
    [from, to, maxClientEvents],
  );
  const events: IncidentEvent[] = [];
  const latestDepth = new Map<string, number>();
  const depth: [number, number][] = [];
  for (const row of rows) {
    const source = `device:${createHash('sha256').update(row.agent_id).digest('hex').slice(0, 8)}`;
    const at = row.at.getTime();
    const { detail } = row;
    if (row.kind === 'reachability') events.push({ at, source, kind: 'connection', detail: String(detail.to) });
    else if (row.kind === 'outbox') {
      const pending = Number(detail.pending) || 0;
      events.push({ at, source, kind: pending > 0 ? 'outbox waiting' : 'outbox drained', ...(pending > 0 ? { detail: String(pending) } : {}) });
      latestDepth.set(source, pending);
      depth.push([at, [...latestDepth.values()].reduce((sum, value) => sum + value, 0)]);
    } else if (row.kind === 'breaker') events.push({ at, source, kind: 'breaker', detail: `${String(detail.host ?? detail.feature)} ${String(detail.to)}` });
    else if (row.kind === 'failover')
      events.push({ at, source, kind: 'failover', detail: `${String(detail.from ?? '?')} → ${String(detail.host ?? detail.to)}` });
  }
  if (rows.length === maxClientEvents)
    events.push({
      at: rows.at(-1)!.at.getTime(),
      source: 'recorder',
      kind: 'telemetry cut off',
      detail: `the first ${maxClientEvents} device events of the window are read`,
    });
  const series: IncidentSeries[] = [];
  if (options.prometheusUrl) {
    const stepSeconds = Math.max(15, Math.ceil((to - from) / 1000 / 300));
    // Each rate() spans at least its step, so no sample between two steps is skipped.
    series.push(...(await collectSeries(options.prometheusUrl, from, to, stepSeconds, `${Math.max(60, stepSeconds)}s`)));
    events.push(...(await alertEvents(options.prometheusUrl, from, to, stepSeconds)));
  }
  if (depth.length > 0)
    series.push({ name: seriesNames.outbox, query: "client_events kind 'outbox': pending, summed over devices", origin: 'devices', points: depth });
  return { title: options.title, source: 'window', startedAt: from, endedAt: to, findings: {}, events, series };
}
