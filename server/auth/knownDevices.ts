import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/Database.js';

/**
 * Browsers an agent signed in from before. The browser holds a random token in an HttpOnly cookie
 * (sessionCookie.ts); the database holds its hash and the agent. A sign-in from a known device is slowed
 * only by its own failures (SignInThrottle), never by strangers guessing the same account.
 */
const hashDevice = (token: string) => createHash('sha256').update(`device:${token}`).digest('hex');

/** The device's id (its token's hash) when `token` is a device `agentId` signed in from; else undefined. */
export async function knownDeviceOf(db: Queryable, agentId: string | undefined, token: string | null): Promise<string | undefined> {
  if (!agentId || !token) return undefined;
  const hash = hashDevice(token);
  const { rows } = await db.query(`UPDATE known_devices SET last_used_at = now() WHERE token_hash = $1 AND agent_id = $2 RETURNING 1`, [hash, agentId]);
  return rows.length > 0 ? hash : undefined;
}

/** Records this browser as the agent's: answers the token for its cookie. */
export async function rememberDevice(db: Queryable, agentId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query('INSERT INTO known_devices (token_hash, agent_id) VALUES ($1, $2)', [hashDevice(token), agentId]);
  return token;
}

/** Devices unused for `days` are forgotten (the purge job). */
export async function purgeKnownDevices(db: Queryable, days = 400): Promise<number> {
  const { rows } = await db.query(`DELETE FROM known_devices WHERE last_used_at < now() - make_interval(days => $1) RETURNING 1`, [days]);
  return rows.length;
}
