import { randomBytes } from 'node:crypto';
import type { Queryable } from 'holdfast/server';
import type { MediaKey } from './MediaSigner.js';

/**
 * The media signing keys in `server_settings`: `media_signing_key` (the first, made by migration 001) and
 * `media_signing_key:<id>` for each rotation, whose id is the time it was made (so newest sorts first).
 */
export async function loadMediaKeys(db: Queryable): Promise<MediaKey[]> {
  const { rows } = await db.query<{ key: string; value: string }>(`SELECT key, value FROM server_settings WHERE key LIKE 'media_signing_key%'`);
  return rows
    .map((row) => ({ id: row.key === 'media_signing_key' ? '0' : row.key.slice('media_signing_key:'.length), secret: row.value }))
    .sort((a, b) => b.id.localeCompare(a.id, 'en', { numeric: true }));
}

/**
 * Adds a new key, which signs from then on, and deletes all but it and the one before it: URLs signed
 * with the previous key stay good until they expire; older ones stop working. Run it more seldom than
 * the URLs' lifetime (`npm run rotate-media-key`; servers pick the new key up within a minute).
 */
export async function rotateMediaKey(db: Queryable): Promise<MediaKey[]> {
  const id = String(Date.now());
  await db.query('INSERT INTO server_settings (key, value) VALUES ($1, $2)', [`media_signing_key:${id}`, randomBytes(32).toString('base64url')]);
  const keys = await loadMediaKeys(db);
  for (const old of keys.slice(2))
    await db.query('DELETE FROM server_settings WHERE key = $1', [old.id === '0' ? 'media_signing_key' : `media_signing_key:${old.id}`]);
  return keys.slice(0, 2);
}
