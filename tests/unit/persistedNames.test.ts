import { describe, expect, it } from 'vitest';
import { migrationNames } from 'holdfast/server';
import { outboxDatabaseName } from 'holdfast/client';
import { workspaceDatabaseName } from '../../app/shared/client.js';
import { workspaceMigrations } from '../../app/server/workspaceServerApp.js';
import { tasksMigrations } from '../../examples/tasks/server/tasksServerApp.js';
import { outboxScopeOf } from '../../examples/tasks/shared/names.js';
import { demoMigrations } from '../../app/demo/demoMigrations.js';

/**
 * Names that data already stored is found by. A database records each migration by name (the file's name,
 * with its set's prefix), a browser keeps its IndexedDB databases by name: a rename or a new prefix, in a
 * move of files or a refactoring, would re-run a migration on every existing server (the first one's
 * CREATE TABLE then stops it starting) or leave every queued action in a database no code opens any more.
 * So they are written out here, and a change to one is a decision, with a migration of its own.
 */
describe('names stored data is found by', () => {
  const workspace = [
    '001_initial.sql',
    '002_tenant_scoped_ids.sql',
    '003_generic_action_target.sql',
    '004_presence.sql',
    'core/001_core.sql',
    'core/002_client_events.sql',
    'core/003_hardening.sql',
    'core/004_incidents.sql',
  ];

  it("the workspace's migrations, as its servers have recorded them, in the order they run; the in-browser demo's the same", () => {
    expect(migrationNames(workspaceMigrations)).toEqual(workspace);
    expect(demoMigrations.map((migration) => migration.name)).toEqual(workspace);
  });

  it("the tasks app's migrations", () => {
    expect(migrationNames(tasksMigrations)).toEqual([
      'core/001_core.sql',
      'core/002_client_events.sql',
      'core/003_hardening.sql',
      'core/004_incidents.sql',
      'tasks/001_tasks.sql',
    ]);
  });

  it('the IndexedDB databases holding queued actions and local data', () => {
    expect(outboxDatabaseName('t1:a1')).toBe('holdfast-outbox:t1:a1');
    expect(outboxDatabaseName(outboxScopeOf('t1', 'm1'))).toBe('holdfast-outbox:tasks:t1:m1');
    expect(workspaceDatabaseName('t1', 'a1')).toBe('holdfast-workspace:t1:a1');
    expect(workspaceDatabaseName('t1', 'a1', 'demo')).toBe('holdfast-workspace-demo:t1:a1');
  });
});
