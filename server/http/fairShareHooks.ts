import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FairShare } from './FairShare.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `heavy`: the route's work waits its turn in FairShare (sync pages, action batches). */
    fairShare?: 'heavy';
  }
}

/** `{ config: heavy }` on a route: its requests take turns with other sessions' and tenants' (FairShare). */
export const heavy = { fairShare: 'heavy' } as const;

type Held = { release?: () => void; abort: AbortController };
const held = new WeakMap<FastifyRequest, Held>();

/**
 * Wires FairShare into the authenticated routes: every request says its session is about; a heavy one
 * waits for its turn before its handler, and gives the turn back once its answer is serialized (onSend: a
 * slow reader does not hold it), or when the client goes away.
 */
export function registerFairShare(api: FastifyInstance, fairShare: FairShare): void {
  api.addHook('preHandler', async (request, reply) => {
    const session = request.session;
    if (!session) return;
    fairShare.noteActivity(session.tokenHash);
    if (request.routeOptions.config?.fairShare !== 'heavy') return;
    const entry: Held = { abort: new AbortController() };
    held.set(request, entry);
    try {
      entry.release = await fairShare.acquire({ tenantId: session.tenantId, tokenHash: session.tokenHash }, entry.abort.signal);
    } catch (error) {
      // A session with too many heavy requests waiting: a second is about one turn.
      reply.header('retry-after', '1');
      throw error;
    }
  });
  const release = async (request: FastifyRequest) => {
    held.get(request)?.release?.();
  };
  api.addHook('onSend', async (request, _reply, payload) => {
    await release(request);
    return payload;
  });
  api.addHook('onResponse', release);
  api.addHook('onRequestAbort', async (request) => {
    const entry = held.get(request);
    entry?.abort.abort();
    entry?.release?.();
  });
}
