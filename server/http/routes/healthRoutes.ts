import type { FastifyInstance } from 'fastify';
import { appliedMigrationCount, migrationNames } from '../../db/migrate.js';
import { ApiError } from '../ApiError.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * GET /healthz — the process is up (no database work). GET /readyz — the database answers and every
 * migration this build ships is applied: 200, or 503. Clients use /readyz to tell a broken action from a
 * broken server (OutboxReplayer's probe); load balancers use it to route. GET /metrics — Prometheus.
 */
export function healthRoutes(app: FastifyInstance, context: ServerContext) {
  const expected = migrationNames(context.app.migrations);
  app.get('/healthz', async () => ({ ok: true }));
  // Prometheus' text format (server/http/ServerMetrics.ts). Operational figures only: no tenant's data.
  app.get('/metrics', async (_request, reply) => reply.type(context.metrics.contentType).send(await context.metrics.text()));
  app.get('/readyz', async (_request, reply) => {
    try {
      if ((await appliedMigrationCount(context.db, expected)) < expected.length) return reply.code(503).send(new ApiError('not-ready', undefined, 'The database schema is behind this build.').toBody());
      return { ok: true, database: context.db.kind };
    } catch {
      return reply.code(503).send(new ApiError('not-ready').toBody());
    }
  });
}
