import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/Database.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

export type Session = { agentId: string; agentName: string; agentEmail: string; tenantId: string; tenantName: string; tokenHash: string };

/** Only a hash of the token is stored: a leaked database does not leak live sessions. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Checks the password and opens a session. An unknown email costs the same scrypt as a wrong password
 * (it is checked against a dummy hash), so the answer's timing does not tell which emails exist.
 */
export async function signIn(db: Queryable, email: string, password: string, ttlSeconds: number): Promise<{ token: string; session: Session } | null> {
  const { rows } = await db.query<{ id: string; name: string; email: string; password_hash: string; tenant_id: string; tenant_name: string }>(
    `SELECT a.id, a.name, a.email, a.password_hash, a.tenant_id, t.name AS tenant_name
     FROM agents a JOIN tenants t ON t.id = a.tenant_id WHERE lower(a.email) = lower($1)`,
    [email],
  );
  const agent = rows[0];
  const matches = await verifyPassword(password, agent?.password_hash ?? (await dummyPasswordHash()));
  if (!agent || !matches) return null;
  const token = randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  await db.query(`INSERT INTO sessions (token_hash, agent_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`, [
    tokenHash,
    agent.id,
    agent.tenant_id,
    ttlSeconds,
  ]);
  return {
    token,
    session: { agentId: agent.id, agentName: agent.name, agentEmail: agent.email, tenantId: agent.tenant_id, tenantName: agent.tenant_name, tokenHash },
  };
}

export async function findSession(db: Queryable, token: string): Promise<Session | null> {
  const tokenHash = hashToken(token);
  const { rows } = await db.query<{ agent_id: string; name: string; email: string; tenant_id: string; tenant_name: string }>(
    `SELECT s.agent_id, a.name, a.email, s.tenant_id, t.name AS tenant_name
     FROM sessions s JOIN agents a ON a.id = s.agent_id JOIN tenants t ON t.id = s.tenant_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND a.tenant_id = s.tenant_id`,
    [tokenHash],
  );
  const row = rows[0];
  return row ? { agentId: row.agent_id, agentName: row.name, agentEmail: row.email, tenantId: row.tenant_id, tenantName: row.tenant_name, tokenHash } : null;
}

/** Of `tokenHashes`, the sessions still valid: an open event stream re-checks its session with this. */
export async function liveSessions(db: Queryable, tokenHashes: readonly string[]): Promise<Set<string>> {
  if (tokenHashes.length === 0) return new Set();
  const { rows } = await db.query<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE token_hash = ANY($1::text[]) AND expires_at > now()', [tokenHashes]);
  return new Set(rows.map((row) => row.token_hash));
}

export async function signOut(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Deletes expired sessions; answers how many. */
export async function purgeExpiredSessions(db: Queryable): Promise<number> {
  const { rows } = await db.query('DELETE FROM sessions WHERE expires_at <= now() RETURNING 1');
  return rows.length;
}
