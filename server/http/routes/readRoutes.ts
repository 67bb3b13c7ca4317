import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cursorSchema, protocolLimits, storableText } from 'holdfast/core';
import { getConversation, listAgents, listCannedReplies, listConversations, syncSince } from '../../workspace/readModels.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

const listQuery = z.strictObject({
  view: z.enum(['mine', 'unassigned', 'all']).default('all'),
  status: z.enum(['open', 'closed', 'all']).default('all'),
  q: storableText({ max: 200, name: 'q' }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
});
const idParams = z.strictObject({ id: z.uuid({ error: 'the conversation id must be a UUID' }) });
const syncQuery = z.strictObject({
  cursor: cursorSchema.default('0'),
  limit: z.coerce.number().int().min(1).max(protocolLimits.maxSyncPageSize).default(500),
});

export function readRoutes(app: FastifyInstance, context: ServerContext) {
  app.get('/api/conversations', async (request) => {
    const session = sessionOf(request);
    const filter = parseOr400(listQuery, request.query);
    return { conversations: await listConversations(context.db, session.tenantId, session.agentId, filter) };
  });
  app.get('/api/conversations/:id', async (request) => {
    const session = sessionOf(request);
    const { id } = parseOr400(idParams, request.params);
    const found = await getConversation(context.db, session.tenantId, id, context.signer);
    if (!found) throw new ApiError('conversation-not-found');
    return found;
  });
  app.get('/api/agents', async (request) => ({ agents: await listAgents(context.db, sessionOf(request).tenantId) }));
  app.get('/api/canned-replies', async (request) => ({
    cannedReplies: await listCannedReplies(context.db, sessionOf(request).tenantId),
  }));
  app.get('/api/sync', async (request) => {
    const session = sessionOf(request);
    const { cursor, limit } = parseOr400(syncQuery, request.query);
    return syncSince(context.db, session.tenantId, BigInt(cursor), limit, context.signer);
  });
}
