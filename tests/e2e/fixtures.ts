import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { ServerProcess } from '../support/serverProcess.js';
import { TestApi } from '../support/testApi.js';

type WorkerFixtures = { server: ServerProcess };
type OwnServerSetup = { server: ServerProcess; context: BrowserContext; alice: TestApi };
type TestFixtures = {
  api: (email?: string) => Promise<TestApi>;
  /** The environment of `ownServer` beyond the defaults; override with `test.use`. */
  ownServerEnv: Record<string, string>;
  /** A server of the test's own, on a fresh copy of the seeded database: it may be stopped and killed. */
  ownServer: ServerProcess;
  /** `ownServer`, a browser context on it, and Alice signed in over the API. */
  own: OwnServerSetup;
};

/**
 * Starting a server from the PGlite template takes 2 s here and 16–30 s on a CPU-starved machine: set-up
 * that must not eat a test's own timeout. Server fixtures have their own, generous one.
 */
const setupTimeout = 180_000;

/** One real server per worker, on its own copy of the seeded database; baseURL points at it. */
export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    async ({}, use) => {
      const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
      await use(server);
      await server.stop();
    },
    { scope: 'worker', timeout: setupTimeout },
  ],
  baseURL: async ({ server }, use) => use(server.url),
  api: async ({ server }, use) => use((email = 'alice@example.com') => TestApi.signIn(server.url, email)),
  ownServerEnv: [{}, { option: true }],
  ownServer: [
    async ({ ownServerEnv }, use) => {
      const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() }, ownServerEnv);
      await use(server);
      await server.stop();
    },
    { timeout: setupTimeout },
  ],
  own: [
    async ({ browser, ownServer }, use) => {
      const context = await browser.newContext({ baseURL: ownServer.url });
      await use({ server: ownServer, context, alice: await TestApi.signIn(ownServer.url, 'alice@example.com') });
      await context.close();
    },
    { timeout: setupTimeout },
  ],
});
export { expect };

/** Opens the app and submits the sign-in form; waits for nothing after (see signIn). */
export async function submitSignIn(page: Page, email = 'alice@example.com', password = 'holdfast'): Promise<void> {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in and waits for the workspace, online. */
export async function signIn(page: Page, email = 'alice@example.com', password = 'holdfast'): Promise<void> {
  await submitSignIn(page, email, password);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: firstSyncTimeout });
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online', { timeout: firstSyncTimeout });
}

/** The session cookie the browser holds for the API (HttpOnly: the page cannot read it), or undefined. */
export async function sessionCookie(page: Page): Promise<string | undefined> {
  const cookies = await page.context().cookies();
  return cookies.find((cookie) => cookie.name === 'holdfast_session')?.value;
}

/**
 * Records every Content-Security-Policy violation in the context's pages (`securitypolicyviolation`
 * events, from before any script of the page runs); read them with `cspViolations`.
 */
export async function watchCspViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`),
    );
  });
}

export function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

/**
 * How long a page may take to sign in and finish its first sync of the demo tenant (240 conversations):
 * a second here, far longer on a CPU-starved machine. Set-up, not behaviour under test.
 */
export const firstSyncTimeout = 60_000;

/**
 * Fails on any serious or critical axe-core violation, listing them. axe-core 4.14 runs
 * `label-content-name-mismatch` (WCAG 2.5.3, label in name) by default: a control's accessible name must
 * hold its visible text.
 */
export async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Waits until the page's outbox is empty: every queued action answered by the server. */
export async function expectAllSent(page: Page, timeout = 20_000): Promise<void> {
  await expect(page.getByRole('status', { name: 'Outbox' })).toHaveText('All changes sent', { timeout });
}

/** A conversation's row in the inbox: its link, named by what it shows (customer, subject, time, preview). */
export function inboxRow(page: Page, conversation: { customerName: string; subject: string }) {
  return page
    .getByRole('navigation', { name: 'Inbox' })
    .getByRole('link')
    .filter({ hasText: conversation.customerName })
    .filter({ hasText: conversation.subject });
}

/**
 * The open conversation's message list holds `count` messages and shows the newest: the list is
 * virtualized (only the rows in view are in the page), and each row says its place (aria-posinset of
 * aria-setsize).
 */
export async function expectMessages(page: Page, count: number, options: { timeout?: number } = {}): Promise<void> {
  const newest = page.getByRole('list', { name: 'Messages' }).locator(`li[aria-posinset="${count}"]`);
  await expect(newest).toHaveAttribute('aria-setsize', String(count), options);
  await expect(newest).toBeVisible();
}

/**
 * Scrolls the open conversation's (virtualized) message list from the top, a part of a screen at a time,
 * until an element matching `selector` is in the page; answers whether one was found.
 */
export function scrollMessagesUntil(page: Page, selector: string): Promise<boolean> {
  return page.locator('.messages-scroll').evaluate(async (scroller, wanted) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    scroller.scrollTop = 0;
    await frame();
    for (;;) {
      if (scroller.querySelector(wanted)) return true;
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) return false;
      scroller.scrollTop += scroller.clientHeight * 0.8;
      await frame();
    }
  }, selector);
}
