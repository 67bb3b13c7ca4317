import type { ChangeModel } from 'holdfast/server';
import type { TaskSyncPage } from '../shared/taskTypes.js';
import { taskColumns, toTask } from './taskRows.js';

/** Delta sync of the task list: one table, so a page is simply the next tasks by change sequence. */
export const taskChanges: ChangeModel<TaskSyncPage> = {
  async page(db, tenantId, cursor, limit) {
    const { rows } = await db.query(`SELECT ${taskColumns} FROM tasks WHERE tenant_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3`, [
      tenantId,
      cursor.toString(),
      limit + 1,
    ]);
    const page = rows.slice(0, limit);
    return { tasks: page.map(toTask), cursor: String(page.at(-1)?.change_seq ?? cursor), hasMore: rows.length > limit };
  },
  itemCount: (page) => page.tasks.length,
  async latestSequences(db, tenantIds) {
    const { rows } = await db.query<{ id: string; seq: string | number }>(
      'SELECT t.id, coalesce((SELECT max(change_seq) FROM tasks WHERE tenant_id = t.id), 0) AS seq FROM unnest($1::uuid[]) AS t(id)',
      [tenantIds],
    );
    return new Map(rows.map((row) => [row.id, BigInt(row.seq)]));
  },
  async countChangesAfter(db, tenantId, cursor, limit) {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM (SELECT 1 FROM tasks WHERE tenant_id = $1 AND change_seq > $2 LIMIT $3) c', [
      tenantId,
      cursor.toString(),
      limit,
    ]);
    return rows[0]!.n;
  },
};
