import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cursorSchema, parseCursor } from '../../../shared/index.js';
import type { ChangePage } from '../../app/ServerApp.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';
import { SharedPageReads } from '../../events/SharedPageReads.js';

const eventsQuery = z.strictObject({ cursor: cursorSchema.optional() });
const pageSize = 500;

/**
 * GET /api/events — server-sent events. Each `change` event carries a delta-sync page (the app's
 * changed rows and the cursor after them, from its ChangeModel) and `from`, the cursor it follows: a client
 * holding everything up to `from` applies the page as it is, with no pull (DeltaSync.applyPushed), and a
 * client behind it pulls the gap. A page too large to carry is announced without its rows (`withheld`).
 * The client reads the stream with fetch (EventSource cannot send custom headers or honour
 * Retry-After); the session is the cookie, or a bearer token for scripts. `Last-Event-ID` or `?cursor=`
 * resume after a reconnect.
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
 * - Streams of one tenant at the same cursor share one read of each page (SharedPageReads).
 * - Behind a read replica, every event carries `position`: the primary's WAL position after the read.
 *   The client's pull prompted by the event sends it (`holdfast-min-position`), so a lagging standby
 *   cannot answer that pull without the change the event announced.
 */
export function eventRoutes(app: FastifyInstance, context: ServerContext) {
  const { db, streams, feed, events, reads } = context;
  const { changes } = context.app;
  const shared = new SharedPageReads<{ page: ChangePage; position: string | undefined }>();
  // The position is taken after the page is read: at or past the commit of every change in it.
  const readPage = (tenantId: string, cursor: bigint) =>
    shared.read(`${tenantId}:${cursor}`, feed.generation(tenantId), async () => {
      const page = await changes.page(db, tenantId, cursor, pageSize);
      return { page, position: await reads.writePosition() };
    });

  /**
   * The newest change sequence of a tenant (where a live stream has caught up to), and the primary's WAL
   * position once it was read: what a pull prompted by this stream must see (readPosition.ts).
   */
  const newest = async (tenantId: string): Promise<{ sequence: bigint; position: string | undefined }> => {
    const sequence = (await changes.latestSequences(db, [tenantId])).get(tenantId) ?? 0n;
    return { sequence, position: await reads.writePosition() };
  };

  app.get('/api/events', { config: { criticality: 'stream' } }, async (request, reply) => {
    const session = sessionOf(request);
    const viewer = { tenantId: session.tenantId, memberId: session.agentId };
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

    let latest: { sequence: bigint; position: string | undefined };
    let behind = 0;
    try {
      latest = await newest(session.tenantId);
      if (resumeFrom !== undefined && resumeFrom < latest.sequence)
        behind = await changes.countChangesAfter(db, session.tenantId, resumeFrom, events.maxCatchUp + 1);
    } catch (error) {
      release();
      throw error;
    }
    let cursor = resumeFrom ?? latest.sequence;

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
    const resync = async (to: { sequence: bigint; position: string | undefined }) => {
      await write(`event: resync\nid: ${to.sequence}\ndata: ${JSON.stringify({ cursor: to.sequence.toString(), position: to.position })}\n\n`);
      end();
    };

    if (behind > events.maxCatchUp) return resync(latest);
    await write(`retry: 3000\nevent: ready\nid: ${cursor}\ndata: ${JSON.stringify({ cursor: cursor.toString(), position: latest.position })}\n\n`);

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
          let page: Awaited<ReturnType<typeof readPage>>['page'];
          do {
            const read = await readPage(session.tenantId, cursor);
            page = read.page;
            const items = changes.itemCount(page);
            if (items === 0 || closed) break;
            if (sent + items > events.maxCatchUp) return await resync(await newest(session.tenantId));
            const from = cursor.toString();
            cursor = BigInt(page.cursor);
            sent += items;
            // The member's part of the tenant's shared page (ChangeModel.visibleTo), with the page's cursor.
            const visible = changes.visibleTo?.(page, viewer) ?? page;
            let data = JSON.stringify({ ...visible, from, position: read.position });
            // A page longer than events.maxCarryChars is announced, not carried: one burst of long messages must
            // not fill every stream's socket, and the client pulls it through paged /api/sync.
            if (data.length > events.maxCarryChars)
              data = JSON.stringify({ cursor: page.cursor, hasMore: page.hasMore, from, position: read.position, withheld: true });
            if (!(await write(`event: change\nid: ${page.cursor}\ndata: ${data}\n\n`))) return;
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
