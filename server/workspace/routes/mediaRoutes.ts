import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, parseOr400, type Queryable } from 'holdfast/server';
import type { MediaSigner } from '../MediaSigner.js';

const mediaParams = z.strictObject({ id: z.uuid() });
const mediaQuery = z.strictObject({ t: z.uuid(), sig: z.string().max(64) });

/** GET /media/:id?t=<tenant>&sig=<hmac> — attachment bytes, for URLs the API signed (see MediaSigner). */
export function mediaRoutes(app: FastifyInstance, db: Queryable, signer: MediaSigner) {
  app.get('/media/:id', async (request, reply) => {
    const { id } = parseOr400(mediaParams, request.params);
    const { t: tenantId, sig } = parseOr400(mediaQuery, request.query);
    if (!signer.verify(tenantId, id, sig)) throw new ApiError('forbidden', undefined, 'The media signature does not match.');
    const { rows } = await db.query('SELECT content_type, bytes FROM media WHERE id = $1 AND tenant_id = $2', [id, tenantId]);
    const media = rows[0];
    if (!media) throw new ApiError('not-found');
    // Media never changes under one id: cache it for good.
    return reply
      .header('content-type', media.content_type as string)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(Buffer.from(media.bytes as Uint8Array));
  });
}
