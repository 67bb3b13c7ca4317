import type { Queryable } from 'holdfast/server';

/**
 * A digest of every table a user's data lives in, to assert that a request "changed nothing" or that a
 * replay left the database "as after the first time". Sessions are left out (signing in is a change),
 * and so are sequences (PostgreSQL never rolls those back; they are not data).
 */
const tables = ['tenants', 'agents', 'conversations', 'messages', 'canned_replies', 'media', 'applied_actions', 'conversation_changes'];

export type DatabaseSnapshot = Record<string, { rows: number; digest: string }>;

export async function snapshotDatabase(db: Queryable): Promise<DatabaseSnapshot> {
  const snapshot: DatabaseSnapshot = {};
  for (const table of tables) {
    const { rows } = await db.query<{ rows: number; digest: string | null }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
    );
    snapshot[table] = { rows: Number(rows[0]!.rows), digest: rows[0]!.digest ?? '' };
  }
  return snapshot;
}
