import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The browser's session: an HttpOnly, SameSite=Strict cookie, so no script in the page — an injected one
 * included — can read the token, and the service worker's Background Sync still sends it (a worker's
 * same-origin fetch carries the origin's cookies). Scoped to /api: media URLs are signed instead, and the
 * static files need no session. Other clients (scripts, tests, the benchmarks) use a bearer token.
 */
const sessionCookieName = 'holdfast_session';

/**
 * Cookie-authenticated requests that change something must carry this header. A cross-site page cannot
 * set a custom header without a CORS preflight, which this server grants only to its `allowedOrigins` (the
 * app's own regions); SameSite=Strict already
 * keeps the cookie off cross-site requests, and an `Origin` that is not ours is refused as well.
 */
const csrfHeader = 'x-holdfast-request';

/**
 * An API in several regions (the client's ApiOrigins): the app's pages come from `allowedOrigins` too, and
 * may call this server cross-origin (CORS, with credentials). The session cookie is then scoped to the
 * regions' common domain (`cookieDomain`, e.g. `holdfast.example` for app., api-eu. and api-us.), so the
 * session signed in on one region is good on every one; SameSite=Strict still holds, as they are one site.
 */
export type CrossOriginPolicy = {
  allowedOrigins: readonly string[];
  cookieDomain?: string;
  /** Cookies are `Secure` (and answers carry HSTS) even when the request came in over plain HTTP (COOKIE_SECURE). */
  forceSecure?: boolean;
};

/**
 * Whether this request reached us over HTTPS: directly, or through a proxy this server trusts
 * (TRUST_PROXY: Fastify then takes `X-Forwarded-Proto` from it, and from nobody else), or by configuration.
 */
export function isSecure(request: FastifyRequest, policy: CrossOriginPolicy): boolean {
  return policy.forceSecure === true || request.protocol === 'https';
}

/** The browser's device token (knownDevices.ts): sent only to sign-in, kept a year. */
const deviceCookieName = 'holdfast_device';
const deviceCookieMaxAgeSeconds = 365 * 24 * 3600;

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, token: string, policy: CrossOriginPolicy): void {
  reply.setCookie(deviceCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api/login',
    secure: isSecure(request, policy),
    maxAge: deviceCookieMaxAgeSeconds,
    domain: policy.cookieDomain,
  });
}

export function deviceCookieToken(request: FastifyRequest): string | null {
  const value = request.cookies?.[deviceCookieName];
  return value && /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : null;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, ttlSeconds: number, policy: CrossOriginPolicy): void {
  reply.setCookie(sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api',
    secure: isSecure(request, policy),
    maxAge: ttlSeconds,
    domain: policy.cookieDomain,
  });
}

export function clearSessionCookie(reply: FastifyReply, policy: CrossOriginPolicy): void {
  reply.clearCookie(sessionCookieName, { path: '/api', httpOnly: true, sameSite: 'strict', domain: policy.cookieDomain });
}

export function sessionCookieToken(request: FastifyRequest): string | null {
  const value = request.cookies?.[sessionCookieName];
  return value && /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : null;
}

/** False for a cookie-authenticated request that could have been forged by another site. */
export function passesCsrfCheck(request: FastifyRequest, policy: CrossOriginPolicy): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  if (request.headers[csrfHeader] === undefined) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (policy.allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
