import type { FastifyInstance } from 'fastify';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import { minPositionOf } from '../readPosition.js';
import type { ServerContext } from '../ServerContext.js';
import { heavy } from '../fairShareHooks.js';
import { maxCounted, syncQuery } from './syncQuery.js';

/**
 * GET /api/sync?cursor=&limit=[&count=1] — delta sync: what changed in the caller's tenant after `cursor`
 * (the app's ChangeModel), as much of it as the member may see (ChangeModel.visibleTo). With `count=1` the
 * answer also says how many changes the tenant has after `cursor`, seen or not
 * (`remaining`, this page included), so a client can show a long first sync's progress; it asks once, on
 * the first page.
 *
 * Served by a read replica when there is one and it has replayed the caller's last write (read-your-writes:
 * readPosition.ts); otherwise by the primary.
 */
export function syncRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/api/sync', { config: heavy }, async (request) => {
    const session = sessionOf(request);
    const { cursor, limit, count } = parseOr400(syncQuery, request.query);
    const route = await context.reads.route(minPositionOf(request));
    context.metrics.countSyncRead(route);
    const { db } = route;
    const serverApp = context.app;
    const [page, remaining] = await Promise.all([
      serverApp.changes.page(db, session.tenantId, BigInt(cursor), context.fairShare.pageLimit(session.tokenHash, limit)),
      count ? serverApp.changes.countChangesAfter(db, session.tenantId, BigInt(cursor), maxCounted) : undefined,
    ]);
    const visible = serverApp.changes.visibleTo?.(page, { tenantId: session.tenantId, memberId: session.agentId }) ?? page;
    return remaining === undefined ? visible : { ...visible, remaining };
  });
}
