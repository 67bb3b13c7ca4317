import type { FastifyInstance } from 'fastify';
import { telemetryBatchSchema } from 'holdfast/core';
import { sessionOf } from '../authenticate.js';
import { sheddable, withStatementTimeout } from '../criticality.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * POST /api/telemetry — a batch of client events (shared/core/telemetry.ts), stored for the incident
 * timeline. Sheddable: under load it is refused first (the client's queue keeps it and tries later), and
 * its insert runs under the short statement timeout. Idempotent: each event's id is its key, so a batch
 * sent again (a replay after an answer that was lost) stores nothing twice.
 */
export function telemetryRoutes(app: FastifyInstance, context: ServerContext) {
  app.post('/api/telemetry', { config: sheddable }, async (request) => {
    const session = sessionOf(request);
    const { events } = parseOr400(telemetryBatchSchema, request.body);
    const stored = await withStatementTimeout(context.db, async (tx) => {
      const result = await tx.query<{ id: string }>(
        `INSERT INTO client_events (tenant_id, agent_id, id, kind, at, detail)
         SELECT $1, $2, e.id, e.kind, e.at, e.detail
           FROM jsonb_to_recordset($3::jsonb) AS e(id uuid, kind text, at timestamptz, detail jsonb)
         ON CONFLICT (tenant_id, id) DO NOTHING
         RETURNING id`,
        [session.tenantId, session.agentId, JSON.stringify(events)],
      );
      return result.rows.length;
    });
    for (const event of events) context.metrics.countClientEvent(event.kind);
    return { received: events.length, stored };
  });
}
