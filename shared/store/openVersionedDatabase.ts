import { openDB, unwrap, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { trackConnection } from './openConnections.js';

/**
 * One step of an IndexedDB schema: migration N takes the database from version N to N + 1. Migrations are
 * append-only — a shipped step is never edited — so a browser holding data of any earlier version is
 * brought forward step by step, keeping its data.
 */
export type Migration<Schema extends DBSchema> = (db: IDBPDatabase<Schema>, tx: IDBPTransaction<Schema, StoreNames<Schema>[], 'versionchange'>) => void;

export type VersionedDatabaseOptions<Schema extends DBSchema> = {
  name: string;
  migrations: readonly Migration<Schema>[];
  /**
   * Another tab (a newer release) needs a newer version. This connection stays usable while the callback
   * runs — to store what is not stored yet (drafts) — then closes, so that upgrade is never blocked for
   * long (at most `versionChangeGraceMs`). The caller should then reload onto the newer release: its
   * code cannot open the database any more. A deletion is no newer release: the connection just closes.
   */
  onVersionChange?: (db: IDBPDatabase<Schema>) => Promise<void> | void;
  /** How long onVersionChange may keep the connection open; default 1 s. */
  versionChangeGraceMs?: number;
  /**
   * This open waits for another connection to close (an older tab that does not let go). Called once;
   * the open completes when the other closes.
   */
  onBlocked?: () => void;
};

/** Opens `name` at version `migrations.length`, running the steps the stored database lacks. */
export async function openVersionedDatabase<Schema extends DBSchema>(options: VersionedDatabaseOptions<Schema>): Promise<IDBPDatabase<Schema>> {
  const { name, migrations, onVersionChange, onBlocked, versionChangeGraceMs = 1000 } = options;
  const db = await openDB<Schema>(name, migrations.length, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      for (let version = oldVersion; version < migrations.length; version++) migrations[version]!(database, transaction);
    },
    blocked() {
      onBlocked?.();
    },
    blocking(_currentVersion, blockedVersion) {
      // The database is being deleted (a sign-out wiping it): let go at once. This is no newer release,
      // and reloading for one would run into the sign-out under way.
      if (blockedVersion === null) {
        db.close();
        return;
      }
      const grace = new Promise<void>((resolve) => setTimeout(resolve, versionChangeGraceMs));
      void Promise.race([Promise.resolve(onVersionChange?.(db)).catch(() => undefined), grace]).then(() => db.close());
    },
  });
  trackConnection(unwrap(db) as IDBDatabase);
  return db;
}
