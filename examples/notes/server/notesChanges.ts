import type { ChangeModel } from 'holdfast/server';
import type { Note, NotesPage } from '../shared/notes.js';

const toNote = (row: Record<string, unknown>): Note => ({
  id: row.id as string,
  text: row.text as string,
  ownerId: row.owner_id as string,
  version: Number(row.version),
});

/**
 * Delta sync: the tenant's notes changed after a cursor, by change sequence. Notes are private, so each
 * member gets only their own (`visibleTo`), over `/api/sync` and the event stream alike.
 */
export const notesChanges: ChangeModel<NotesPage> = {
  async page(db, tenantId, cursor, limit) {
    const { rows } = await db.query(
      'SELECT id, text, owner_id, version, change_seq FROM notes WHERE tenant_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3',
      [tenantId, cursor.toString(), limit + 1],
    );
    const page = rows.slice(0, limit);
    return { notes: page.map(toNote), cursor: String(page.at(-1)?.change_seq ?? cursor), hasMore: rows.length > limit };
  },
  visibleTo: (page, viewer) => ({ ...page, notes: page.notes.filter((note) => note.ownerId === viewer.memberId) }),
  itemCount: (page) => page.notes.length,
  async latestSequences(db, tenantIds) {
    const { rows } = await db.query<{ id: string; seq: string }>(
      'SELECT t.id, coalesce((SELECT max(change_seq) FROM notes WHERE tenant_id = t.id), 0) AS seq FROM unnest($1::uuid[]) AS t(id)',
      [tenantIds],
    );
    return new Map(rows.map((row) => [row.id, BigInt(row.seq)]));
  },
  async countChangesAfter(db, tenantId, cursor, limit) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM notes WHERE tenant_id = $1 AND change_seq > $2 LIMIT $3) c', [
      tenantId,
      cursor.toString(),
      limit,
    ]);
    return rows[0]!.n;
  },
};
