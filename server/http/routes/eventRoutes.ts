import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cursorSchema, parseCursor } from 'holdfast/core';
import type { ChangePage } from '../../app/ServerApp.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

const eventsQuery = z.strictObject({ cursor: cursorSchema.optional() });
const pageSize = 500;

/**
 * GET /api/events — server-sent events. Each `change` event carries a delta-sync page (the app's
 * changed rows and the cursor after them, from its ChangeModel), so a client that applies events stays as
 * current as one that polls /api/sync. The client reads the stream with fetch, because EventSource
 * cannot send the Authorization header; `Last-Event-ID` or `?cursor=` resume after a reconnect.
 *
 * Limits (docs/protocol.md, "Event stream"):
 * - Streams per agent and per process are capped (StreamRegistry); over a cap, 503 with a jittered
 *   Retry-After, at once.
 * - A stream never sends more than `maxCatchUp` changes in one go: a resume from a cursor further behind
 *   (or from 0) gets `event: resync` with the newest cursor, and the stream ends; the client catches up
 *   through paged /api/sync and reconnects from there. One stream cannot make the server send a tenant's
 *   whole history.
 * - Writes wait for the socket to drain: a slow reader holds its own stream back, not the server's memory.
 * - Streams whose session ends (sign-out here, or anywhere within seconds) are closed.
 * - Streams of one tenant at the same cursor share one read of each page.
 */
export function eventRoutes(app: FastifyInstance, context: ServerContext) {
  const { db, streams, feed, events } = context;
  const { changes } = context.app;
  const inflight = new Map<string, Promise<ChangePage>>();
  const readPage = (tenantId: string, cursor: bigint): Promise<ChangePage> => {
    const key = `${tenantId}:${cursor}`;
    let page = inflight.get(key);
    if (!page) {
      page = changes.page(db, tenantId, cursor, pageSize).finally(() => inflight.delete(key));
      inflight.set(key, page);
    }
    return page;
  };

  /** The newest change sequence of a tenant: where a live stream has caught up to. */
  const newest = async (tenantId: string): Promise<bigint> => (await changes.latestSequences(db, [tenantId])).get(tenantId) ?? 0n;

  app.get('/api/events', { config: { criticality: 'stream' } }, async (request, reply) => {
    const session = sessionOf(request);
    const query = parseOr400(eventsQuery, request.query);
    const resumeFrom = parseCursor(request.headers['last-event-id']) ?? (query.cursor === undefined ? undefined : BigInt(query.cursor));

    let end = () => {};
    const socket = request.raw.socket;
    const admission = streams.admit({
      agentKey: `${session.tenantId}:${session.agentId}`,
      tokenHash: session.tokenHash,
      close: () => end(),
      // For the safeguard's watchdog: a counted stream whose connection is gone holds a slot for nothing.
      isOpen: () => !socket.destroyed,
    });
    if (!admission.admitted) {
      reply.header('retry-after', String(events.retryAfterSeconds + Math.floor(Math.random() * events.retryAfterSeconds)));
      throw new ApiError('too-many-streams', { limit: admission.reason === 'agent-cap' ? 'per-agent' : 'per-process' });
    }
    let closed = false;
    let unsubscribe = () => {};
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    const release = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      admission.release();
    };

    let latest: bigint;
    let behind = 0;
    try {
      latest = await newest(session.tenantId);
      if (resumeFrom !== undefined && resumeFrom < latest) behind = await changes.countChangesAfter(db, session.tenantId, resumeFrom, events.maxCatchUp + 1);
    } catch (error) {
      release();
      throw error;
    }
    let cursor = resumeFrom ?? latest;

    reply.hijack();
    const stream = reply.raw;
    const socketClosed = once(request.raw, 'close').then(() => 'closed' as const);
    socketClosed.then(release, release);
    end = () => {
      release();
      stream.end();
    };
    stream.writeHead(200, {
      // What hooks set before the hijack (CORS for another region's page, the request id, the node).
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const write = async (chunk: string): Promise<boolean> => {
      if (closed) return false;
      if (stream.write(chunk)) return true;
      return (await Promise.race([once(stream, 'drain').then(() => 'drained' as const), socketClosed])) === 'drained';
    };
    const resync = async (to: bigint) => {
      await write(`event: resync\nid: ${to}\ndata: ${JSON.stringify({ cursor: to.toString() })}\n\n`);
      end();
    };

    if (behind > events.maxCatchUp) return resync(latest);
    await write(`retry: 3000\nevent: ready\nid: ${cursor}\ndata: ${JSON.stringify({ cursor: cursor.toString() })}\n\n`);

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
          let sent = 0;
          let page;
          do {
            page = await readPage(session.tenantId, cursor);
            const items = changes.itemCount(page);
            if (items === 0 || closed) break;
            if (sent + items > events.maxCatchUp) return await resync(await newest(session.tenantId));
            cursor = BigInt(page.cursor);
            sent += items;
            if (!(await write(`event: change\nid: ${page.cursor}\ndata: ${JSON.stringify(page)}\n\n`))) return;
          } while (page.hasMore);
        } while (again && !closed);
      } catch (error) {
        request.log.warn({ err: error }, 'event stream push failed');
      } finally {
        pushing = false;
      }
    };
    if (closed) return;
    unsubscribe = feed.subscribe(session.tenantId, () => void push());
    heartbeat = setInterval(() => void write(': keep-alive\n\n'), context.sseHeartbeatMs);
    void push();
  });
}
