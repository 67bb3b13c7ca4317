import type { FastifyReply, FastifyRequest } from 'fastify';
import { minPositionHeader } from '../../shared/index.js';
import { laterPosition, lsnPattern } from '../db/ReadReplica.js';
import { ApiError } from './ApiError.js';
import { isSecure, type CrossOriginPolicy } from './sessionCookie.js';

/**
 * Read-your-writes behind a read replica: after a write, the client is handed the primary's WAL position,
 * and its next reads carry it, so a standby serves them only once it has replayed that far (ReadReplica).
 *
 * A browser carries it without a line of client code: an HttpOnly cookie scoped to /api, kept 5 minutes
 * (far past any lag a standby is worth reading from). Other clients may send the header instead; the
 * answer to a write carries both.
 */
const writePositionCookie = 'holdfast_written';
const writePositionHeader = 'holdfast-write-position';
const cookieMaxAgeSeconds = 300;

export function handOutWritePosition(request: FastifyRequest, reply: FastifyReply, position: string, policy: CrossOriginPolicy): void {
  reply.header(writePositionHeader, position);
  reply.setCookie(writePositionCookie, position, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/api',
    secure: isSecure(request, policy),
    maxAge: cookieMaxAgeSeconds,
    domain: policy.cookieDomain,
  });
}

/**
 * The position this read must see: the later of the header (what the client heard of: an event stream's
 * announcement) and the cookie (what it wrote itself); undefined when it has neither. A malformed header
 * is a 400, nothing read. A malformed cookie gives `null` (ReadReplica sends the read to the primary):
 * safe, and a client cannot mend a cookie it cannot read.
 */
export function minPositionOf(request: FastifyRequest): string | undefined | null {
  const header = request.headers[minPositionHeader];
  if (header !== undefined && (typeof header !== 'string' || !lsnPattern.test(header))) {
    throw new ApiError('invalid-request', { header: minPositionHeader }, `${minPositionHeader} must be a WAL position such as 16/B374D848.`);
  }
  const cookie = request.cookies?.[writePositionCookie];
  if (cookie !== undefined && !lsnPattern.test(cookie)) return null;
  if (header === undefined || cookie === undefined) return header ?? cookie;
  return laterPosition(header, cookie);
}
