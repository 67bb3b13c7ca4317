import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildApp } from '../../app/build/buildApp.js';
import { serveStatic } from 'holdfast/build';
import { expect, expectAllSent, scrollMessagesUntil, signIn, test as base } from './fixtures.js';
import { act, openConversations, serverBodies, storedPending } from './outboxSupport.js';

/** `npm run demo`'s bundle (VITE_DEMO_ONLY=1), served by nothing but its plain static file server. */
const test = base.extend<object, { demoUrl: string }>({
  demoUrl: [
    async ({}, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'holdfast-demo-'));
      await buildApp(dir, { VITE_DEMO_ONLY: '1' });
      const server: Server = await serveStatic(dir, 0);
      const address = server.address();
      await use(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 600_000 },
  ],
});

const demoAgentNames: Record<string, string> = {
  'alice@example.com': 'Alice Martin',
  'bob@example.com': 'Bob Chen',
  'dana@example.com': 'Dana Kim',
  'eli@example.com': 'Eli Sato',
};

/**
 * Into the demo as `email`: it opens signed in as its first agent, with no form (its backend starts in the
 * browser on first use); another agent is one pick in the banner's "Act as".
 */
async function signInToDemo(page: Page, email = 'alice@example.com') {
  await expect(page.getByRole('complementary', { name: 'Demo' })).toBeVisible();
  // PGlite's first start, the server's migrations and the seed, in the browser: seconds, more on a slow machine.
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByRole('banner')).toContainText('Alice Martin');
  if (email !== 'alice@example.com') {
    await page.getByRole('complementary', { name: 'Demo' }).getByRole('combobox', { name: 'Act as' }).selectOption(email);
    await expect(page.getByRole('banner')).toContainText(demoAgentNames[email]!, { timeout: 60_000 });
  }
  await expect(page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first()).toBeVisible({ timeout: 90_000 });
}

/** Every message body in the workspace's IndexedDB (the local copy the app starts from). */
const storedMessageBodies = (page: Page) =>
  page.evaluate(async () => {
    const name = (await indexedDB.databases()).map((database) => database.name ?? '').find((candidate) => candidate.startsWith('holdfast-workspace-demo:'));
    if (!name) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const threads = await new Promise<{ messages: { body: string }[] }[]>((resolve) => {
      const request = db.transaction('threads').objectStore('threads').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return threads.flatMap((thread) => thread.messages.map((message) => message.body));
  });

const conversationRow = (page: Page, index: number) => page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').nth(index);

test('the demo on a static host: sign in, reply, close and assign; reload offline and it is all there; Reset brings back the seed', async ({
  browser,
  demoUrl,
}) => {
  const context = await browser.newContext({ baseURL: demoUrl });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await signInToDemo(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });

    await conversationRow(page, 0).click();
    const heading = page.getByRole('heading', { level: 1 });
    // The conversation's own heading, once it has replaced the inbox's (a starved machine renders it late).
    await expect(heading).not.toHaveText('Inbox', { timeout: 30_000 });
    const customer = (await heading.textContent())!;
    const reply = `From the demo ${Date.now()}`;
    await page.getByRole('textbox', { name: 'Message' }).fill(reply);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('list', { name: 'Messages' })).toContainText(reply);
    await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Bob Chen' });
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await expect(page.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
    await expectAllSent(page, 60_000);
    const url = page.url();
    // Sent, and back in this browser's copy (the sync after it): what an offline start reads.
    await expect.poll(() => storedMessageBodies(page), { timeout: 60_000 }).toContain(reply);

    // No network at all: the shell and assets from the worker, the data from the browser's own backend.
    await context.setOffline(true);
    await page.goto(url);
    await expect(heading).toHaveText(customer, { timeout: 60_000 });
    await expect(page.getByRole('list', { name: 'Messages' })).toContainText(reply);
    await expect(page.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Assign' })).toHaveValue(
      (await page.getByRole('combobox', { name: 'Assign' }).locator('option', { hasText: 'Bob Chen' }).getAttribute('value')) as string,
    );

    // Reset: the seed again (still offline), and a sign-in to it.
    await page.getByRole('complementary', { name: 'Demo' }).getByRole('button', { name: 'Reset demo' }).click();
    await signInToDemo(page);
    // The seed's content is fixed (its ids are new): the same conversation heads the inbox again, open, without the reply.
    await conversationRow(page, 0).click();
    await expect(heading).toHaveText(customer, { timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Close conversation' })).toBeVisible();
    await expect(page.getByRole('list', { name: 'Messages' })).not.toContainText(reply);
  } finally {
    await context.close();
  }
});

test("the demo's colleagues and customers act on their own, and the page shows it live", async ({ browser, demoUrl }) => {
  const context = await browser.newContext({ baseURL: demoUrl });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => localStorage.setItem('holdfast.demoColleaguesEveryMs', '1000'));
    await page.goto('/');
    await signInToDemo(page, 'dana@example.com');
    // A customer's follow-up lands in some conversation's preview, or a colleague takes one: either shows in the inbox.
    const inbox = page.getByRole('navigation', { name: 'Inbox' });
    await expect(inbox).toContainText(/Any news on this\?|one more question|still does not work|it arrived this morning|call me back/, { timeout: 60_000 });
  } finally {
    await context.close();
  }
});

