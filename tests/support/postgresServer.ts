import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBinDir, postgresOwnedDir, runAsPostgres } from '../../deploy/cluster/postgresTools.js';
import { schemaAndSeedKey } from './paths.js';
import { runTs } from './runNode.js';

/**
 * A real PostgreSQL server for the API tests: TEST_DATABASE_URL when given, otherwise Debian's
 * PostgreSQL started here on a loopback port (`npm test` installs the package when it is missing).
 * As root, the server runs as the `postgres` user, in a directory that user owns.
 */
const port = Number(process.env.TEST_PG_PORT ?? 55432);
const baseDir = '/tmp/holdfast-test-postgres';
const dataDir = join(baseDir, 'data');

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL ?? `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** Starts the test cluster unless it (or TEST_DATABASE_URL) is already up. Returns a stop function. */
export async function startPostgres(): Promise<() => void> {
  if (process.env.TEST_DATABASE_URL || (await canConnect())) return () => {};
  const bin = postgresBinDir();
  if (!bin)
    throw new Error(
      'PostgreSQL is not installed. Install it with `apt-get install -y postgresql` (npm test does so when run as root), or set TEST_DATABASE_URL.',
    );
  postgresOwnedDir(baseDir);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    runAsPostgres(`${bin}/initdb -D ${dataDir} -U postgres -A trust --no-sync >/dev/null`);
  }
  runAsPostgres(
    `${bin}/pg_ctl -D ${dataDir} -l ${baseDir}/server.log -w -t 60 -o "-p ${port} -k ${baseDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null`,
  );
  return () => runAsPostgres(`${bin}/pg_ctl -D ${dataDir} -m fast -w stop >/dev/null`);
}

async function canConnect(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function urlFor(database: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A migrated, seeded template database, made once per schema/seed version. */
export async function preparePostgresTemplate(): Promise<string> {
  const name = `holdfast_template_${schemaAndSeedKey()}`;
  const exists = await admin(async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  if (!exists) {
    const building = `${name}_building`;
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}`);
    });
    await runTs('app/server/seedCli.ts', { DATABASE_URL: urlFor(building) });
    await admin((client) => client.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
  }
  return name;
}

let counter = 0;
/** A fresh database copied from the template, for one test suite: its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const template = await preparePostgresTemplate();
  const name = `holdfast_test_${process.pid}_${Date.now()}_${counter++}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return urlFor(name);
}
