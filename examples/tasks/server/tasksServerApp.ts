import { fileURLToPath } from 'node:url';
import { ApiError, coreMigrations, sessionOf, type MigrationSet, type ServerApp } from 'holdfast/server';
import { taskActions } from '../shared/taskRegistry.js';
import type { Member } from '../shared/taskTypes.js';
import { existingTasks, taskApplier } from './taskApplier.js';
import { taskChanges } from './taskChanges.js';

/** The framework's tables first, then the task list's own (recorded as `tasks/…`). */
export const tasksMigrations: readonly MigrationSet[] = [
  coreMigrations,
  { directory: fileURLToPath(new URL('./migrations', import.meta.url)), prefix: 'tasks/' },
];

/** The task list's server side: everything else (sign-in, actions exactly once, sync, health) is the framework's. */
export const tasksServerApp: ServerApp = {
  name: 'tasks',
  actions: taskActions,
  applier: taskApplier,
  existingTargets: existingTasks,
  createsTarget: (action) => action.type === 'create',
  missingTargets: (ids) => new ApiError({ code: 'task-not-found', status: 404, message: 'No such task in your team.' }, { taskIds: ids }),
  changes: taskChanges,
  routes: (api, { db }) => {
    api.get('/api/members', async (request) => {
      const { rows } = await db.query<Member>('SELECT id, name, email FROM agents WHERE tenant_id = $1 ORDER BY name', [sessionOf(request).tenantId]);
      return { members: rows };
    });
  },
  migrations: tasksMigrations,
};
