import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { storableText } from 'holdfast/core';
import { findSession, signIn, signOut } from '../../auth/sessions.js';
import { ApiError } from '../ApiError.js';
import { sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';
import { clearSessionCookie, sessionCookieToken, setSessionCookie } from '../sessionCookie.js';

const signInBody = z.strictObject({
  email: storableText({ max: 320, name: 'email' }).pipe(z.string().min(1, { error: 'email is required' })),
  password: z.string().min(1, { error: 'password is required' }).max(1024),
  /**
   * `cookie`: the browser's way — the token goes into an HttpOnly cookie and is not in the answer, so no
   * script can read it. `token` (default): the answer carries a bearer token, for scripts and tests.
   */
  session: z.enum(['cookie', 'token']).default('token'),
});

export function publicSessionRoutes(app: FastifyInstance, context: ServerContext) {
  // Per address: every attempt counts (a guesser's one source cannot hammer scrypt). Per account:
  // failures only (AccountLockout). Both answer 429 with Retry-After.
  const perAddress = app.rateLimit({ max: context.login.maxPerAddressPerMinute, timeWindow: 60_000 });
  app.post('/api/login', { preHandler: perAddress }, async (request, reply) => {
    const { email, password, session: kind } = parseOr400(signInBody, request.body);
    const account = email.toLowerCase();
    const lockedFor = context.login.lockout.lockedFor(account);
    if (lockedFor > 0) {
      reply.header('retry-after', String(Math.ceil(lockedFor / 1000)));
      throw new ApiError('too-many-sign-ins');
    }
    const result = await signIn(context.db, email, password, context.sessionTtlSeconds);
    if (!result) {
      context.login.lockout.recordFailure(account);
      throw new ApiError('invalid-credentials');
    }
    context.login.lockout.recordSuccess(account);
    const { token, session } = result;
    // A cookie this browser still holds from an earlier session is ended, not left valid beside the new one.
    const previous = sessionCookieToken(request);
    if (previous) {
      const old = await findSession(context.db, previous);
      if (old) await endSession(context, old.tokenHash);
    }
    const body = {
      agent: { id: session.agentId, name: session.agentName, email: session.agentEmail },
      tenant: { id: session.tenantId, name: session.tenantName },
    };
    if (kind === 'cookie') {
      setSessionCookie(request, reply, token, context.sessionTtlSeconds, context.crossOrigin);
      return body;
    }
    return { token, ...body };
  });
  app.get('/api/health', async () => ({ ok: true, database: context.db.kind }));
}

export function sessionRoutes(app: FastifyInstance, context: ServerContext) {
  app.post('/api/logout', async (request, reply) => {
    const session = sessionOf(request);
    await endSession(context, session.tokenHash);
    clearSessionCookie(reply, context.crossOrigin);
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

/** Deletes the session and closes its open event streams in this process (others notice within seconds). */
async function endSession(context: ServerContext, tokenHash: string): Promise<void> {
  await signOut(context.db, tokenHash);
  context.streams.endSession(tokenHash);
}
