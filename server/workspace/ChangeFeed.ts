/**
 * Tells subscribers of a tenant that something changed. In-process notices arrive at once; a slow poll
 * also fires for every watched tenant, so a change committed by another server process on the same
 * PostgreSQL reaches this process's event streams too (each subscriber then syncs since its own cursor).
 */
export type ChangeFeedOptions = { pollIntervalMs?: number };

export class ChangeFeed {
  readonly #subscribers = new Map<string, Set<() => void>>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor({ pollIntervalMs = 2000 }: ChangeFeedOptions = {}) {
    this.#timer = setInterval(() => {
      for (const tenantId of this.#subscribers.keys()) this.notify(tenantId);
    }, pollIntervalMs);
    this.#timer.unref();
  }

  subscribe(tenantId: string, listener: () => void): () => void {
    let listeners = this.#subscribers.get(tenantId);
    if (!listeners) this.#subscribers.set(tenantId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#subscribers.delete(tenantId);
    };
  }

  notify(tenantId: string): void {
    for (const listener of this.#subscribers.get(tenantId) ?? []) listener();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#subscribers.clear();
  }
}
