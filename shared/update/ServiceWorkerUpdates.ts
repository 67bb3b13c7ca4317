import { ExternalStore } from '../store/ExternalStore.js';
import { skipWaitingMessage } from './skipWaitingMessage.js';

/**
 * A new version of the app, on the user's word, in every tab at once.
 *
 * The worker of a new version installs and waits (the app's worker must not skip waiting by itself:
 * `serveAppShell({ takeOverAtOnce: false })`). Every tab sees it — `updatefound` fires on the registration
 * object of every page, and a tab opened later finds `registration.waiting` — and offers "Update". One
 * click asks the waiting worker to take over; every controlled tab then gets `controllerchange`, saves
 * what must survive (`beforeReload`: drafts) and reloads once, onto the new version.
 *
 * Written here rather than with workbox-window: its `waiting`/`controlling` events follow the worker that
 * the tab itself registered, so a tab opened after the update was found, or one that did not click, is left
 * to the app (the multi-tab reports against vite-plugin-pwa, which builds on it). What is needed is
 * the registration's own events in each tab, which is all this uses.
 */
export type UpdateState = {
  /** A new version is installed and waiting for the user's word. */
  available: boolean;
  /** The user asked for it: the new worker is taking over, the tab reloads next. */
  applying: boolean;
  /** A new version failed to install (the current one keeps serving): why, as far as the browser tells. */
  failed: string | null;
};

export type ServiceWorkerUpdatesOptions = {
  container?: ServiceWorkerContainer;
  /** Runs before the tab reloads onto the new version: save what must survive the reload. */
  beforeReload?: () => Promise<void>;
  reload?: () => void;
  /** The message a waiting worker of this app takes as "take over now" (sw/serveAppShell's default). */
  skipWaitingMessage?: unknown;
  /** How often to ask the server for a new worker while the app stays open; default 30 minutes. 0: never. */
  checkIntervalMs?: number;
};

export class ServiceWorkerUpdates {
  readonly #state = new ExternalStore<UpdateState>({ available: false, applying: false, failed: null });
  readonly #options: Required<Omit<ServiceWorkerUpdatesOptions, 'container' | 'beforeReload'>> & { container: ServiceWorkerContainer | undefined };
  #registration: ServiceWorkerRegistration | null = null;
  #reloading = false;
  readonly #saves = new Set<() => Promise<void>>();

  constructor({ beforeReload, ...options }: ServiceWorkerUpdatesOptions = {}) {
    if (beforeReload) this.#saves.add(beforeReload);
    this.#options = {
      container: typeof navigator === 'undefined' ? undefined : navigator.serviceWorker,
      reload: () => (globalThis as unknown as { location: { reload(): void } }).location.reload(),
      skipWaitingMessage,
      checkIntervalMs: 30 * 60_000,
      ...options,
    };
  }

  subscribe = (listener: () => void) => this.#state.subscribe(listener);
  getSnapshot = () => this.#state.getSnapshot();

  /** Before the next reload, also run this (several parts of an app may each have something to save); answers a remover. */
  addBeforeReload(save: () => Promise<void>): () => void {
    this.#saves.add(save);
    return () => this.#saves.delete(save);
  }

  /** Follows `registration`: a waiting worker, one being installed, and the moment a new one takes over. */
  watch(registration: ServiceWorkerRegistration): void {
    const container = this.#options.container;
    if (!container) return;
    this.#registration = registration;
    // A page that had no controller gets its first one from the first install (clientsClaim): no reload
    // for that one; any later change of controller is a new version taking over.
    let controlled = container.controller !== null;
    if (registration.waiting && controlled) this.#state.set({ available: true });
    if (registration.installing) this.#track(registration.installing);
    registration.addEventListener('updatefound', () => {
      if (registration.installing) this.#track(registration.installing);
    });
    container.addEventListener('controllerchange', () => {
      if (!controlled) {
        controlled = true;
        return;
      }
      if (this.#reloading) return;
      this.#reloading = true;
      this.#state.set({ applying: true });
      void this.#saveAll()
        .catch(() => undefined)
        .then(() => this.#options.reload());
    });
    if (this.#options.checkIntervalMs > 0) setInterval(() => void this.check(), this.#options.checkIntervalMs);
  }

  /** Asks the server for a newer worker now (the browser also does on navigations). */
  async check(): Promise<void> {
    await this.#registration?.update().catch(() => undefined);
  }

  /** The user's word: the waiting worker takes over, and every tab moves to it. */
  apply(): void {
    const waiting = this.#registration?.waiting;
    if (!waiting) return;
    this.#state.set({ applying: true });
    waiting.postMessage(this.#options.skipWaitingMessage);
  }

  async #saveAll(): Promise<void> {
    await Promise.all([...this.#saves].map((save) => save().catch(() => undefined)));
  }

  #track(worker: ServiceWorker): void {
    let installed = false;
    const container = this.#options.container;
    const follow = () => {
      if (worker.state === 'installed') {
        installed = true;
        // With a controller, this is an update waiting for the user; without, the first install (it activates by itself).
        if (container?.controller) this.#state.set({ available: true, failed: null });
      } else if (worker.state === 'redundant' && !installed) {
        this.#state.set({ failed: 'The new version could not be installed (a file of it could not be loaded).' });
      }
    };
    worker.addEventListener('statechange', follow);
    follow();
  }
}
