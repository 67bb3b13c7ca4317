/// <reference types="vite/client" />
import type { MigrationSource } from './applyMigrations.js';

/**
 * The framework's core migrations as text, for a backend bundled by Vite (an in-browser demo on PGlite),
 * recorded as the server records them (`core/…`, in name order). A function, not a constant: Vite replaces
 * the glob at build time, and Node, which has no `import.meta.glob`, may load this module without calling it.
 */
export function coreMigrationSources(): MigrationSource[] {
  const files = import.meta.glob<string>('../migrations/*.sql', { query: '?raw', import: 'default', eager: true });
  return Object.keys(files)
    .sort()
    .map((path) => ({ name: `core/${path.slice(path.lastIndexOf('/') + 1)}`, sql: files[path]! }));
}
