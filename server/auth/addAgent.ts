import { hasUnstorableCharacters, normalizeEmail } from '../../shared/index.js';
import type { Database } from '../db/Database.js';
import { hashPassword } from './passwords.js';

export type NewAgent = { tenant: string; email: string; name: string; password: string };

/** At least this long: an operator's first agent is an administrator's account. */
export const minPasswordLength = 12;

/**
 * Creates an agent (and its tenant, by name, when there is none yet): how a production database gets its
 * first people, where the demo's seed must never run. The email is stored normalised (normalizeEmail).
 * Throws with a clear message, and changes nothing, on bad input or an email already in use.
 */
export async function addAgent(db: Database, agent: NewAgent): Promise<{ tenantId: string; agentId: string }> {
  const email = normalizeEmail(agent.email);
  const problems = [
    !/^[^\s@]+@[^\s@]+$/.test(email) && `"${agent.email}" is not an email address`,
    agent.name.trim() === '' && 'the name is empty',
    agent.tenant.trim() === '' && 'the tenant is empty',
    agent.password.length < minPasswordLength && `the password is shorter than ${minPasswordLength} characters`,
    [agent.email, agent.name, agent.tenant].some(hasUnstorableCharacters) && 'a field holds a NUL or a lone surrogate',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`Cannot add the agent: ${problems.join('; ')}.`);
  const passwordHash = await hashPassword(agent.password);
  return db.transaction(async (tx) => {
    if ((await tx.query('SELECT 1 FROM agents WHERE email = $1', [email])).rows.length > 0) throw new Error(`Cannot add the agent: ${email} already signs in.`);
    const existing = await tx.query<{ id: string }>('SELECT id FROM tenants WHERE name = $1 ORDER BY created_at LIMIT 1', [agent.tenant.trim()]);
    const tenantId =
      existing.rows[0]?.id ?? (await tx.query<{ id: string }>('INSERT INTO tenants (name) VALUES ($1) RETURNING id', [agent.tenant.trim()])).rows[0]!.id;
    const { rows } = await tx.query<{ id: string }>('INSERT INTO agents (tenant_id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING id', [
      tenantId,
      email,
      agent.name.trim(),
      passwordHash,
    ]);
    return { tenantId, agentId: rows[0]!.id };
  });
}
