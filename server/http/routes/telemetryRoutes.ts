import type { FastifyInstance } from 'fastify';
import { boundedInstant, telemetryBatchSchema, telemetrySentAtHeader } from '../../../shared/index.js';
import { onServerClock } from '../deviceClock.js';
import type { Executor } from '../../db/Database.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { sheddable, withStatementTimeout } from '../criticality.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

/** What bounds telemetry's storage: a session's rate, a tenant's daily quota, and how long events are kept. */
export type TelemetryLimits = { perSessionPerMinute: number; tenantDailyQuota: number; retentionDays: number };
export const telemetryLimitDefaults: TelemetryLimits = { perSessionPerMinute: 12, tenantDailyQuota: 50_000, retentionDays: 30 };

/**
 * POST /api/telemetry — a batch of client events (shared/core/telemetry.ts), stored for the incident
 * timeline. Sheddable: under load it is refused first (the client's queue keeps it and tries later), and
 * its insert runs under the short statement timeout. Idempotent: each event's id is its key, so a batch
 * sent again (a replay after an answer that was lost) stores nothing twice.
 *
 * A device's clock may be hours off: the worker says what it read as it sent the batch
 * (telemetrySentAtHeader), and the events are stored at the times they happened by this server's clock.
 *
 * Bounded, because any signed-in client can call it: `perSessionPerMinute` batches per session (429), at
 * most `tenantDailyQuota` events per tenant and UTC day (429 until the day ends; counted in the same
 * transaction as the insert), and events older than `retentionDays` deleted by the purge job.
 */
export function telemetryRoutes(app: FastifyInstance, context: ServerContext) {
  const limits = context.telemetry;
  const perSession = app.rateLimit({
    max: limits.perSessionPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `telemetry:${request.session?.tokenHash ?? request.ip}`,
  });
  app.post('/api/telemetry', { config: sheddable, preHandler: perSession }, async (request, reply) => {
    const session = sessionOf(request);
    const receivedAt = Date.now();
    const batch = parseOr400(telemetryBatchSchema, request.body);
    const sentAt = request.headers[telemetrySentAtHeader];
    if (sentAt !== undefined && (typeof sentAt !== 'string' || !boundedInstant.safeParse(sentAt).success))
      throw new ApiError('invalid-request', undefined, `${telemetrySentAtHeader} must be one ISO 8601 date-time, the device's clock as it sent the batch.`);
    // Events at the times they happened by this server's clock, whatever the device's clock says.
    const { events } = onServerClock(batch.events, sentAt, receivedAt);
    const stored = await withStatementTimeout(context.db, async (tx) => {
      if (!(await takeQuota(tx, session.tenantId, events.length, limits.tenantDailyQuota))) return null;
      const result = await tx.query<{ id: string }>(
        `INSERT INTO client_events (tenant_id, agent_id, id, kind, at, detail)
         SELECT $1, $2, e.id, e.kind, e.at, e.detail
           FROM jsonb_to_recordset($3::jsonb) AS e(id uuid, kind text, at timestamptz, detail jsonb)
         ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING id`,
        [session.tenantId, session.agentId, JSON.stringify(events)],
      );
      return new Set(result.rows.map((row) => row.id.toLowerCase()));
    });
    if (stored === null) {
      const now = new Date();
      const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      reply.header('retry-after', String(Math.max(1, Math.ceil((nextDay - now.getTime()) / 1000))));
      throw new ApiError('telemetry-quota-exceeded');
    }
    // Only what was stored now: a batch sent again (a replay) is not counted twice.
    context.metrics.takeClientEvents(
      session.tokenHash,
      events.filter((event) => stored.has(event.id.toLowerCase())),
    );
    return { received: events.length, stored: stored.size };
  });
}

/** Counts `count` events against the tenant's quota for today; false (nothing counted) when they do not fit. */
async function takeQuota(tx: Executor, tenantId: string, count: number, quota: number): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO client_event_quota AS q (tenant_id, day, stored) SELECT $1, (now() AT TIME ZONE 'UTC')::date, $2::int WHERE $2::int <= $3::int
     ON CONFLICT (tenant_id, day) DO UPDATE SET stored = q.stored + $2::int WHERE q.stored + $2::int <= $3::int
     RETURNING 1`,
    [tenantId, count, quota],
  );
  return rows.length > 0;
}

/** The purge job's part: events past their retention, and quota rows of past days. */
export async function purgeTelemetry(db: Executor, retentionDays: number): Promise<number> {
  const { rows } = await db.query(`DELETE FROM client_events WHERE received_at < now() - make_interval(days => $1) RETURNING 1`, [retentionDays]);
  await db.query(`DELETE FROM client_event_quota WHERE day < (now() AT TIME ZONE 'UTC')::date - 1`);
  return rows.length;
}
