/**
 * Tells subscribers of a tenant that something changed. In-process notices arrive at once. Changes
 * committed by another server process on the same PostgreSQL are found by one poll per interval for all
 * watched tenants together (`latestSequences`: one cheap indexed read), and only a tenant whose sequence
 * moved is notified — so 500 idle streams cost one query per interval, not 500 syncs.
 */
export type ChangeFeedOptions = {
  pollIntervalMs?: number;
  /** The newest change sequence of each given tenant. */
  latestSequences?: (tenantIds: string[]) => Promise<Map<string, bigint>>;
  onPollError?: (error: unknown) => void;
};

export class ChangeFeed {
  readonly #subscribers = new Map<string, Set<() => void>>();
  readonly #seen = new Map<string, bigint>();
  readonly #options: ChangeFeedOptions;
  readonly #timer: ReturnType<typeof setInterval>;
  #polling = false;

  constructor(options: ChangeFeedOptions = {}) {
    this.#options = options;
    this.#timer = setInterval(() => void this.poll(), options.pollIntervalMs ?? 2000);
    this.#timer.unref();
  }

  subscribe(tenantId: string, listener: () => void): () => void {
    let listeners = this.#subscribers.get(tenantId);
    if (!listeners) this.#subscribers.set(tenantId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#subscribers.get(tenantId) === listeners) {
        this.#subscribers.delete(tenantId);
        this.#seen.delete(tenantId);
      }
    };
  }

  notify(tenantId: string): void {
    for (const listener of [...(this.#subscribers.get(tenantId) ?? [])]) listener();
  }

  /** One read for every watched tenant; notifies those whose sequence moved since the last poll. */
  async poll(): Promise<void> {
    const { latestSequences, onPollError } = this.#options;
    if (this.#polling || this.#subscribers.size === 0) return;
    if (!latestSequences) {
      for (const tenantId of [...this.#subscribers.keys()]) this.notify(tenantId);
      return;
    }
    this.#polling = true;
    try {
      const latest = await latestSequences([...this.#subscribers.keys()]);
      for (const [tenantId, sequence] of latest) {
        const before = this.#seen.get(tenantId);
        this.#seen.set(tenantId, sequence);
        // The first poll of a tenant notifies too: a change another process made since a stream opened is not missed.
        if (before === undefined || sequence > before) this.notify(tenantId);
      }
    } catch (error) {
      onPollError?.(error);
    } finally {
      this.#polling = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#subscribers.clear();
  }
}
