import type { EngineTab } from './EngineBrowser.js';

/** Polls `fn(arg)` in the tab until it answers truthy; fails with `what` after `timeoutMs`. A condition, never a fixed wait. */
export async function waitIn<Result, Arg = undefined>(
  tab: EngineTab,
  what: string,
  fn: (arg: Arg) => Result | Promise<Result>,
  arg?: Arg,
  timeoutMs = 60_000,
): Promise<Result> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await tab.evaluate(fn, arg);
      if (value) return value;
      last = value;
    } catch (error) {
      // A navigation under way destroys the page's context: ask again.
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`Not within ${timeoutMs / 1000} s: ${what} (last answer: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Signs in through the form, as an agent would, and waits for the workspace online with its first sync stored. */
export async function signInThrough(tab: EngineTab, baseUrl: string, email = 'alice@example.com', options: { serviceWorker?: boolean } = {}): Promise<void> {
  await tab.goto(`${baseUrl}/`);
  // Enabled once React has hydrated the prerendered form.
  await waitIn(tab, 'the sign-in form', () => document.querySelector<HTMLButtonElement>('form button[type=submit]')?.disabled === false);
  await tab.evaluate(
    ({ email }) => {
      document.querySelector<HTMLInputElement>('input[name=email]')!.value = email;
      document.querySelector<HTMLInputElement>('input[name=password]')!.value = 'holdfast';
      document.querySelector<HTMLFormElement>('form')!.requestSubmit();
    },
    { email },
  );
  await workspaceReady(tab, 120_000, options);
}

/**
 * The workspace on screen, online, its first sync stored, and the service worker in control of the page
 * (unless `serviceWorker: false`: a device too full to install it).
 */
export async function workspaceReady(tab: EngineTab, timeoutMs = 120_000, options: { serviceWorker?: boolean } = {}): Promise<void> {
  await waitIn(
    tab,
    'the workspace online, synced, under its service worker',
    (needsWorker) =>
      [...document.querySelectorAll('button')].some((button) => button.textContent === 'Sign out') &&
      document.querySelector('[aria-label="Connection"]')?.textContent === 'Online' &&
      (document.querySelector('[data-testid="last-sync"]')?.textContent ?? '').startsWith('Last sync') &&
      (!needsWorker || navigator.serviceWorker.controller !== null),
    options.serviceWorker ?? true,
    timeoutMs,
  );
}

/** What the page shows of a conversation: its heading and how many message rows are drawn. */
export function conversationOnScreen(tab: EngineTab): Promise<{ heading: string; rows: number }> {
  return tab.evaluate(() => ({
    heading: document.querySelector('#conversation-title')?.textContent ?? '',
    rows: document.querySelectorAll('ol[aria-label="Messages"] > li').length,
  }));
}

/** The outbox's pending count, from the page's monitoring handle (null before the workspace runs). */
export function pendingIn(tab: EngineTab): Promise<number | null> {
  return tab.evaluate(async () => (window.holdfast ? (await window.holdfast.outboxHealth()).pending : null));
}
