import { openPglite } from 'holdfast/server';
import { openPostgres } from 'holdfast/server';
import { snapshotDatabase, type DatabaseSnapshot } from '../support/databaseSnapshot.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { createPostgresDatabase } from '../support/postgresServer.js';
import { ServerProcess } from '../support/serverProcess.js';
import { BrowserBackend } from '../support/BrowserBackend.js';

/**
 * One real server process on a fresh copy of the seeded database, PGlite or PostgreSQL, with a way to
 * read the database directly. PGlite allows one process per directory, so its snapshot stops the
 * server, reads the files, and starts it again on the same port.
 */
export type BackendKind = 'pglite' | 'postgres';
export const backendKinds: BackendKind[] = ['pglite', 'postgres'];

export class TestBackend {
  private constructor(
    readonly kind: BackendKind,
    readonly server: ServerProcess,
  ) {}

  /** `env`: the server's configuration beyond the defaults (limits and timeouts, as an operator sets them). */
  static async start(kind: BackendKind, env: Record<string, string> = {}): Promise<TestBackend> {
    const target = kind === 'pglite' ? { dataDir: await copyPgliteTemplate() } : { databaseUrl: await createPostgresDatabase() };
    return new TestBackend(kind, await ServerProcess.start(target, env));
  }

  get url(): string {
    return this.server.url;
  }

  async snapshot(): Promise<DatabaseSnapshot> {
    const target = this.server.target;
    if ('databaseUrl' in target) {
      const db = await openPostgres({ connectionString: target.databaseUrl, maxConnections: 1 });
      try {
        return await snapshotDatabase(db);
      } finally {
        await db.close();
      }
    }
    await this.server.stop();
    const db = await openPglite(target.dataDir);
    try {
      return await snapshotDatabase(db);
    } finally {
      await db.close();
      await this.server.restart();
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}

/**
 * Where the action protocol's cases run: the server on both databases, and the workspace's in-browser demo
 * backend (the server's engine and SQL on PGlite in a Chromium worker), which must behave the same.
 */
export type ProtocolBackendKind = BackendKind | 'in-browser demo';
export const protocolBackendKinds: ProtocolBackendKind[] = [...backendKinds, 'in-browser demo'];
export type ProtocolBackend = { url: string; snapshot(): Promise<DatabaseSnapshot>; stop(): Promise<void> };

export async function startProtocolBackend(kind: ProtocolBackendKind): Promise<ProtocolBackend> {
  if (kind !== 'in-browser demo') return TestBackend.start(kind);
  const browser = await BrowserBackend.start();
  return { url: browser.url, snapshot: () => snapshotDatabase(browser.db), stop: () => browser.stop() };
}
