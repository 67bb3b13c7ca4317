import { readdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { migrationsDirectory } from '../../db/migrate.js';
import { ApiError } from '../ApiError.js';
import type { ServerContext } from '../ServerContext.js';

/**
 * GET /healthz — the process is up (no database work). GET /readyz — the database answers and every
 * migration this build ships is applied: 200, or 503. Clients use /readyz to tell a broken action from a
 * broken server (OutboxReplayer's probe); load balancers use it to route.
 */
export function healthRoutes(app: FastifyInstance, context: ServerContext) {
  const latestMigration = readdirSync(migrationsDirectory).filter((name) => name.endsWith('.sql')).sort().at(-1);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    try {
      const { rows } = await context.db.query('SELECT 1 FROM schema_migrations WHERE name = $1', [latestMigration]);
      if (rows.length === 0) return reply.code(503).send(new ApiError('not-ready', undefined, 'The database schema is behind this build.').toBody());
      return { ok: true, database: context.db.kind };
    } catch {
      return reply.code(503).send(new ApiError('not-ready').toBody());
    }
  });
}
