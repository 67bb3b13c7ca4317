import type { Queryable } from '../db/Database.js';

/**
 * The ids of a tenant's members (the framework's `agents` table): what an assignment may name. Read inside
 * the batch's transaction, so an applier checks against the team as it is when the batch applies.
 */
export async function tenantMemberIds(db: Queryable, tenantId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM agents WHERE tenant_id = $1', [tenantId]);
  return new Set(rows.map((row) => row.id));
}
