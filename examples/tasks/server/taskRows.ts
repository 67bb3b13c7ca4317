import type { Task } from '../shared/taskTypes.js';

export const taskColumns = 'id, title, notes, done, assignee_id, created_by, version, change_seq';

export function toTask(row: Record<string, unknown>): Task {
  return {
    id: row.id as string,
    title: row.title as string,
    notes: row.notes as string,
    done: row.done as boolean,
    assigneeId: (row.assignee_id as string | null) ?? null,
    createdBy: row.created_by as string,
    version: Number(row.version),
  };
}
