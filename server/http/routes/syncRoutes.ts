import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cursorSchema, protocolLimits } from 'holdfast/core';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

const syncQuery = z.strictObject({
  cursor: cursorSchema.default('0'),
  limit: z.coerce.number().int().min(1).max(protocolLimits.maxSyncPageSize).default(500),
});

/** GET /api/sync?cursor=&limit= — delta sync: what changed in the caller's tenant after `cursor` (the app's ChangeModel). */
export function syncRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/api/sync', async (request) => {
    const session = sessionOf(request);
    const { cursor, limit } = parseOr400(syncQuery, request.query);
    return context.app.changes.page(context.db, session.tenantId, BigInt(cursor), limit);
  });
}
