import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cursorSchema, protocolLimits } from 'holdfast/core';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

const syncQuery = z.strictObject({
  cursor: cursorSchema.default('0'),
  limit: z.coerce.number().int().min(1).max(protocolLimits.maxSyncPageSize).default(500),
  /** `1`: also answer `remaining`, how many changes there were after `cursor` — a first sync's progress. */
  count: z.literal('1', { error: 'count must be 1 when given' }).optional(),
});

/** The most `remaining` counts; a count past it answers this (the count stops there, so it stays cheap). */
const maxCounted = 10_000_000;

/**
 * GET /api/sync?cursor=&limit=[&count=1] — delta sync: what changed in the caller's tenant after `cursor`
 * (the app's ChangeModel). With `count=1` the answer also says how many changes there were after `cursor`
 * (`remaining`, this page included), so a client can show a long first sync's progress; it asks once, on
 * the first page.
 */
export function syncRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/api/sync', async (request) => {
    const session = sessionOf(request);
    const { cursor, limit, count } = parseOr400(syncQuery, request.query);
    const { db, app: serverApp } = context;
    const [page, remaining] = await Promise.all([
      serverApp.changes.page(db, session.tenantId, BigInt(cursor), limit),
      count ? serverApp.changes.countChangesAfter(db, session.tenantId, BigInt(cursor), maxCounted) : undefined,
    ]);
    return remaining === undefined ? page : { ...page, remaining };
  });
}
