import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signIn, signOut } from '../../auth/sessions.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';

const signInBody = z.strictObject({
  email: z.string().trim().min(1, { error: 'email is required' }).max(320),
  password: z.string().min(1, { error: 'password is required' }).max(1024),
});

export function publicSessionRoutes(app: FastifyInstance, context: ServerContext) {
  app.post('/api/login', async (request) => {
    const { email, password } = parseOr400(signInBody, request.body);
    const result = await signIn(context.db, email, password, context.sessionTtlHours);
    if (!result) throw new ApiError('invalid-credentials');
    const { token, session } = result;
    return {
      token,
      agent: { id: session.agentId, name: session.agentName, email: session.agentEmail },
      tenant: { id: session.tenantId, name: session.tenantName },
    };
  });
  app.get('/api/health', async () => ({ ok: true, database: context.db.kind }));
}

export function sessionRoutes(app: FastifyInstance, context: ServerContext) {
  app.post('/api/logout', async (request, reply) => {
    sessionOf(request);
    await signOut(context.db, request.token!);
    return reply.code(204).send();
  });
  app.get('/api/me', async (request) => {
    const session = sessionOf(request);
    return {
      agent: { id: session.agentId, name: session.agentName, email: session.agentEmail },
      tenant: { id: session.tenantId, name: session.tenantName },
    };
  });
}
