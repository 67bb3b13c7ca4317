import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { syncSince } from '../../workspace/readModels.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';
import { cursorSchema } from './readRoutes.js';

const eventsQuery = z.strictObject({ cursor: cursorSchema.optional() });
const pageSize = 500;

/**
 * GET /api/events — server-sent events. Each `change` event carries a delta-sync page (the changed
 * conversations and messages and the cursor after them), so a client that applies events stays as
 * current as one that polls /api/sync. The client reads the stream with fetch, because EventSource
 * cannot send the Authorization header; `Last-Event-ID` or `?cursor=` resume after a reconnect.
 */
export function eventRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/api/events', async (request, reply) => {
    const session = sessionOf(request);
    const query = parseOr400(eventsQuery, request.query);
    const lastEventId = request.headers['last-event-id'];
    // Resume where the client was; with no cursor at all, stream what happens from now on.
    const resumeFrom = typeof lastEventId === 'string' && /^\d{1,19}$/.test(lastEventId) ? lastEventId : query.cursor;
    let cursor = resumeFrom === undefined ? await latestCursor(context, session.tenantId) : BigInt(resumeFrom);

    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    stream.write(`retry: 3000\nevent: ready\nid: ${cursor}\ndata: ${JSON.stringify({ cursor: cursor.toString() })}\n\n`);

    let pushing = false;
    let again = false;
    const push = async () => {
      if (pushing) {
        again = true;
        return;
      }
      pushing = true;
      try {
        do {
          again = false;
          let page;
          do {
            page = await syncSince(context.db, session.tenantId, cursor, pageSize, context.signer);
            if (page.conversations.length + page.messages.length === 0) break;
            cursor = BigInt(page.cursor);
            stream.write(`event: change\nid: ${page.cursor}\ndata: ${JSON.stringify(page)}\n\n`);
          } while (page.hasMore);
        } while (again);
      } catch (error) {
        request.log.warn({ err: error }, 'event stream push failed');
      } finally {
        pushing = false;
      }
    };
    const unsubscribe = context.feed.subscribe(session.tenantId, () => void push());
    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), context.sseHeartbeatMs);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    void push();
  });
}

async function latestCursor(context: ServerContext, tenantId: string): Promise<bigint> {
  const { rows } = await context.db.query(
    `SELECT greatest(
       (SELECT coalesce(max(change_seq), 0) FROM conversations WHERE tenant_id = $1),
       (SELECT coalesce(max(change_seq), 0) FROM messages WHERE tenant_id = $1)) AS seq`,
    [tenantId],
  );
  return BigInt(rows[0]!.seq as string | number);
}
