import { PGlite } from '@electric-sql/pglite';
import type { Database } from './Database.js';
import { pgliteDatabase } from './pgliteDatabase.js';
import { lockDirectory } from './directoryLock.js';

/**
 * Embedded PostgreSQL (PGlite) in `directory`, held under an exclusive lock. PGlite runs with fsync off:
 * right for a demo and for tests, not for production, which wants a PostgreSQL server (DATABASE_URL).
 */
export async function openPglite(directory: string): Promise<Database> {
  const release = lockDirectory(directory);
  let pg: PGlite;
  try {
    pg = await PGlite.create({ dataDir: directory });
  } catch (error) {
    release();
    throw error;
  }
  return pgliteDatabase(pg, release);
}