test("the demo's images come from its backend: an attachment shows, and again offline", async ({ browser, demoUrl }) => {
  const context = await browser.newContext({ baseURL: demoUrl });
  try {
    const page = await context.newPage();
    await page.goto('/');
    await signInToDemo(page, 'eli@example.com');
    // A conversation with an image, asked of the demo's own API as the app asks it.
    const target = await page.evaluate(async () => {
      for (let cursor = '0'; ; ) {
        const response = await fetch(`/api/sync?cursor=${cursor}&limit=1000`);
        const body = (await response.json()) as { messages: { conversationId: string; attachments: unknown[] }[]; cursor: string; hasMore: boolean };
        const withImage = body.messages.find((message) => message.attachments.length > 0);
        if (withImage) return withImage.conversationId;
        if (!body.hasMore) return null;
        cursor = body.cursor;
      }
    });
    expect(target).not.toBeNull();
    const imageShown = async () => {
      await page.goto(`/conversations/${target}`);
      await expect(page.getByRole('list', { name: 'Messages' }).locator('li').first()).toBeVisible({ timeout: 60_000 });
      // Polled: the thread may still be arriving when the page first shows it.
      await expect.poll(() => scrollMessagesUntil(page, 'img.attachment')).toBe(true);
      // Its bytes come from the demo's backend, as an object URL.
      const image = page.locator('img.attachment').first();
      await expect(image).toHaveAttribute('src', /^blob:/, { timeout: 30_000 });
      return image.evaluate(async (element: HTMLImageElement) =>
        element.decode().then(
          () => element.naturalWidth,
          () => 0,
        ),
      );
    };
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    expect(await imageShown()).toBeGreaterThan(0);
    await context.setOffline(true);
    expect(await imageShown()).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
});

test('"Try the demo" on the normal sign-in page opens the inbox in one click, as a demo agent, another one pick away; its sign-in hint says what it accepts; "Leave the demo" returns', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('complementary', { name: 'Demo' })).toHaveCount(0);
  // The real server's hint: its seeded accounts and their password.
  await expect(page.locator('.sign-in-card')).toContainText(
    'Demo: alice@example.com, bob@example.com, dana@example.com, eli@example.com, password “holdfast”.',
  );
  await page.getByRole('link', { name: 'Try the demo' }).click();
  // One click: the inbox, signed in, no form.
  await signInToDemo(page, 'bob@example.com');
  await expect(page.getByRole('banner')).toContainText('Bob Chen');
  // Signed out of the demo: the form, with one hint that agrees with what the demo accepts (any password).
  await page.getByRole('button', { name: 'Sign out' }).click();
  const card = page.locator('.sign-in-card');
  await expect(card).toContainText('Demo: alice@example.com, bob@example.com, dana@example.com, eli@example.com, any password.');
  await expect(page.getByText('password “holdfast”')).toHaveCount(0);
  await page.getByRole('textbox', { name: 'Email' }).fill('dana@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('whatever she likes');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('banner')).toContainText('Dana Kim', { timeout: 60_000 });
  await page.getByRole('complementary', { name: 'Demo' }).getByRole('button', { name: 'Leave the demo' }).click();
  await expect(page.getByRole('link', { name: 'Try the demo' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Demo' })).toHaveCount(0);
});

test('a real reply still waiting to be sent: "Try the demo" does not open the demo, says why, and the reply reaches the server', async ({
  page,
  context,
  api,
}) => {
  const alice = await api();
  const [conversation] = await openConversations(alice, 1);
  // Alice signed in for real; the server does not get her reply yet (its actions endpoint is cut off).
  await context.route('**/api/actions', (route) => route.abort('connectionfailed'));
  await signIn(page);
  await act(page, 'send', conversation!.id, { text: 'demo-seal: kept while the demo was tried' });
  await expect.poll(async () => (await storedPending(page)).length).toBe(1);

  await page.goto('/?demo');
  await expect(page.getByRole('alert', { name: 'Demo not started' })).toContainText('1 action taken in this browser has not reached the server yet');
  await expect(page.getByRole('complementary', { name: 'Demo' })).toHaveCount(0);
  // Still Alice's real workspace, her reply still queued.
  await expect(page.getByRole('banner')).toContainText('Alice Martin');
  expect(await storedPending(page)).toHaveLength(1);

  await context.unroute('**/api/actions');
  await page.reload();
  await expect.poll(() => serverBodies(alice, conversation!.id, 'demo-seal:'), { timeout: 60_000 }).toEqual(['demo-seal: kept while the demo was tried']);
});

test('the demo beside a real agent with nothing unsent: it reads, deletes and calls nothing real, and leaving it finds her signed in', async ({
  page,
  context,
}) => {
  await signIn(page);
  await expect(page.getByRole('banner')).toContainText('Alice Martin');
  const realDatabases = async () =>
    (await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name ?? '')))
      .filter((name) => /^holdfast-(workspace|outbox):/.test(name) && !name.startsWith('holdfast-outbox:demo:'))
      .sort();
  const before = await realDatabases();
  expect(before.length).toBeGreaterThanOrEqual(2);

  const realApiCalls: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    // The real app's worker may still be delivering Alice's telemetry, queued before the demo opened
    // (its Background Sync queue: tests/e2e/telemetry.spec.ts). That is not the demo's: every call the
    // demo makes starts in the page, where it would show here as a page request.
    if (request.serviceWorker() && url.pathname === '/api/telemetry') return;
    if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/media/')) realApiCalls.push(`${request.method()} ${url.pathname}`);
  });
  await page.goto('/?demo');
  await signInToDemo(page, 'bob@example.com');
  await expect(page.getByRole('banner')).toContainText('Bob Chen');
  await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first().click();
  // The conversation's own heading, once it has replaced the inbox's.
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('Inbox', { timeout: 30_000 });
  expect(realApiCalls, 'requests the demo let through to the real server').toEqual([]);
  expect(await realDatabases()).toEqual(before);

  await page.getByRole('complementary', { name: 'Demo' }).getByRole('button', { name: 'Leave the demo' }).click();
  await expect(page.getByRole('banner')).toContainText('Alice Martin');
  expect(await realDatabases()).toEqual(before);
});
