import type { ServerApp } from './app/ServerApp.js';
import { readConfig, type ServerConfig } from './config.js';
import type { Database } from './db/Database.js';
import { openDatabase } from './db/openDatabase.js';
import { openPostgres } from './db/openPostgres.js';
import { buildServer } from './http/buildServer.js';

export type RunServerOptions = {
  /** The app's name: its embedded database lives in `data/<name>` unless `dataDir` or DATA_DIR says otherwise. */
  name: string;
  /** Builds the app's server side once the database is open and migrated (it may read settings from it). */
  app: (db: Database) => Promise<ServerApp> | ServerApp;
  /** The app's migrations (the same list its ServerApp names). */
  migrations: ServerApp['migrations'];
  /** Fills an empty database with demo data when SEED=demo (never by default: a production database is not seeded). */
  seed?: { isSeeded: (db: Database) => Promise<boolean>; run: (db: Database) => Promise<void> };
  /**
   * Where embedded PGlite keeps this app's data when DATA_DIR is unset; default `data/<name>`: one directory
   * per app, so a second app never finds the first one's database (already seeded, so its own seed never runs).
   */
  dataDir?: string;
  /** Defaults to the environment (PORT, DATABASE_URL, DATA_DIR, STATIC_DIR, …: server/config.ts). */
  config?: ServerConfig;
};

/**
 * An app's server process: reads the configuration, opens and migrates the database (PGlite or
 * PostgreSQL), seeds an empty one, serves, and on SIGINT/SIGTERM closes the HTTP server and then the
 * database (so PGlite's directory lock is released even if a stream hangs).
 */
export async function runServer(options: RunServerOptions): Promise<void> {
  const config = options.config ?? readConfig(process.env, { dataDir: options.dataDir ?? `data/${options.name}` });
  const db = await openDatabase({ ...config, migrations: options.migrations });
  if (options.seed && config.seedWhenEmpty && !(await options.seed.isSeeded(db))) {
    console.log('Empty database: seeding the demo data…');
    await seedDatabase(db, options.seed);
  }
  if (config.readDatabaseUrl && !config.databaseUrl) throw new Error('READ_DATABASE_URL names a standby of DATABASE_URL: set both.');
  // The standby is read-only and migrated through the primary: opened, never migrated.
  // A standby that hangs fails its reads after 10 s (ReadReplica stops asking it within a second).
  const readDb = config.readDatabaseUrl ? await openPostgres({ connectionString: config.readDatabaseUrl, queryTimeoutMs: 10_000 }) : undefined;
  const app = await buildServer({
    ...config.server,
    db,
    app: await options.app(db),
    readReplica: readDb && { db: readDb, maxWaitMs: config.replicaMaxWaitMs },
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await Promise.race([app.close(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    await Promise.all([db.close(), readDb?.close()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A drill of the stream safeguard's watchdog in a real process: every free slot taken by a stream whose
  // release never runs, as a leak would leave them; new streams are refused until the audit gives them back.
  if (config.drills)
    process.on('SIGUSR2', () =>
      console.log(`drill (SIGUSR2): ${app.holdfast.streams.leakForDrill()} stream slot(s) leaked; the safeguard's audit must give them back`),
    );

  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? `PostgreSQL (DATABASE_URL${readDb ? ', reads from READ_DATABASE_URL' : ''})` : `PGlite in ${config.dataDir}`;
  console.log(`Holdfast listening on http://${config.host}:${config.port} — data: ${where}`);
}

/**
 * An app's seed command: migrate the configured database and seed it when empty (tests build templates with
 * it). The database is the environment's (DATABASE_URL, or DATA_DIR, else data/pglite: the workspace's).
 */
export async function runSeed(options: Required<Pick<RunServerOptions, 'migrations' | 'seed'>> & { config?: ServerConfig }): Promise<void> {
  const config = options.config ?? readConfig();
  const db = await openDatabase({ ...config, migrations: options.migrations });
  try {
    if (await options.seed.isSeeded(db)) console.log('Already seeded; nothing to do.');
    else {
      const started = Date.now();
      await seedDatabase(db, options.seed);
      console.log(`Seeded in ${Date.now() - started} ms.`);
    }
  } finally {
    await db.close();
  }
}

/**
 * Runs the seed, then ANALYZE: a bulk load leaves the planner's statistics saying the tables are nearly
 * empty, and PGlite has no autovacuum to refresh them. With them stale, a sync page (`change_seq > cursor
 * ORDER BY change_seq LIMIT n`) sorted every later row instead of walking the index: measured on 115,000
 * changes, 6.2 s of queries for a full first sync before, 2.9 s after.
 */
async function seedDatabase(db: Database, seed: NonNullable<RunServerOptions['seed']>): Promise<void> {
  await seed.run(db);
  await db.exec('ANALYZE');
}
