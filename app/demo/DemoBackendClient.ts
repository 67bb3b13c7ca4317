import type { DemoRequest, DemoResponse } from './DemoBackend.js';
import type { DemoAnswer, DemoCall } from './demoBackendProtocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type Call = DemoCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

/** The page's side of the demo backend's worker: requests as promises, and the backend's change notices. */
export class DemoBackendClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #changeListeners = new Set<(tenantId: string) => void>();
  #nextId = 1;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.addEventListener('message', (event: MessageEvent<DemoAnswer>) => {
      const message = event.data;
      if ('kind' in message) {
        this.#changeListeners.forEach((listener) => {
          listener(message.tenantId);
        });
        return;
      }
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.error));
    });
  }

  /** Opens the demo database (`idb://…` keeps it; `memory://` does not), creating and seeding it the first time. */
  open(dataDir: string, options: { colleaguesEveryMs?: number } = {}): Promise<void> {
    return this.#call({ kind: 'open', dataDir, ...options }) as Promise<void>;
  }

  /** Stops the worker (before its database is deleted: Reset). */
  terminate(): void {
    this.#worker.terminate();
  }

  request(request: DemoRequest): Promise<DemoResponse> {
    return this.#call({ kind: 'request', request }) as Promise<DemoResponse>;
  }

  /** Raw SQL on the demo database (tests compare its tables; nothing in it is secret: it is this browser's demo). */
  query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    return this.#call({ kind: 'query', sql, params }) as Promise<{ rows: T[] }>;
  }

  onChange(listener: (tenantId: string) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  #call(call: Call): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...call, id } as DemoCall);
    });
  }
}
