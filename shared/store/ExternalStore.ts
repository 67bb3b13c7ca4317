/**
 * A value that changes, and who to tell: exactly what React's `useSyncExternalStore` needs, with nothing
 * of React in it (the framework's binding is react/useStoreSelector.ts). An app's store holds one and
 * exposes `subscribe` and `getSnapshot`. Every `set` makes a new snapshot object, so selectors compare by
 * identity; `close` stops further updates (a store whose user signed out).
 */
export class ExternalStore<State extends object> {
  #state: State;
  #closed = false;
  readonly #listeners = new Set<() => void>();

  constructor(initial: State) {
    this.#state = initial;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getSnapshot = (): State => this.#state;

  set(patch: Partial<State> | ((state: State) => Partial<State>)): void {
    if (this.#closed) return;
    const next = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...next };
    for (const listener of this.#listeners) listener();
  }

  close(): void {
    this.#closed = true;
  }
}
