/// <reference types="vite/client" />
import { coreMigrationSources, type MigrationSource } from 'holdfast/server-core';

// The server's own migration files, as text in the bundle: the in-browser demo's schema is the server's,
// in the same order (the workspace's set, then the framework's core set, as workspaceMigrations lists them).
const workspace = import.meta.glob<string>('../server/migrations/*.sql', { query: '?raw', import: 'default', eager: true });

const inOrder = (files: Record<string, string>, prefix: string): MigrationSource[] =>
  Object.keys(files)
    .sort()
    .map((path) => ({ name: prefix + path.slice(path.lastIndexOf('/') + 1), sql: files[path]! }));

export const demoMigrations: MigrationSource[] = [...inOrder(workspace, ''), ...coreMigrationSources()];
