import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseOr400, type Queryable } from 'holdfast/server';
import type { MediaSigner } from '../MediaSigner.js';

const mediaParams = z.strictObject({ id: z.uuid() });
const mediaQuery = z.strictObject({ t: z.uuid(), e: z.coerce.number().int().positive().max(4_102_444_800), k: z.string().max(32), sig: z.string().max(64) });

/** GET /media/:id?t=<tenant>&e=<expiry>&k=<key>&sig=<hmac> — attachment bytes, for URLs the API signed (see MediaSigner). */
export function mediaRoutes(app: FastifyInstance, db: Queryable, signer: MediaSigner) {
  app.get('/media/:id', async (request, reply) => {
    const { id } = parseOr400(mediaParams, request.params);
    const { t: tenantId, e: expires, k: keyId, sig } = parseOr400(mediaQuery, request.query);
    const verdict = signer.verify(tenantId, id, expires, keyId, sig);
    if (verdict === 'invalid') throw new ApiError('forbidden', undefined, 'The media signature does not match.');
    if (verdict === 'expired') throw new ApiError('forbidden', undefined, 'The media link has expired: open the conversation again for a fresh one.');
    const { rows } = await db.query('SELECT content_type, bytes FROM media WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    const media = rows[0];
    if (!media) throw new ApiError('not-found');
    // Media never changes under one id, but this URL is good only until it expires: cached that long.
    return reply
      .header('content-type', media.content_type as string)
      .header('cache-control', `private, max-age=${signer.secondsLeft(expires)}, immutable`)
      .send(Buffer.from(media.bytes as Uint8Array));
  });
}
