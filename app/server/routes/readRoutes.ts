import type { FastifyInstance } from 'fastify';
import { ApiError, parseOr400, sessionOf, type Queryable } from 'holdfast/server';
import type { MediaSigner } from '../MediaSigner.js';
import { getConversation, listAgents, listCannedReplies, listConversations } from '../readModels.js';
import { conversationNotFound } from '../workspaceErrors.js';
import { idParams, listQuery } from './readQueries.js';

/** The workspace's reads beside delta sync (which the framework serves from its ChangeModel). */
export function readRoutes(app: FastifyInstance, db: Queryable, signer: MediaSigner) {
  app.get('/api/conversations', async (request) => {
    const session = sessionOf(request);
    const filter = parseOr400(listQuery, request.query);
    return { conversations: await listConversations(db, session.tenantId, session.agentId, filter) };
  });
  app.get('/api/conversations/:id', async (request) => {
    const session = sessionOf(request);
    const { id } = parseOr400(idParams, request.params);
    const found = await getConversation(db, session.tenantId, id, signer);
    if (!found) throw new ApiError(conversationNotFound);
    return found;
  });
  app.get('/api/agents', async (request) => ({ agents: await listAgents(db, sessionOf(request).tenantId) }));
  app.get('/api/canned-replies', async (request) => ({
    cannedReplies: await listCannedReplies(db, sessionOf(request).tenantId),
  }));
}
