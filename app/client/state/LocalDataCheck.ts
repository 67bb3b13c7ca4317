import { LocalDataMarker, type LocalDataLoss, type MarkerStorage, type OutboxSnapshot } from 'holdfast/client';

/**
 * Did the browser delete the device's data while the session lived on (eviction)? Answered once, when
 * both are known: whether the database held synced data when read, and the outbox as loaded. After that,
 * it keeps the marker's unsent count current, and notes each stored sync page.
 */
export class LocalDataCheck {
  readonly #marker: LocalDataMarker;
  readonly #onLoss: (loss: LocalDataLoss) => void;
  /** Whether the database held synced data when read (undefined until read). */
  #heldData: boolean | undefined;
  #checked = false;

  /** Reads the marker first: what the last visit left, before anything of this page can write it. */
  constructor(key: string, storage: MarkerStorage, onLoss: (loss: LocalDataLoss) => void) {
    this.#marker = new LocalDataMarker(key, storage);
    this.#onLoss = onLoss;
  }

  /** The local database was read: it held synced data (a stored cursor) or not. */
  databaseRead(heldData: boolean, outbox: OutboxSnapshot): void {
    this.#heldData = heldData;
    this.outboxChanged(outbox);
  }

  outboxChanged(outbox: OutboxSnapshot): void {
    if (this.#heldData === undefined || !outbox.loaded) return;
    const unsent = outbox.pending.length + outbox.failed.length;
    if (!this.#checked) {
      this.#checked = true;
      const lost = this.#marker.check(this.#heldData, unsent);
      if (lost) this.#onLoss(lost);
    }
    this.#marker.noteUnsent(unsent);
  }

  synced(outbox: OutboxSnapshot): void {
    this.#marker.noteSynced();
    this.outboxChanged(outbox);
  }

  /** Deleted on purpose (sign-out): nothing for the check to report at the next sign-in. */
  clear(): void {
    this.#marker.clear();
  }
}
