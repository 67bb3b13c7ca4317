import type { FastifyInstance } from 'fastify';
import { ApiError, parseOr400, sessionOf, sheddable, withStatementTimeout, type Database } from 'holdfast/server';
import { beatPresence } from '../presence.js';
import { conversationNotFound } from '../workspaceErrors.js';
import { presenceBody } from './readQueries.js';

/**
 * POST /api/presence — "Bob is viewing this conversation", "Bob is typing…": the agent's heartbeat on the
 * conversation they have open, answered with the others there. Sheddable: refused first under load
 * (429 + Retry-After), and its database work is cut off after 250 ms; the client stops asking for a
 * while when it fails (SheddableCalls). Nothing an agent needs to work depends on it.
 */
export function presenceRoutes(app: FastifyInstance, db: Database) {
  app.post('/api/presence', { config: sheddable }, async (request) => {
    const session = sessionOf(request);
    const body = parseOr400(presenceBody, request.body);
    const viewers = await withStatementTimeout(db, (tx) =>
      beatPresence(tx, { tenantId: session.tenantId, agentId: session.agentId, conversationId: body.conversationId }, body),
    );
    if (!viewers) throw new ApiError(conversationNotFound);
    return { viewers };
  });
}
