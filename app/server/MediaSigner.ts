import { createHmac, timingSafeEqual } from 'node:crypto';

/** A signing key: `id` travels in the URL (`k`), so a URL signed before a rotation still verifies. */
export type MediaKey = { id: string; secret: string };

export type MediaSignerOptions = {
  /** Newest first: the first signs, every one verifies. */
  keys: readonly MediaKey[];
  /** How long a URL is good for, at least; default 12 hours. */
  ttlSeconds?: number;
  now?: () => number;
};

export const mediaUrlDefaults = { ttlSeconds: 12 * 3600 } as const;

/**
 * Signs media URLs. An `<img>` cannot send a bearer token, so the API hands out URLs that carry a
 * signature over (tenant, media id, expiry) instead: unguessable, tenant-bound, and good for hours, not
 * for ever (a URL copied out of a signed-out browser stops working). The expiry is rounded up to the
 * next tenth of the lifetime, so a thread read twice within that gets the same URLs; the service worker
 * caches media by path (sw/cacheMedia.ts), so a new URL for the same image is no new download.
 *
 * Keys live in the database (every server process signs alike) and rotate: `rotateMediaKey` adds a key,
 * which signs from then on, and keeps the one before it for the URLs already handed out.
 */
export class MediaSigner {
  #keys: readonly MediaKey[];
  readonly #ttlSeconds: number;
  readonly #now: () => number;

  constructor({ keys, ttlSeconds = mediaUrlDefaults.ttlSeconds, now = Date.now }: MediaSignerOptions) {
    if (keys.length === 0) throw new Error('MediaSigner needs at least one key.');
    this.#keys = keys;
    this.#ttlSeconds = ttlSeconds;
    this.#now = now;
  }

  /** The keys after a rotation (re-read from the database by the server every minute). */
  useKeys(keys: readonly MediaKey[]): void {
    if (keys.length > 0) this.#keys = keys;
  }

  #signature(key: MediaKey, tenantId: string, mediaId: string, expires: number): string {
    return createHmac('sha256', key.secret).update(`${tenantId}:${mediaId}:${expires}`).digest('base64url').slice(0, 32);
  }

  url(tenantId: string, mediaId: string): string {
    const step = Math.max(1, Math.round(this.#ttlSeconds / 10));
    const expires = Math.ceil((this.#now() / 1000 + this.#ttlSeconds) / step) * step;
    const key = this.#keys[0]!;
    return `/media/${mediaId}?t=${tenantId}&e=${expires}&k=${encodeURIComponent(key.id)}&sig=${this.#signature(key, tenantId, mediaId, expires)}`;
  }

  /** `valid`, or why not: a forged or tampered URL, or one whose time is up. */
  verify(tenantId: string, mediaId: string, expires: number, keyId: string, signature: string): 'valid' | 'invalid' | 'expired' {
    const key = this.#keys.find((candidate) => candidate.id === keyId);
    if (!key) return 'invalid';
    const expected = Buffer.from(this.#signature(key, tenantId, mediaId, expires));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return 'invalid';
    return expires * 1000 > this.#now() ? 'valid' : 'expired';
  }

  /** Seconds until a URL expiring at `expires` stops working (its answer's cache lifetime). */
  secondsLeft(expires: number): number {
    return Math.max(0, Math.floor(expires - this.#now() / 1000));
  }
}
