import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signs media URLs. An `<img>` cannot send a bearer token, so the API hands out URLs that carry a
 * signature over (tenant, media id) instead: unguessable, tenant-bound, and stable, so the service
 * worker can cache an image under one URL. The key lives in the database so every server process of a
 * deployment signs alike.
 */
export class MediaSigner {
  readonly #key: string;
  constructor(key: string) {
    this.#key = key;
  }

  #signature(tenantId: string, mediaId: string): string {
    return createHmac('sha256', this.#key).update(`${tenantId}:${mediaId}`).digest('base64url').slice(0, 32);
  }

  url(tenantId: string, mediaId: string): string {
    return `/media/${mediaId}?t=${tenantId}&sig=${this.#signature(tenantId, mediaId)}`;
  }

  verify(tenantId: string, mediaId: string, signature: string): boolean {
    const expected = Buffer.from(this.#signature(tenantId, mediaId));
    const actual = Buffer.from(signature);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
