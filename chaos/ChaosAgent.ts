import type { Browser, BrowserContext, Page } from 'playwright-core';
import type {} from '../app/client/state/exposeForMonitoring.js';
import { addSessionTo, signInAsBrowser } from '../tests/support/browserSession.js';
import type { Timeline } from './Timeline.js';

/** One thing an agent did on screen: what, where, and how long from the click to the screen showing it. */
export type AgentAction = { kind: 'reply' | 'close' | 'reopen'; conversationId: string; text?: string; at: number; clickToScreenMs: number };

/** What the agent's page says about itself, read every `watchMs`. */
type PageState = { reachability: string; pending: number; paused: string | null; streaming: boolean };

const watchMs = 200;
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

  static async open(browser: Browser, url: string, email: string, timeline: Timeline): Promise<ChaosAgent> {
    const session = await signInAsBrowser(url, email);
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
    await addSessionTo(context, url, session);
    // tsx compiles this runner with esbuild's keepNames, which wraps functions passed to the page in
    // `__name(fn, "name")`; the page has no such helper unless it is given one.
    await context.addInitScript('globalThis.__name = (target) => target;');
    await context.addInitScript(
      ([tenantId, agentId]) => {
        // Replies leave at once (no undo window): the outbox's work is what a scenario measures.
        localStorage.setItem(`holdfast.undoWindow:${tenantId}:${agentId}`, '0');
        // The time of the agent's last click or choice, for the click-to-screen figure.
        for (const type of ['click', 'change'])
          document.addEventListener(type, () => Object.assign(window, { __chaosInputAt: performance.now() }), { capture: true });
      },
      [session.tenant.id, session.agent.id],
    );
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null && window.holdfast !== undefined, undefined, { timeout: 120_000 });
    await page.getByTestId('last-sync').getByText('Last sync').waitFor({ timeout: 120_000 });
    return new ChaosAgent(email, context, page, session.tenant.id, session.agent.id, timeline);
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
      this.timeline.mark(`agent:${this.email}`, 'click failed', `${kind}: ${(error as Error).message.split('\n')[0]}`);
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
      const clickToScreenMs = await this.#timed('[aria-label="Messages"]', text, () =>
        page.getByRole('button', { name: 'Send', exact: true }).click({ timeout: notShownMs }),
      );
      return this.#log({ kind, conversationId, text, at: Date.now(), clickToScreenMs });
    }
    const button = kind === 'close' ? 'Close conversation' : 'Reopen conversation';
    const shows = kind === 'close' ? 'Closed' : 'Open';
    const clickToScreenMs = await this.#timed('#conversation-title ~ p .status', shows, () =>
      page.getByRole('button', { name: button }).click({ timeout: notShownMs }),
    );
    return this.#log({ kind, conversationId, at: Date.now(), clickToScreenMs });
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

  /** Runs `click` and answers how long after the click the page first showed `text` inside `selector`. */
  async #timed(selector: string, text: string, click: () => Promise<void>): Promise<number> {
    // Armed before the click: the page runs this before the click reaches it (one connection, in order).
    const shown = this.page.evaluate(
      ([selector, text]) =>
        new Promise<number>((resolve) => {
          const holds = () => [...document.querySelectorAll(selector)].some((element) => element.textContent?.includes(text));
          const observer = new MutationObserver(() => {
            if (!holds()) return;
            observer.disconnect();
            resolve(performance.now() - (window as unknown as { __chaosInputAt: number }).__chaosInputAt);
          });
          observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        }),
      [selector, text] as const,
    );
    await click();
    // A click whose effect never shows is a broken promise, not a hang of the run: 10 s, marked.
    const ms = await Promise.race([shown, new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), notShownMs))]);
    if (ms === Number.POSITIVE_INFINITY) this.timeline.mark(`agent:${this.email}`, 'click not shown', `${text} within ${notShownMs / 1000} s`);
    return Math.max(0, ms);
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
