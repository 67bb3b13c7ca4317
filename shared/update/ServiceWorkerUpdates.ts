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
  /**
   * After a first install that failed (see `register`), register again after each of these waits in turn;
   * default 2 s, 10 s, 30 s, 2 min, then not until the next page load.
   */
  retryDelaysMs?: readonly number[];
};

export class ServiceWorkerUpdates {
  readonly #state = new ExternalStore<UpdateState>({ available: false, applying: false, failed: null });
  readonly #options: Required<Omit<ServiceWorkerUpdatesOptions, 'container' | 'beforeReload'>> & { container: ServiceWorkerContainer | undefined };
  #registration: ServiceWorkerRegistration | null = null;
  #reloading = false;
  #followingContainer = false;
  #controlled = false;
  #script: { url: string; options: RegistrationOptions | undefined } | null = null;
  #retries = 0;
  readonly #saves = new Set<() => Promise<void>>();

  constructor({ beforeReload, ...options }: ServiceWorkerUpdatesOptions = {}) {
    if (beforeReload) this.#saves.add(beforeReload);
    this.#options = {
      container: typeof navigator === 'undefined' ? undefined : navigator.serviceWorker,
      reload: () => (globalThis as unknown as { location: { reload(): void } }).location.reload(),
      skipWaitingMessage,
      checkIntervalMs: 30 * 60_000,
      retryDelaysMs: [2_000, 10_000, 30_000, 120_000],
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

  /**
   * Registers the app's worker and follows it (`watch`). A first install that fails — one file of the shell
   * answered 503 by a busy server, a connection cut — leaves no worker at all (the browser drops the
   * registration, and `update()` has nothing to update), so the app would stay online-only until the agent
   * next loads the page: this registers again after `retryDelaysMs`. So does a registration refused
   * because the worker's script could not be fetched. Answers the first registration, or null.
   */
  async register(url: string, options?: RegistrationOptions): Promise<ServiceWorkerRegistration | null> {
    if (!this.#options.container) return null;
    this.#script = { url, options };
    return this.#register();
  }

  /** Follows `registration`: a waiting worker, one being installed, and the moment a new one takes over. */
  watch(registration: ServiceWorkerRegistration): void {
    const container = this.#options.container;
    if (!container) return;
    this.#registration = registration;
    this.#followContainer(container);
    if (registration.waiting && this.#controlled) this.#state.set({ available: true });
    if (registration.installing) this.#track(registration.installing, registration);
    registration.addEventListener('updatefound', () => {
      if (registration.installing) this.#track(registration.installing, registration);
    });
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

  async #register(): Promise<ServiceWorkerRegistration | null> {
    const { container } = this.#options;
    if (!container || !this.#script) return null;
    try {
      const registration = await container.register(this.#script.url, this.#script.options);
      this.watch(registration);
      return registration;
    } catch (error) {
      console.warn('Service worker registration failed; the app works online without it until it is retried.', error);
      this.#retryFirstInstall();
      return null;
    }
  }

  #retryFirstInstall(): void {
    const delay = this.#options.retryDelaysMs[this.#retries++];
    if (!this.#script || delay === undefined) return;
    setTimeout(() => void this.#register(), delay);
  }

  // Once per page, whichever registration: the first controller, and any later one (a new version).
  #followContainer(container: ServiceWorkerContainer): void {
    if (this.#followingContainer) return;
    this.#followingContainer = true;
    // A page that had no controller gets its first one from the first install (clientsClaim): no reload
    // for that one; any later change of controller is a new version taking over.
    this.#controlled = container.controller !== null;
    container.addEventListener('controllerchange', () => {
      if (!this.#controlled) {
        this.#controlled = true;
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

  #track(worker: ServiceWorker, registration: ServiceWorkerRegistration): void {
    let installed = false;
    const container = this.#options.container;
    const follow = () => {
      if (worker.state === 'installed') {
        installed = true;
        this.#retries = 0;
        // With a controller, this is an update waiting for the user; without, the first install (it activates by itself).
        if (container?.controller) this.#state.set({ available: true, failed: null });
      } else if (worker.state === 'redundant' && !installed) {
        // No version before this one: a first install, not a failed update (nothing to tell the agent, who
        // is online); registered again shortly.
        if (!container?.controller && !registration.active) this.#retryFirstInstall();
        else this.#state.set({ failed: 'The new version could not be installed (a file of it could not be loaded).' });
      }
    };
    worker.addEventListener('statechange', follow);
    follow();
  }
}
