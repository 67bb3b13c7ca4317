import type { DBSchema, IDBPDatabase } from 'idb';
import { openVersionedDatabase } from 'holdfast/client';
import type { Member, Task } from '../shared/taskTypes.js';

/** One member's local copy of their team's list: tasks as last synced, the team, and the sync cursor. */
interface TaskSchema extends DBSchema {
  tasks: { key: string; value: Task };
  members: { key: string; value: Member };
  meta: { key: string; value: string };
}

export type TaskDatabase = IDBPDatabase<TaskSchema>;

export const taskDatabaseName = (tenantId: string, memberId: string) => `holdfast-tasks:${tenantId}:${memberId}`;

export function openTaskDatabase(tenantId: string, memberId: string): Promise<TaskDatabase> {
  return openVersionedDatabase<TaskSchema>({
    name: taskDatabaseName(tenantId, memberId),
    migrations: [
      (db) => {
        db.createObjectStore('tasks', { keyPath: 'id' });
        db.createObjectStore('members', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    ],
  });
}
