import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type {} from '../app/client/state/exposeForMonitoring.js';
import { addSessionTo, signInAsBrowser } from '../tests/support/browserSession.js';
import { fillOriginStorage } from '../tests/support/fillOriginStorage.js';
import type { Timeline } from './Timeline.js';

/** One thing an agent did on screen: what, where, and how long from the click to the screen showing it. */
/**
 * `refused`: the device could not keep it (its storage full) and said so on screen instead — the agent knows
 * it was not saved; it must never reach the server.
 */
export type AgentAction = {
  kind: 'reply' | 'close' | 'reopen';
  conversationId: string;
  text?: string;
  at: number;
  clickToScreenMs: number;
  refused?: boolean;
};

/**
 * `undoWindowMs`: the agent's undo window (0 by default: replies leave at once). `settableClock`: the pages'
 * clock can be set (`setClock`).
 */
export type AgentOptions = { undoWindowMs?: number; settableClock?: boolean };

/**
 * A page clock that can be set, installed before the app's scripts: `Date` (its `now`, a `new Date()` with
 * no argument, and `Date()`) reads the true time plus `__chaosClockOffsetMs`. Only the pages' clock: the
 * OS clock cannot be moved for Chromium on these machines (it crashes under libfaketime), and the
 * DevTools clock (Playwright's) fakes every timer as well; the worker keeps the true time. The app's
 * timers (setTimeout) keep running on the real clock, as they do when a device's clock is set.
 */
function installSettableClock(): void {
  const TrueDate = Date;
  const scope = globalThis as unknown as { __chaosClockOffsetMs: number; Date: DateConstructor };
  scope.__chaosClockOffsetMs = 0;
  const now = () => TrueDate.now() + scope.__chaosClockOffsetMs;
  function SetDate(this: unknown, ...args: unknown[]) {
    if (!new.target) return new TrueDate(now()).toString();
    return args.length === 0 ? new TrueDate(now()) : new (TrueDate as unknown as new (...values: unknown[]) => Date)(...args);
  }
  SetDate.prototype = TrueDate.prototype;
  Object.assign(SetDate, { now, parse: TrueDate.parse, UTC: TrueDate.UTC });
  scope.Date = SetDate as unknown as DateConstructor;
}

/** What the agent's page says about itself, read every `watchMs`. */
type PageState = { reachability: string; pending: number; paused: string | null; streaming: boolean };

const watchMs = 200;
/** The notice a page shows for an action it could not save (app/client/views/WorkspaceView.tsx). */
const refusalNotice = '[role="alert"][aria-label="Action not saved"]';
/** How long a click may go without its effect on screen before the run calls it not shown. */
const notShownMs = 10_000;
/** The cycle an agent works through on its conversation, over and over. */
const cycle = ['reply', 'reply', 'close', 'reopen'] as const;

/**
 * An agent at work in real Chromium: signed in on a device of their own, on one conversation, clicking
 * through replies, closes and reopens. Every click is timed in the page, from the click event to the DOM
 * showing its effect (a MutationObserver), so the figure is what the agent saw, not a round trip of the
 * driver. The page's connection line and outbox are watched and their changes marked on the timeline.
 */
export class ChaosAgent {
  readonly actions: AgentAction[] = [];
  /** The outbox's depth at each read of the page ([epoch ms, actions waiting]): the report's outbox chart. */
  readonly depth: [number, number][] = [];
  #step = 0;
  #state: PageState | null = null;
  #watching: ReturnType<typeof setInterval> | undefined;

  private constructor(
    readonly email: string,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly tenantId: string,
    readonly agentId: string,
    readonly timeline: Timeline,
  ) {}

