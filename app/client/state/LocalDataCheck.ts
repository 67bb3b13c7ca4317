import { LocalDataMarker, type LocalDataLoss, type MarkerStorage, type OutboxSnapshot } from 'holdfast/client';

/**
 * Did the browser delete the device's data while the session lived on (eviction)? Answered once, when
 * both are known: the sync cursor the database held when read, and the outbox as loaded. After that,
 * it keeps the marker's unsent count current, and notes each stored sync page.
 */
export class LocalDataCheck {
  readonly #marker: LocalDataMarker;
  readonly #onLoss: (loss: LocalDataLoss) => void;
  /** The sync cursor the database held when read (null: none; undefined: not read yet). */
  #heldCursor: string | null | undefined;
  #checked = false;

  /** Reads the marker first: what the last visit left, before anything of this page can write it. */
  constructor(key: string, storage: MarkerStorage, onLoss: (loss: LocalDataLoss) => void) {
    this.#marker = new LocalDataMarker(key, storage);
    this.#onLoss = onLoss;
  }

  /** The local database was read: the sync cursor it held (undefined: none, no synced data). */
  databaseRead(cursor: string | undefined, outbox: OutboxSnapshot): void {
    this.#heldCursor = cursor ?? null;
    this.outboxChanged(outbox);
  }

  outboxChanged(outbox: OutboxSnapshot): void {
    if (this.#heldCursor === undefined || !outbox.loaded) return;
    const unsent = outbox.pending.length + outbox.failed.length;
    if (!this.#checked) {
      this.#checked = true;
      const lost = this.#marker.check(this.#heldCursor ?? undefined, unsent);
      if (lost) this.#onLoss(lost);
    }
    this.#marker.noteUnsent(unsent);
  }

  /** A sync page was stored: the database holds data up to `cursor`. */
  synced(cursor: string, outbox: OutboxSnapshot): void {
    this.#marker.noteSynced(cursor);
    this.outboxChanged(outbox);
  }

  /** Deleted on purpose (sign-out): nothing for the check to report at the next sign-in. */
  clear(): void {
    this.#marker.clear();
  }
}
