import type { FastifyInstance } from 'fastify';
import { appliedMigrationCount, migrationNames } from '../../db/migrate.js';
import { ApiError } from '../ApiError.js';
import { cachedCheck } from '../cachedCheck.js';
import type { ServerContext } from '../ServerContext.js';

/** The database's state as /readyz and /status tell it: read at most once a second, whoever asks. */
export type DatabaseHealth = { reachable: true; applied: number; expected: number } | { reachable: false };

/** The shared, cached database check of /readyz and /status (one per server). */
export function databaseHealth(context: ServerContext): () => Promise<DatabaseHealth> {
  const expected = migrationNames(context.app.migrations);
  return cachedCheck(async (): Promise<DatabaseHealth> => {
    context.metrics.countHealthRead();
    try {
      return { reachable: true, applied: await appliedMigrationCount(context.db, expected), expected: expected.length };
    } catch {
      return { reachable: false };
    }
  }, 1000);
}

/**
 * GET /healthz — the process is up (no database work). GET /readyz — the database answers and every
 * migration this build ships is applied: 200, or 503. Clients use /readyz to tell a broken action from a
 * broken server (OutboxReplayer's probe); load balancers use it to route. GET /metrics — Prometheus.
 *
 * Public, so cheap: the database is read at most once a second however many ask (databaseHealth), and
 * each address may ask 600 times a minute (a load balancer checking every second has ten times that).
 */
export function healthRoutes(app: FastifyInstance, context: ServerContext, health: () => Promise<DatabaseHealth>) {
  const perAddress = app.rateLimit({ max: 600, timeWindow: 60_000 });
  app.get('/healthz', async () => ({ ok: true }));
  // Prometheus' text format (server/http/ServerMetrics.ts). Operational figures only: no tenant's data.
  app.get('/metrics', async (_request, reply) => reply.type(context.metrics.contentType).send(await context.metrics.text()));
  app.get('/readyz', { preHandler: perAddress }, async (_request, reply) => {
    const state = await health();
    if (!state.reachable) return reply.code(503).send(new ApiError('not-ready').toBody());
    if (state.applied < state.expected) return reply.code(503).send(new ApiError('not-ready', undefined, 'The database schema is behind this build.').toBody());
    return { ok: true, database: context.db.kind };
  });
}
