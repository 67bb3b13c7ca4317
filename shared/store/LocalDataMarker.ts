/** What the marker says of the device's local data, as last seen. */
export type LocalDataMark = {
  /** When the device's database first held synced data (ISO time). */
  since: string;
  /** Actions not yet on the server (pending or needing attention), as last seen. */
  unsent: number;
  /** The newest sync cursor the database was seen to hold (absent in marks written before it was kept). */
  cursor?: string;
};

/** Data the browser took away behind the app's back, as `LocalDataMarker.check` finds it. */
export type LocalDataLoss = {
  /** `gone`: the database was found empty; `older`: it holds less than it was seen to (a cursor behind the marker's). */
  kind: 'gone' | 'older';
  /** When the lost data had been kept since. */
  since: string;
  /** Actions waiting when last seen that are no longer in the outbox: lost with the data. */
  lostUnsent: number;
};

/** A key-value store apart from IndexedDB: the page's localStorage. */
export type MarkerStorage = { getItem(key: string): string | null; setItem(key: string, value: string): void; removeItem(key: string): void };

/**
 * Eviction said out loud. The browser may delete a site's IndexedDB (storage pressure, a user clearing
 * data, Safari's seven-day rule) while the session lives on, and the app would then show a silently
 * emptier inbox. So beside the database a small marker, in other storage, says the device held synced
 * data and how much work was unsent; a database found empty while the marker says it was filled is data
 * the browser took. Where the browser also wiped the marker's storage (Safari's rule takes localStorage
 * too) the session identity goes with it, and the agent signs in to a fresh device.
 */
export class LocalDataMarker {
  readonly #key: string;
  readonly #storage: MarkerStorage;
  /** The marker as this page found it, read before anything here could write it. */
  readonly #atStart: LocalDataMark | null;

  constructor(key: string, storage: MarkerStorage) {
    this.#key = key;
    this.#storage = storage;
    this.#atStart = this.#read();
  }

  /**
   * Compares the marker found at start with the database as read: its stored sync `cursor` (undefined: it
   * holds no synced data) and the actions its outbox holds now. Answers the loss, or null: the database
   * is gone, or older than the marker says it was (its cursor behind the marker's). A loss found clears
   * the marker: the fresh sync marks the device again (`noteSynced`).
   */
  check(cursor: string | undefined, unsentNow: number): LocalDataLoss | null {
    const mark = this.#atStart;
    if (!mark) return null;
    const kind = cursor === undefined ? 'gone' : mark.cursor !== undefined && isBefore(cursor, mark.cursor) ? 'older' : null;
    if (!kind) return null;
    this.clear();
    return { kind, since: mark.since, lostUnsent: Math.max(0, mark.unsent - unsentNow) };
  }

  /** The database holds synced data up to `cursor`: marked, with the time it first did and the newest cursor seen. */
  noteSynced(cursor: string, now = new Date()): void {
    const mark = this.#read();
    if (!mark) this.#write({ since: now.toISOString(), unsent: 0, cursor });
    else if (mark.cursor === undefined || isBefore(mark.cursor, cursor)) this.#write({ ...mark, cursor });
  }

  /** The outbox's unsent count, as it changes; only once the device is marked. */
  noteUnsent(unsent: number): void {
    const mark = this.#read();
    if (mark && mark.unsent !== unsent) this.#write({ ...mark, unsent });
  }

  /** Sign-out: the agent's data is deleted on purpose, and nothing is to be reported. */
  clear(): void {
    try {
      this.#storage.removeItem(this.#key);
    } catch {
      // Storage refused: nothing is marked then either.
    }
  }

  #read(): LocalDataMark | null {
    try {
      const stored = this.#storage.getItem(this.#key);
      if (!stored) return null;
      const mark = JSON.parse(stored) as Partial<LocalDataMark>;
      if (typeof mark.since !== 'string' || typeof mark.unsent !== 'number') return null;
      return { since: mark.since, unsent: mark.unsent, ...(isCursor(mark.cursor) ? { cursor: mark.cursor } : {}) };
    } catch {
      return null;
    }
  }

  #write(mark: LocalDataMark): void {
    try {
      this.#storage.setItem(this.#key, JSON.stringify(mark));
    } catch {
      // Full or refused: the marker is a best effort; the data it guards is not touched.
    }
  }
}

/** Sync cursors are decimal positions (see DeltaSync): compared as numbers, not as text; anything else never is. */
function isBefore(cursor: string, other: string): boolean {
  return isCursor(cursor) && isCursor(other) && BigInt(cursor) < BigInt(other);
}

function isCursor(value: unknown): value is string {
  return typeof value === 'string' && /^\d+$/.test(value);
}
