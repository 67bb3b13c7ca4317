import type { DBSchema, IDBPDatabase } from 'idb';
import { openVersionedDatabase } from '../store/openVersionedDatabase.js';

/**
 * Host health kept in IndexedDB, so every tab's requests (all through one service worker) and the next
 * worker instance — workers are stopped whenever idle — remember which host is down. Not agent data:
 * it names CDN hosts only, and sign-out leaves it.
 */
interface CascadeSchema extends DBSchema {
  breakers: { key: string; value: unknown };
}

const databaseName = 'holdfast-cascade';

export class BreakerStore {
  private constructor(readonly db: IDBPDatabase<CascadeSchema>) {}

  static async open(): Promise<BreakerStore> {
    return new BreakerStore(await openVersionedDatabase<CascadeSchema>({ name: databaseName, migrations: [(db) => void db.createObjectStore('breakers')] }));
  }

  async loadAll(hosts: readonly string[]): Promise<Record<string, unknown>> {
    const states = await Promise.all(hosts.map((host) => this.db.get('breakers', host)));
    return Object.fromEntries(hosts.flatMap((host, index) => (states[index] === undefined ? [] : [[host, states[index]]])));
  }

  /** Fire and forget: a lost write costs one more failed attempt after a restart, never correctness. */
  save(host: string, state: unknown): void {
    void this.db.put('breakers', state, host).catch(() => undefined);
  }
}
