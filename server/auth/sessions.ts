import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/Database.js';
import { normalizeEmail } from '../../shared/index.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

/** A week: an agent back from a long weekend is still signed in; a forgotten device is not for long. */
export const defaultIdleSeconds = 7 * 24 * 3600;

export type Session = { agentId: string; agentName: string; agentEmail: string; tenantId: string; tenantName: string; tokenHash: string };

/** Only a hash of the token is stored: a leaked database does not leak live sessions. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

type AgentRow = { id: string; name: string; email: string; password_hash: string; tenant_id: string; tenant_name: string };

/** The agent whose (normalised) email this is, with its password hash; undefined when none is. */
export async function findAgentByEmail(db: Queryable, email: string): Promise<AgentRow | undefined> {
  const { rows } = await db.query<AgentRow>(
    `SELECT a.id, a.name, a.email, a.password_hash, a.tenant_id, t.name AS tenant_name
     FROM agents a JOIN tenants t ON t.id = a.tenant_id WHERE a.email = $1`,
    [normalizeEmail(email)],
  );
  return rows[0];
}

/**
 * Checks the password. An unknown email costs the same scrypt as a wrong password (it is checked against
 * a dummy hash), so the answer's timing does not tell which emails exist.
 */
export async function passwordMatches(agent: AgentRow | undefined, password: string): Promise<boolean> {
  const matches = await verifyPassword(password, agent?.password_hash ?? (await dummyPasswordHash()));
  return agent !== undefined && matches;
}

export type SessionLimits = { ttlSeconds: number; maxPerAgent: number };

/**
 * Opens a session for an agent whose password was checked. An agent has at most `maxPerAgent` sessions:
 * the oldest beyond that are ended (a script signing in in a loop cannot fill the table).
 */
export async function openSession(db: Queryable, agent: AgentRow, limits: SessionLimits): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  await db.query(`INSERT INTO sessions (token_hash, agent_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, [
    tokenHash,
    agent.id,
    agent.tenant_id,
    limits.ttlSeconds,
  ]);
  await db.query(
    `DELETE FROM sessions WHERE agent_id = $1 AND token_hash IN (
       SELECT token_hash FROM sessions WHERE agent_id = $1 ORDER BY created_at DESC, token_hash OFFSET $2)`,
    [agent.id, limits.maxPerAgent],
  );
  return {
    token,
    session: { agentId: agent.id, agentName: agent.name, agentEmail: agent.email, tenantId: agent.tenant_id, tenantName: agent.tenant_name, tokenHash },
  };
}

/** How long a session may go unused before it ends, and how often its use is written down. */
export type SessionIdle = { idleSeconds: number };

/**
 * The live session of `token`: not expired, and used within `idleSeconds`. Its use is written down at most
 * once per tenth of the idle time (and at least once a minute), not on every request.
 */
export async function findSession(db: Queryable, token: string, idle: SessionIdle = { idleSeconds: defaultIdleSeconds }): Promise<Session | null> {
  const tokenHash = hashToken(token);
  const { rows } = await db.query<{ agent_id: string; name: string; email: string; tenant_id: string; tenant_name: string; stale: boolean }>(
    `SELECT s.agent_id, a.name, a.email, s.tenant_id, t.name AS tenant_name, s.last_used_at < now() - make_interval(secs => $3) AS stale
     FROM sessions s JOIN agents a ON a.id = s.agent_id JOIN tenants t ON t.id = s.tenant_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_used_at > now() - make_interval(secs => $2) AND a.tenant_id = s.tenant_id`,
    [tokenHash, idle.idleSeconds, Math.min(60, idle.idleSeconds / 10)],
  );
  const row = rows[0];
  if (row?.stale) await db.query('UPDATE sessions SET last_used_at = now() WHERE token_hash = $1', [tokenHash]);
  return row ? { agentId: row.agent_id, agentName: row.name, agentEmail: row.email, tenantId: row.tenant_id, tenantName: row.tenant_name, tokenHash } : null;
}

/** Of `tokenHashes`, the sessions still valid: an open event stream re-checks its session with this. */
export async function liveSessions(
  db: Queryable,
  tokenHashes: readonly string[],
  idle: SessionIdle = { idleSeconds: defaultIdleSeconds },
): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const { rows } = await db.query<{ token_hash: string }>(
    'SELECT token_hash FROM sessions WHERE token_hash = ANY($1::text[]) AND expires_at > now() AND last_used_at > now() - make_interval(secs => $2)',
    [tokenHashes, idle.idleSeconds],
  );
  return new Set(rows.map((row) => row.token_hash));
}

export async function signOut(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Deletes expired and idle sessions; answers how many. */
export async function purgeExpiredSessions(db: Queryable, idle: SessionIdle = { idleSeconds: defaultIdleSeconds }): Promise<number> {
  const { rows } = await db.query('DELETE FROM sessions WHERE expires_at <= now() OR last_used_at <= now() - make_interval(secs => $1) RETURNING 1', [
    idle.idleSeconds,
  ]);
  return rows.length;
}