  /**
   * `device`: the browser context the agent works in — a new context of a running browser, or a browser of
   * its own (a profile on a small disk).
   */
  static async open(
    device: (options: BrowserContextOptions) => Promise<BrowserContext>,
    url: string,
    email: string,
    timeline: Timeline,
    { undoWindowMs = 0, settableClock = false }: AgentOptions = {},
  ): Promise<ChaosAgent> {
    const session = await signInAsBrowser(url, email);
    const context = await device({ baseURL: url, viewport: { width: 1280, height: 800 } });
    await addSessionTo(context, url, session);
    // tsx compiles this runner with esbuild's keepNames, which wraps functions passed to the page in
    // `__name(fn, "name")`; the page has no such helper unless it is given one.
    await context.addInitScript('globalThis.__name = (target) => target;');
    if (settableClock) await context.addInitScript(installSettableClock);
    await context.addInitScript(
      ([tenantId, agentId, undoWindow]) => {
        // Replies leave at once (no undo window) unless a scenario says: the outbox's work is what it measures.
        localStorage.setItem(`holdfast.undoWindow:${tenantId}:${agentId}`, undoWindow);
        // The time of the agent's last click or choice, for the click-to-screen figure.
        for (const type of ['click', 'change'])
          document.addEventListener(type, () => Object.assign(window, { __chaosInputAt: performance.now() }), { capture: true });
      },
      [session.tenant.id, session.agent.id, String(undoWindowMs)] as const,
    );
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null && window.holdfast !== undefined, undefined, { timeout: 120_000 });
    await page.getByTestId('last-sync').getByText('Last sync').waitFor({ timeout: 120_000 });
    return new ChaosAgent(email, context, page, session.tenant.id, session.agent.id, timeline);
  }

  /**
   * Another tab of the agent's device (the same browser context: her outbox, session and worker), loaded
   * at `path` and signed in; closed with the device.
   */
  async openTab(path = '/'): Promise<Page> {
    const tab = await this.context.newPage();
    await tab.goto(path);
    await tab.waitForFunction(() => window.holdfast !== undefined, undefined, { timeout: 60_000 });
    await tab.getByTestId('last-sync').getByText('Last sync').waitFor({ timeout: 60_000 });
    return tab;
  }

  /** Opens the conversation the agent works on (a link in the app, as an agent follows one). */
  async openConversation(conversationId: string): Promise<void> {
    await this.page.goto(`/conversations/${conversationId}`);
    await this.page.locator('#composer-text').waitFor({ timeout: 60_000 });
    this.#conversationId = conversationId;
    // An open conversation: the cycle starts again with replies.
    this.#step = 0;
  }
  #conversationId = '';

  /** The conversation the agent works on. */
  get conversationId(): string {
    return this.#conversationId;
  }

  /** Watches the page's connection line and outbox, marking every change on the timeline. */
  watch(): void {
    this.#watching ??= setInterval(() => void this.#read(), watchMs);
  }

  /** The page's state as last read. */
  get state(): PageState | null {
    return this.#state;
  }

  /** The next action of the cycle, clicked on screen and timed; a click that cannot be made is marked, not thrown. */
  async step(label: string): Promise<AgentAction> {
    const kind = cycle[this.#step % cycle.length]!;
    try {
      return await this.#act(kind, label);
    } catch (error) {
      // Playwright's call log says why a click could not be made: no such button, another element over it,
      // not visible, stable or enabled. Its first line, and the last step of the log that says why (the
      // last steps are often only "retrying" and "waiting"); the log may be coloured.
      const lines = stripVTControlCharacters((error as Error).message)
        .split('\n')
        .map((line) => line.trim());
      const why = [...lines].reverse().find((line) => /intercepts pointer events|not (visible|stable|enabled)|waiting for|resolved to|detached/.test(line));
      this.timeline.mark(`agent:${this.email}`, 'click failed', `${kind}: ${[lines[0], why].filter(Boolean).join(' — ')}`);
      return this.#log({ kind, conversationId: this.#conversationId, at: Date.now(), clickToScreenMs: Number.POSITIVE_INFINITY });
    } finally {
      this.#step++;
    }
  }

  async #act(kind: AgentAction['kind'], label: string): Promise<AgentAction> {
    const page = this.page;
    const conversationId = this.#conversationId;
    if (kind === 'reply') {
      const text = `${label} ${this.email} #${this.#step}`;
      await page.locator('#composer-text').fill(text);
      const { ms, refused } = await this.#timed('[aria-label="Messages"]', text, () =>
        page.getByRole('button', { name: 'Send', exact: true }).click({ timeout: notShownMs }),
      );
      return this.#log({ kind, conversationId, text, at: Date.now(), clickToScreenMs: ms, ...(refused ? { refused } : {}) });
    }
    const button = kind === 'close' ? 'Close conversation' : 'Reopen conversation';
    const shows = kind === 'close' ? 'Closed' : 'Open';
    const { ms, refused } = await this.#timed('#conversation-title ~ p .status', shows, () =>
      page.getByRole('button', { name: button }).click({ timeout: notShownMs }),
    );
    // Refused, the conversation keeps its status: the cycle goes on from the same state (close again).
    if (refused) this.#step--;
    return this.#log({ kind, conversationId, at: Date.now(), clickToScreenMs: ms, ...(refused ? { refused } : {}) });
  }

  /**
   * Sets the device's clock `offsetMs` from the true time (a device opened with `settableClock`), as a clock
   * corrected or set by hand would jump; answers the offset the page then reads.
   */
  async setClock(offsetMs: number): Promise<number> {
    const read = await this.page.evaluate((offset) => {
      (globalThis as unknown as { __chaosClockOffsetMs: number }).__chaosClockOffsetMs = offset;
      return Date.now();
    }, offsetMs);
    const readOffset = read - Date.now();
    this.timeline.mark(`agent:${this.email}`, 'clock set', `${(readOffset / 3_600_000).toFixed(2)} h from the true time`);
    return readOffset;
  }

  /** Actions queued on this device and not yet answered by the server. */
  async pending(): Promise<number> {
    return (await this.page.evaluate(() => window.holdfast!.outboxHealth())).pending;
  }

  async close(): Promise<void> {
    clearInterval(this.#watching);
    await this.context.close();
  }

  /** Signs out as the agent does on a device they leave (the server forgets what the device reported), then closes it. */
  async leave(): Promise<void> {
    await this.page
      .evaluate(() => fetch('/api/logout', { method: 'POST', headers: { 'x-holdfast-request': '1' }, credentials: 'same-origin' }))
      .catch(() => undefined);
    await this.close();
  }

  #log(action: AgentAction): AgentAction {
    this.actions.push(action);
    return action;
  }

  /**
   * Runs `click` and answers how long after the click the page first showed `text` inside `selector`, or
   * said the action was not saved (`refused`: the device's storage full); a refusal shown is dismissed.
   */
  async #timed(selector: string, text: string, click: () => Promise<void>): Promise<{ ms: number; refused: boolean }> {
    // Armed before the click: the page runs this before the click reaches it (one connection, in order).
    const shown = this.page.evaluate(
      ([selector, text, refusal]) =>
        new Promise<{ ms: number; refused: boolean }>((resolve) => {
          const holds = () => [...document.querySelectorAll(selector)].some((element) => element.textContent?.includes(text));
          const observer = new MutationObserver(() => {
            const refused = document.querySelector(refusal) !== null;
            if (!refused && !holds()) return;
            observer.disconnect();
            resolve({ ms: performance.now() - (window as unknown as { __chaosInputAt: number }).__chaosInputAt, refused });
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        }),
      [selector, text, refusalNotice] as const,
    );
    await click();
    // A click whose effect never shows is a broken promise, not a hang of the run: 10 s, marked.
    const result = await Promise.race([
      shown,
      new Promise<{ ms: number; refused: boolean }>((resolve) => setTimeout(() => resolve({ ms: Number.POSITIVE_INFINITY, refused: false }), notShownMs)),
    ]);
    if (result.ms === Number.POSITIVE_INFINITY) this.timeline.mark(`agent:${this.email}`, 'click not shown', `${text} within ${notShownMs / 1000} s`);
    if (result.refused) {
      this.timeline.mark(`agent:${this.email}`, 'action refused on screen', text);
      await this.page.locator(refusalNotice).getByRole('button', { name: 'Dismiss' }).click({ timeout: notShownMs });
    }
    return { ms: Math.max(0, result.ms), refused: result.refused };
  }

  /**
   * Fills this device's storage with another database of the app's origin until the browser refuses a
   * write (QuotaExceededError), as other sites' data or a large download would; answers the bytes taken.
   */
  async fillStorage(): Promise<number> {
    const { total, refusals } = await this.page.evaluate(fillOriginStorage, { name: 'chaos-filler', sizes: [1 << 22, 1 << 20, 1 << 16, 1 << 12] });
    const filled = { total, refusal: refusals[0] ?? '' };
    this.timeline.mark(`agent:${this.email}`, 'storage full', `${(filled.total / 1024 / 1024).toFixed(1)} MB taken, then ${filled.refusal}`);
    if (filled.refusal !== 'QuotaExceededError') throw new Error(`The browser refused the filler with ${filled.refusal || 'nothing'}, not QuotaExceededError.`);
    return filled.total;
  }

  /** Gives the room back (the filler deleted), as the agent who freed space on the device. */
  async freeStorage(): Promise<void> {
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.deleteDatabase('chaos-filler');
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
        }),
    );
    this.timeline.mark(`agent:${this.email}`, 'storage freed');
  }

  async #read(): Promise<void> {
    const state = await this.page
      .evaluate(async () => {
        const handle = window.holdfast;
        if (!handle) return null;
        const health = await handle.outboxHealth();
        return { reachability: handle.reachability(), pending: health.pending, paused: health.paused, streaming: handle.stream().connected };
      })
      .catch(() => null);
    if (!state) return;
    const before = this.#state;
    this.#state = state;
    this.depth.push([Date.now(), state.pending]);
    const source = `agent:${this.email}` as const;
    if (before?.reachability !== state.reachability) this.timeline.mark(source, 'connection', state.reachability);
    // Live updates: whether the page's event stream is open (it may be refused while the API answers).
    if (before?.streaming !== state.streaming) this.timeline.mark(source, 'event stream', state.streaming ? 'open' : 'lost');
    if (before?.paused !== state.paused) this.timeline.mark(source, state.paused ? 'outbox paused' : 'outbox running', state.paused ?? undefined);
    if ((before?.pending ?? 0) === 0 && state.pending > 0) this.timeline.mark(source, 'outbox waiting', String(state.pending));
    if ((before?.pending ?? 0) > 0 && state.pending === 0) this.timeline.mark(source, 'outbox drained');
  }
}
