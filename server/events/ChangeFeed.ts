import type { DatabaseListener, ListenHandlers } from '../db/Database.js';

/**
 * Tells subscribers of a tenant that something changed.
 *
 * - Changes made by this process: at once (`notify`, after the commit).
 * - Changes made by another process on the same PostgreSQL: through LISTEN/NOTIFY. Each writer's
 *   transaction sends `pg_notify(channel, '<tenant>:<sequence>')`, which PostgreSQL delivers at commit.
 *   The payload is a pointer, never the data. One listening connection per process serves all its
 *   streams, and only the tenants with subscribers are told.
 * - A notification lost while the listener was down (a restart, `pg_terminate_backend`, a cut:
 *   node-postgres#967) is not waited for. Each time the listener is back, one catch-up read of every
 *   watched tenant's newest sequence notifies those that moved.
 * - Where no listener exists (a database without LISTEN), a poll every `pollIntervalMs` does the same
 *   read. PGlite has no other process to hear from.
 */
export type ChangeFeedOptions = {
  /** The newest change sequence of each given tenant: the catch-up read. */
  latestSequences?: (tenantIds: string[]) => Promise<Map<string, bigint>>;
  /** LISTEN on the database (Database.listen); when given, there is no poll. */
  listen?: (handlers: ListenHandlers) => Promise<DatabaseListener>;
  /** Without `listen`: how often to read; default 2 s. 0: never (one process, nothing to hear from). */
  pollIntervalMs?: number;
  onPollError?: (error: unknown) => void;
};

export class ChangeFeed {
  readonly #subscribers = new Map<string, Set<() => void>>();
  readonly #seen = new Map<string, bigint>();
  readonly #generations = new Map<string, number>();
  readonly #options: ChangeFeedOptions;
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #listener: DatabaseListener | undefined;
  #polling = false;
  #closed = false;
  /** Catch-up reads run (after each reconnect of the listener), for tests and operators. */
  catchUps = 0;

  constructor(options: ChangeFeedOptions = {}) {
    this.#options = options;
    const interval = options.pollIntervalMs ?? 2000;
    if (!options.listen && interval > 0) {
      this.#timer = setInterval(() => void this.poll(), interval);
      this.#timer.unref();
    }
  }

  /** Starts listening (when the database can). Resolves once the first LISTEN is in place or has failed (it then retries). */
  async start(): Promise<void> {
    if (!this.#options.listen) return;
    this.#listener = await this.#options.listen({
      onNotify: (payload) => this.#received(payload),
      onListening: (reconnected) => {
        if (!reconnected) return;
        this.catchUps++;
        void this.poll();
      },
      onError: this.#options.onPollError,
    });
    if (this.#closed) await this.#listener.close();
  }

  get listener(): DatabaseListener | undefined {
    return this.#listener;
  }

  subscribe(tenantId: string, listener: () => void): () => void {
    let listeners = this.#subscribers.get(tenantId);
    if (!listeners) {
      listeners = new Set();
      this.#subscribers.set(tenantId, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.#subscribers.get(tenantId) === listeners) {
        this.#subscribers.delete(tenantId);
        this.#seen.delete(tenantId);
        this.#generations.delete(tenantId);
      }
    };
  }

  /**
   * How many notices this tenant's subscribers have had: a read begun at generation N may miss a change
   * announced by notice N + 1 (SharedPageReads).
   */
  generation(tenantId: string): number {
    return this.#generations.get(tenantId) ?? 0;
  }

  notify(tenantId: string): void {
    this.#generations.set(tenantId, this.generation(tenantId) + 1);
    for (const listener of [...(this.#subscribers.get(tenantId) ?? [])]) listener();
  }

  #received(payload: string): void {
    // The sequence after the colon is a pointer for people reading the traffic; a stream reads from its
    // own cursor whatever it says, so a notice about something already sent costs one shared page read.
    const at = payload.lastIndexOf(':');
    const tenantId = at < 0 ? payload : payload.slice(0, at);
    if (this.#subscribers.has(tenantId)) this.notify(tenantId);
  }

  /** One read for every watched tenant; notifies those whose sequence moved since last seen. */
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
        // The first read of a tenant notifies too: a change another process made since a stream opened is not missed.
        if (before === undefined || sequence > before) this.notify(tenantId);
      }
    } catch (error) {
      onPollError?.(error);
    } finally {
      this.#polling = false;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#subscribers.clear();
    await this.#listener?.close();
  }
}
