import { randomUUID } from 'node:crypto';
import type { Executor, Queryable } from '../db/Database.js';
import type { Incident, IncidentRecording, IncidentSeries } from './incident.js';
import { ticketsPlaceholder } from './reportMarkdown.js';

/** What an incident id looks like (a UUID): anything else names no incident, and is not sent to the database. */
const incidentId = /^[0-9a-f-]{36}$/i;

type IncidentRow = {
  id: string;
  title: string;
  source: Incident['source'];
  started_at: Date;
  ended_at: Date;
  findings: Incident['findings'];
  status: Incident['status'];
  report_markdown: string | null;
  published_at: Date | null;
};

/**
 * Incidents in PostgreSQL (core migration 004): each one's timeline and metrics, recorded once, and its
 * report, drafted, edited and published. A published report is what /status shows; publishing needs a
 * person's hand (the ticket count is never the system's to fill in).
 */
export class IncidentStore {
  constructor(private readonly db: Queryable & { transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> }) {}

  /** Stores a recording (timeline and metrics, in one transaction); answers its id. */
  async record(recording: IncidentRecording): Promise<string> {
    if (!recording.title.trim()) throw new Error('An incident needs a title.');
    if (!(recording.endedAt >= recording.startedAt)) throw new Error('An incident ends after it starts.');
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO incidents (id, title, source, started_at, ended_at, findings) VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), $6)`,
        [id, recording.title, recording.source, recording.startedAt, recording.endedAt, JSON.stringify(recording.findings)],
      );
      const events = [...recording.events].sort((a, b) => a.at - b.at);
      if (events.length > 0)
        await tx.query(
          `INSERT INTO incident_events (incident_id, seq, at, source, kind, detail)
           SELECT $1, e.seq, to_timestamp(e.at / 1000.0), e.source, e.kind, e.detail
             FROM jsonb_to_recordset($2::jsonb) AS e(seq int, at double precision, source text, kind text, detail text)`,
          [id, JSON.stringify(events.map((event, seq) => ({ seq, ...event })))],
        );
      for (const series of recording.series)
        await tx.query(`INSERT INTO incident_series (incident_id, name, query, origin, points) VALUES ($1, $2, $3, $4, $5)`, [
          id,
          series.name,
          series.query,
          series.origin,
          JSON.stringify(series.points),
        ]);
    });
    return id;
  }

  /** The incident, with its timeline and metrics; undefined when no incident has this id. */
  async load(id: string): Promise<Incident | undefined> {
    if (!incidentId.test(id)) return undefined;
    const { rows } = await this.db.query<IncidentRow>('SELECT * FROM incidents WHERE id = $1', [id]);
    const row = rows[0];
    if (!row) return undefined;
    const events = await this.db.query<{ at: Date; source: string; kind: string; detail: string | null }>(
      'SELECT at, source, kind, detail FROM incident_events WHERE incident_id = $1 ORDER BY seq',
      [id],
    );
    const series = await this.db.query<IncidentSeries>('SELECT name, query, origin, points FROM incident_series WHERE incident_id = $1 ORDER BY name', [id]);
    return {
      ...fromRow(row),
      events: events.rows.map((event) => ({
        at: event.at.getTime(),
        source: event.source,
        kind: event.kind,
        ...(event.detail === null ? {} : { detail: event.detail }),
      })),
      series: series.rows,
    };
  }

  /** Keeps the drafted (or re-drafted) report of a draft. */
  async saveDraft(id: string, markdown: string): Promise<void> {
    const { rows } = await this.db.query(`UPDATE incidents SET report_markdown = $2 WHERE id = $1 AND status = 'draft' RETURNING 1`, [id, markdown]);
    if (rows.length === 0) throw new Error(`No draft incident ${id}: it does not exist, or it is published already.`);
  }

  /**
   * Publishes the report as a person edited it. Refused, changing nothing, while the number of support
   * tickets is still the placeholder, or when the incident does not exist or is already published.
   */
  async publish(id: string, markdown: string): Promise<void> {
    if (markdown.includes(ticketsPlaceholder))
      throw new Error('The report still says the number of support tickets is to be filled in: only a person knows it. Edit it, then publish.');
    if (!/^#\s+\S/m.test(markdown)) throw new Error('The report has no title line ("# …").');
    const { rows } = await this.db.query(
      `UPDATE incidents SET report_markdown = $2, status = 'published', published_at = now() WHERE id = $1 AND status = 'draft' RETURNING 1`,
      [id, markdown],
    );
    if (rows.length === 0) throw new Error(`No draft incident ${id}: it does not exist, or it is published already.`);
  }

  /** Every incident, newest first, draft or published (their reports left out). */
  async list(limit = 100): Promise<Omit<Incident, 'events' | 'series' | 'reportMarkdown'>[]> {
    const { rows } = await this.db.query<IncidentRow>(
      `SELECT id, title, source, started_at, ended_at, findings, status, NULL AS report_markdown, published_at FROM incidents ORDER BY started_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map(fromRow);
  }

  /** One published incident's title and report (undefined: none published with this id). */
  async publishedReport(id: string): Promise<{ title: string; markdown: string } | undefined> {
    if (!incidentId.test(id)) return undefined;
    const { rows } = await this.db.query<{ title: string; report_markdown: string }>(
      `SELECT title, report_markdown FROM incidents WHERE id = $1 AND status = 'published'`,
      [id],
    );
    return rows[0] && { title: rows[0].title, markdown: rows[0].report_markdown };
  }

  /** Published incidents, newest first, for /status. */
  async published(limit = 10): Promise<Omit<Incident, 'events' | 'series'>[]> {
    const { rows } = await this.db.query<IncidentRow>(
      `SELECT id, title, source, started_at, ended_at, findings, status, report_markdown, published_at
         FROM incidents WHERE status = 'published' ORDER BY published_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: IncidentRow): Omit<Incident, 'events' | 'series'> {
  return {
    id: row.id,
    title: row.title,
    source: row.source,
    startedAt: row.started_at.getTime(),
    endedAt: row.ended_at.getTime(),
    findings: row.findings,
    status: row.status,
    reportMarkdown: row.report_markdown,
    publishedAt: row.published_at?.getTime() ?? null,
  };
}
