import { resolve } from 'node:path';

/** The server's settings, from the environment; each has a default that runs the demo. */
export type ServerConfig = {
  port: number;
  host: string;
  /** PostgreSQL server URL; when absent, embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  staticDir: string;
  /** Seed the demo tenants when the database is empty. */
  seedWhenEmpty: boolean;
  logRequests: boolean;
};

export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}".`);
  return {
    port,
    host: env.HOST ?? 'localhost',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.DATA_DIR ?? 'data/pglite'),
    staticDir: resolve(env.STATIC_DIR ?? 'dist'),
    seedWhenEmpty: env.SEED !== 'false',
    logRequests: env.LOG_REQUESTS === 'true',
  };
}
