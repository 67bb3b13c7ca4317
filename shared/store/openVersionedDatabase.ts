import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';

/**
 * One step of an IndexedDB schema: migration N takes the database from version N to N + 1. Migrations are
 * append-only — a shipped step is never edited — so a browser holding data of any earlier version is
 * brought forward step by step, keeping its data.
 */
export type Migration<Schema extends DBSchema> = (
  db: IDBPDatabase<Schema>,
  tx: IDBPTransaction<Schema, StoreNames<Schema>[], 'versionchange'>,
) => void;

export type VersionedDatabaseOptions<Schema extends DBSchema> = {
  name: string;
  migrations: readonly Migration<Schema>[];
  /** Another tab needs a newer version: we close, so its upgrade is not blocked forever. */
  onVersionChange?: () => void;
};

/** Opens `name` at version `migrations.length`, running the steps the stored database lacks. */
export async function openVersionedDatabase<Schema extends DBSchema>(options: VersionedDatabaseOptions<Schema>): Promise<IDBPDatabase<Schema>> {
  const { name, migrations, onVersionChange } = options;
  const db = await openDB<Schema>(name, migrations.length, {
    upgrade(database, oldVersion, _newVersion, transaction) {
      for (let version = oldVersion; version < migrations.length; version++) migrations[version]!(database, transaction);
    },
    blocking() {
      db.close();
      onVersionChange?.();
    },
  });
  return db;
}
