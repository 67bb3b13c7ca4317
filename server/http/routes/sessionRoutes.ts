import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { normalizeEmail, storableText } from '../../../shared/index.js';
import { knownDeviceOf, rememberDevice } from '../../auth/knownDevices.js';
import { findAgentByEmail, findSession, openSession, passwordMatches, signOut } from '../../auth/sessions.js';
import { ApiError } from '../ApiError.js';
import { bearerToken, sessionOf } from '../authenticate.js';
import { parseOr400 } from '../parse.js';
import type { ServerContext } from '../ServerContext.js';
import { clearSessionCookie, deviceCookieToken, sessionCookieToken, setDeviceCookie, setSessionCookie } from '../sessionCookie.js';

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
  // Per address: every attempt counts (a guesser's one source cannot hammer scrypt), in this process.
  // Per account and per (account, address or device): failures, with a growing delay, in the database
  // (SignInThrottle). Both answer 429 with Retry-After.
  const perAddress = app.rateLimit({ max: context.login.maxPerAddressPerMinute, timeWindow: 60_000 });
  app.post('/api/login', { preHandler: perAddress }, async (request, reply) => {
    const { email, password, session: kind } = parseOr400(signInBody, request.body);
    const agent = await findAgentByEmail(context.db, email);
    const knownDevice = agent ? await trustedDeviceOf(context, request, agent.id) : undefined;
    const reservation = await context.login.throttle.reserve({ account: agent?.id ?? `email:${normalizeEmail(email)}`, address: request.ip, knownDevice });
    if (!reservation.allowed) {
      reply.header('retry-after', String(Math.max(1, Math.ceil(reservation.retryAfterMs / 1000))));
      throw new ApiError('too-many-sign-ins');
    }
    // An unknown email is checked against a dummy hash: the same scrypt, the same time (passwordMatches).
    if (!(await passwordMatches(agent, password)) || !agent) throw new ApiError('invalid-credentials');
    await context.login.throttle.succeeded(reservation);
    const { token, session } = await openSession(context.db, agent, context.sessions);
    // A cookie this browser still holds from an earlier session is ended, not left valid beside the new one.
    const previous = sessionCookieToken(request);
    if (previous) {
      const old = await findSession(context.db, previous, context.sessions);
      if (old) await endSession(context, old.tokenHash);
    }
    const body = {
      agent: { id: session.agentId, name: session.agentName, email: session.agentEmail },
      tenant: { id: session.tenantId, name: session.tenantName },
    };
    if (kind === 'cookie') setSessionCookie(request, reply, token, context.sessions.ttlSeconds, context.crossOrigin);
    if (!knownDevice) setDeviceCookie(request, reply, await rememberDevice(context.db, agent.id), context.crossOrigin);
    return kind === 'cookie' ? body : { token, ...body };
  });
  app.get('/api/health', async () => ({ ok: true, database: context.db.kind }));
}

/**
 * A device strangers cannot slow down: one this agent signed in from before (its device cookie), or one
 * holding a live session of the agent (a session cookie or bearer token). Answers its id for the throttle.
 */
async function trustedDeviceOf(context: ServerContext, request: FastifyRequest, agentId: string): Promise<string | undefined> {
  const device = await knownDeviceOf(context.db, agentId, deviceCookieToken(request));
  if (device) return device;
  const token = bearerToken(request) ?? sessionCookieToken(request);
  const live = token ? await findSession(context.db, token, context.sessions) : null;
  return live?.agentId === agentId ? `session:${live.tokenHash}` : undefined;
}

export function sessionRoutes(app: FastifyInstance, context: ServerContext) {
  app.post('/api/logout', async (request, reply: FastifyReply) => {
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

/** Deletes the session, closes its open event streams in this process (others notice within seconds) and forgets what its device reported. */
async function endSession(context: ServerContext, tokenHash: string): Promise<void> {
  await signOut(context.db, tokenHash);
  context.streams.endSession(tokenHash);
  context.metrics.forgetDevice(tokenHash);
}
