import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/Database.js';
import { findSession, type Session, type SessionIdle } from '../auth/sessions.js';
import { ApiError } from './ApiError.js';
import { passesCsrfCheck, sessionCookieToken, type CrossOriginPolicy } from './sessionCookie.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    token: string | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header?.match(/^Bearer ([A-Za-z0-9_-]{16,128})$/);
  return match?.[1] ?? null;
}

/**
 * Runs before every /api route but the public ones (sign-in, health, CSP reports, the app's publicRoutes):
 * no session, no data. A bearer token (scripts,
 * tests) or the session cookie (the browser; then a change must pass the CSRF check).
 */
export function authenticate(db: Database, policy: CrossOriginPolicy, idle: SessionIdle) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const cookieToken = header ? null : sessionCookieToken(request);
    if (!header && !cookieToken) throw new ApiError('unauthenticated');
    const token = header ? bearerToken(request) : cookieToken;
    if (cookieToken && !passesCsrfCheck(request, policy)) throw new ApiError('cross-site-request');
    const session = token ? await findSession(db, token, idle) : null;
    if (!token || !session) throw new ApiError('invalid-token');
    request.session = session;
    request.token = token;
  };
}

/** The verified session of an authenticated route. */
export function sessionOf(request: FastifyRequest): Session {
  if (!request.session) throw new ApiError('unauthenticated');
  return request.session;
}
