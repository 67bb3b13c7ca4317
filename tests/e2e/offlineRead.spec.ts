import type { Page } from '@playwright/test';
import { createWorkspaceAction, type Message } from '../../app/shared/index.js';
import { ApiProxy } from '../support/ApiProxy.js';
import { localData, workspaceDatabases } from '../support/localData.js';
import { reassertOffline } from '../support/reassertOffline.js';
import { TestApi } from '../support/testApi.js';
import { expectConverged } from './convergence.js';
import { expect, expectMessages, firstSyncTimeout, scrollMessagesUntil, signIn, submitSignIn, test } from './fixtures.js';

/** Waits until the service worker controls the page, so its fetches (images) go through the worker's caches. */
async function waitForServiceWorker(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Waits until the first full sync is stored: the status line shows a sync time and the app is online. */
async function waitForSync(page: Page) {
  await expect(page.getByTestId('last-sync')).toContainText('Last sync', { timeout: firstSyncTimeout });
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online', { timeout: firstSyncTimeout });
}

type ConversationWithImages = { id: string; customerName: string; messages: Message[]; mediaIds: string[] };

/** Every conversation with images, from one bulk read (delta sync, 1,000 items a page), not one request each. */
async function conversationsWithImages(api: TestApi): Promise<ConversationWithImages[]> {
  const conversations = new Map<string, { customerName: string }>();
  const messages: Message[] = [];
  for (let cursor = '0'; ; ) {
    const page = await api.json<{ conversations: { id: string; customerName: string }[]; messages: Message[]; cursor: string; hasMore: boolean }>(
      `/api/sync?cursor=${cursor}&limit=1000`,
    );
    for (const conversation of page.conversations) conversations.set(conversation.id, conversation);
    messages.push(...page.messages);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  const byConversation = new Map<string, Message[]>();
  for (const message of messages) byConversation.set(message.conversationId, [...(byConversation.get(message.conversationId) ?? []), message]);
  return [...byConversation.entries()].flatMap(([id, list]) => {
    // In the order the conversation view shows them.
    const ordered = list.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    const mediaIds = ordered.flatMap((message) => message.attachments.map((attachment) => new URL(attachment.url, 'http://x').pathname));
    return mediaIds.length > 0 ? [{ id, customerName: conversations.get(id)!.customerName, messages: ordered, mediaIds }] : [];
  });
}

/**
 * Every image of the open conversation, loaded: the list is virtualized, so it is walked from the top a
 * part of a screen at a time, each image in view decoded. Answers each image's width (0: not loaded).
 */
const imagesLoaded = (page: Page) =>
  page.locator('.messages-scroll').evaluate(async (scroller) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const widths = new Map<string, number>();
    scroller.scrollTop = 0;
    await frame();
    for (;;) {
      for (const image of scroller.querySelectorAll('img')) {
        image.loading = 'eager';
        await image.decode().catch(() => undefined);
        widths.set(image.src, image.naturalWidth);
      }
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1) break;
      scroller.scrollTop += scroller.clientHeight * 0.8;
      await frame();
    }
    return [...widths.values()];
  });

test('with the server stopped and the network cut, a cold start shows the inbox, opened conversations with their images, and canned replies', async ({
  browser,
  ownServer: server,
}) => {
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const api = await TestApi.signIn(server.url, 'alice@example.com');
    const withImages = await conversationsWithImages(api);
    const opened = withImages.slice(0, 3);
    const openedMedia = new Set(opened.flatMap((conversation) => conversation.mediaIds));
    const neverOpened = withImages.find((conversation) => conversation.mediaIds.every((id) => !openedMedia.has(id)))!;
    expect(neverOpened).toBeDefined();

    const page = await context.newPage();
    await signIn(page);
    await waitForServiceWorker(page);
    await waitForSync(page);
    for (const conversation of opened) {
      await page.goto(`/conversations/${conversation.id}`);
      await expect(page.getByRole('heading', { level: 1, name: conversation.customerName })).toBeVisible();
      expect((await imagesLoaded(page)).every((width) => width === 320)).toBe(true);
    }

    await page.close();

    await server.stop();
    await context.setOffline(true);
    const cold = await context.newPage();
    await cold.goto('/');
    await reassertOffline(context);
    await expect(cold.getByRole('status', { name: 'Connection' })).toHaveText('Offline');
    const inbox = cold.getByRole('navigation', { name: 'Inbox' });
    await expect(inbox.getByRole('link').first()).toBeVisible();
    for (const conversation of opened) {
      await cold.goto(`/conversations/${conversation.id}`);
      await expect(cold.getByRole('heading', { level: 1, name: conversation.customerName })).toBeVisible();
      await expectMessages(cold, conversation.messages.length);
      await expect(cold.getByText(conversation.messages.at(-1)!.body).last()).toBeVisible();
      const widths = await imagesLoaded(cold);
      expect(widths.length).toBeGreaterThan(0);
      expect(widths.every((width) => width === 320)).toBe(true);
    }
    await cold.getByRole('button', { name: 'Canned replies' }).click();
    await expect(cold.getByRole('button', { name: /^Greeting/ })).toBeVisible();
    await expect(cold.getByRole('combobox', { name: 'Assign' }).getByRole('option', { name: 'Bob Chen' })).toHaveCount(1);

    await cold.goto(`/conversations/${neverOpened.id}`);
    await expect(cold.getByRole('heading', { level: 1, name: neverOpened.customerName })).toBeVisible();
    expect(await scrollMessagesUntil(cold, '.attachment-placeholder')).toBe(true);
    const placeholder = cold.getByRole('img', { name: /^Image not available offline/ }).first();
    await placeholder.scrollIntoViewIfNeeded();
    await expect(placeholder).toBeVisible();
  } finally {
    await context.close();
    await server.stop();
  }
});

test('when every API response takes 20 s, cached data shows at once (1 s here, 3 s allowed on a slow machine) and the status says the server is unreachable', async ({
  browser,
  server,
}) => {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const api = await TestApi.signIn(server.url, 'alice@example.com');
    const target = (await api.conversations('?status=open'))[0]!;
    const { messages } = await api.conversation(target.id);
    const page = await context.newPage();
    await signIn(page);
    await waitForServiceWorker(page);
    await waitForSync(page);
    await page.close();

    proxy.apiDelayMs = 20_000;
    // Let the setup's work finish first (the first sync just wrote ~5,700 messages, which the browser
    // compacts in the background on these 2 cores; the previous test's context is still being torn
    // down): what is measured is a load against a 20 s server, not against the test's own leftovers.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const slow = await context.newPage();
    await slow.goto(`/conversations/${target.id}`, { waitUntil: 'commit' });
    const shownAt = await slow.waitForFunction(
      // The newest message is in the page (the list is virtualized; each row says its place).
      (count) => document.querySelector(`ol[aria-label="Messages"] > li[aria-posinset="${count}"][aria-setsize="${count}"]`) !== null && performance.now(),
      messages.length,
    );
    await expect(slow.getByRole('heading', { level: 1, name: target.customerName })).toBeVisible();
    const shownAtMs = Number(await shownAt.jsonValue());
    test.info().annotations.push({ type: 'messages shown after (ms)', description: String(Math.round(shownAtMs)) });
    console.log(`cached conversation shown ${Math.round(shownAtMs)} ms after navigation start (API delayed 20 s)`);
    // Well under a second on this machine (bench:cold-start measures it); the bound holds on one three times slower.
    expect(shownAtMs).toBeLessThan(3000);
    await expect(slow.getByRole('status', { name: 'Connection' })).toHaveText('Server unreachable', { timeout: 15_000 });
    // The server answers normally again: within the bound, the device holds what the server holds.
    await api.postActions([createWorkspaceAction('send', target.id, { text: 'written while the server was slow' })]);
    proxy.apiDelayMs = 0;
    await expectConverged(slow, api);
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a server that answers its health probe but not the reads in time is slow, not unreachable', async ({ browser, server }) => {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const page = await context.newPage();
    await signIn(page);
    await waitForServiceWorker(page);
    await waitForSync(page);
    // Reads (sync, lists) take 20 s; the health probe is answered at once.
    proxy.delayed = /^\/api\/(sync|conversations|agents|canned-replies)/;
    proxy.apiDelayMs = 20_000;
    await page.reload();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Server slow', { timeout: 30_000 });
    // The server answers in time again: online.
    proxy.apiDelayMs = 0;
    await page.reload();
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Online|Syncing/, { timeout: 30_000 });
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a first sync shows its progress: the changes stored, of how many', async ({ browser, server }) => {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    // Each page of the first sync takes 1.5 s (within the read deadline): long enough to watch it count.
    proxy.delayed = /^\/api\/sync/;
    proxy.apiDelayMs = 1500;
    const page = await context.newPage();
    await submitSignIn(page, 'dana@example.com');
    const status = page.getByRole('status', { name: 'Connection' });
    await expect(status).toHaveText(/^Syncing [\d,]+ of [\d,]+…$/, { timeout: firstSyncTimeout });
    const [done, total] = ((await status.textContent()) ?? '').match(/[\d,]+/g)!.map((figure) => Number(figure.replace(/,/g, '')));
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(total!);
    // The demo tenant: 240 conversations and ~5,700 messages to sync.
    expect(total).toBeGreaterThan(5000);
    await expect(status).toHaveText('Online', { timeout: firstSyncTimeout });
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a new device: the inbox and the conversation an agent opens are fetched at once, ahead of the first sync, and kept for offline', async ({
  browser,
  server,
}) => {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const api = await TestApi.signIn(server.url, 'bob@example.com');
    const target = (await api.conversations('?status=all'))[7]!;
    const { messages } = await api.conversation(target.id);
    // The tenant's first sync takes 20 s a page: only the conversation's own read can show it sooner.
    proxy.delayed = /^\/api\/sync/;
    proxy.apiDelayMs = 20_000;
    const page = await context.newPage();
    await submitSignIn(page, 'bob@example.com');
    // Signed in; the status soon says the server is slow (its sync misses the deadline), not gone.
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: firstSyncTimeout });
    // The inbox lists the newest open conversations at once, though no sync page has arrived.
    const newest = (await api.conversations('?status=open&limit=1'))[0]!;
    await expect(page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').filter({ hasText: newest.subject }).first()).toBeVisible({
      timeout: 15_000,
    });
    await page.goto(`/conversations/${target.id}`);
    await expectMessages(page, messages.length, { timeout: 15_000 });
    await expect(page.getByRole('heading', { level: 1, name: target.customerName })).toBeVisible();
    // Kept in IndexedDB: with the network cut, a reload still shows it (the sync never landed).
    await waitForServiceWorker(page);
    await context.setOffline(true);
    await page.reload();
    await expectMessages(page, messages.length, { timeout: 15_000 });
    // The fault heals (network back, sync answering): the whole tenant's first sync lands, and the device
    // then holds exactly what the server holds (a first sync's time on a slow machine is the bound here).
    proxy.apiDelayMs = 0;
    await context.setOffline(false);
    await expectConverged(page, api, firstSyncTimeout);
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('older messages inserted above the one being read keep it in place on screen (scroll anchoring)', async ({ browser, server }) => {
  const api = await TestApi.signIn(server.url, 'alice@example.com');
  const me = await api.json<{ agent: { id: string }; tenant: { id: string } }>('/api/me');
  const target = (await api.conversations('?status=all')).reduce((longest, conversation) =>
    conversation.messageCount > longest.messageCount ? conversation : longest,
  );
  expect(target.messageCount).toBeGreaterThanOrEqual(16);
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const page = await context.newPage();
    await signIn(page);
    await waitForSync(page);
    // This browser keeps only the newer half of the conversation (a partial local copy), so opening it
    // shows that half at once and fetches the whole conversation, whose older half lands above.
    const kept = await page.evaluate(
      async ({ name, id }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const tx = db.transaction('threads', 'readwrite');
        const store = tx.objectStore('threads');
        const thread = await new Promise<{ conversationId: string; messages: unknown[] }>((resolve) => {
          const request = store.get(id);
          request.onsuccess = () => resolve(request.result);
        });
        const newer = thread.messages.slice(Math.floor(thread.messages.length / 2));
        store.put({ ...thread, messages: newer });
        await new Promise((resolve) => (tx.oncomplete = resolve));
        db.close();
        return newer.length;
      },
      { name: `holdfast-workspace:${me.tenant.id}:${me.agent.id}`, id: target.id },
    );
    const inserted = target.messageCount - kept;
    const fetch = proxy.hold(new RegExp(`^/api/conversations/${target.id}`));
    await page.goto(`/conversations/${target.id}`);
    await expectMessages(page, kept);
    await expect.poll(() => fetch.held()).toBe(1);
    // The agent scrolls up to read: the second row they had is near the top of the view.
    const reading = await page.locator('.messages-scroll').evaluate(async (scroller) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const second = scroller.querySelector<HTMLElement>('li[aria-posinset="2"]');
      scroller.scrollTop = 0;
      await frame();
      scroller.scrollTop = (scroller.querySelector<HTMLElement>('li[aria-posinset="2"]') ?? second)!.offsetTop + 20;
      await frame();
      const row = scroller.querySelector<HTMLElement>('li[aria-posinset="2"]')!;
      return { top: row.getBoundingClientRect().top - scroller.getBoundingClientRect().top, text: row.querySelector('.message-body')!.textContent };
    });
    fetch.release();
    // The older half arrived above; the row being read is now number 2 + inserted, at the same place.
    const messages = page.getByRole('list', { name: 'Messages' });
    await expect(messages.locator(`li[aria-setsize="${target.messageCount}"]`).first()).toBeAttached();
    const sameRow = messages.locator(`li[aria-posinset="${2 + inserted}"]`);
    await expect(sameRow.locator('.message-body')).toHaveText(reading.text!);
    // Without anchoring it would have moved down by the height of the rows inserted above (or out of view).
    const drift = () =>
      page.locator('.messages-scroll').evaluate(
        (scroller, selector) => {
          const row = scroller.querySelector<HTMLElement>(selector);
          return row ? row.getBoundingClientRect().top - scroller.getBoundingClientRect().top : Number.POSITIVE_INFINITY;
        },
        `li[aria-posinset="${2 + inserted}"]`,
      );
    await expect.poll(async () => Math.abs((await drift()) - reading.top)).toBeLessThanOrEqual(2);
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test("after sign-out, the next agent can read none of the first agent's conversations, messages or images", async ({ browser, server, api }) => {
  const alice = await api('alice@example.com');
  const acme = await alice.conversations();
  const acmeTenant = (await alice.json<{ tenant: { id: string } }>('/api/me')).tenant.id;
  const withImage = (await conversationsWithImages(alice))[0]!;
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  try {
    await signIn(page);
    await waitForServiceWorker(page);
    await waitForSync(page);
    await page.goto(`/conversations/${withImage.id}`);
    expect((await imagesLoaded(page)).some((width) => width === 320)).toBe(true);
    expect(workspaceDatabases(await localData(page))).toEqual([expect.stringContaining(acmeTenant)]);
    expect(JSON.stringify((await localData(page)).records)).toContain(acmeTenant);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect
      .poll(async () => {
        const data = await localData(page);
        return { workspaceDatabases: workspaceDatabases(data), cachedUrls: data.cachedUrls, acmeRecords: JSON.stringify(data.records).includes(acmeTenant) };
      })
      .toEqual({ workspaceDatabases: [], cachedUrls: [], acmeRecords: false });

    await page.getByRole('textbox', { name: 'Email' }).fill('carol@globex.example');
    await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForSync(page);
    const data = await localData(page);
    const everything = JSON.stringify(data) + (await page.locator('body').innerText());
    expect(workspaceDatabases(data)).toHaveLength(1);
    expect(workspaceDatabases(data)[0]).not.toContain(acmeTenant);
    for (const conversation of acme) {
      expect(everything).not.toContain(conversation.id);
    }
    expect(everything).not.toContain(acmeTenant);
    expect(everything).not.toContain(withImage.messages[0]!.id);
  } finally {
    await context.close();
  }
});

/**
 * The workspace's IndexedDB as each release created it, written with raw IndexedDB (not with today's
 * migrations): v1 conversations, messages (one record each, indexed by conversation) and meta; v2 added
 * agents and canned replies; v3 moved messages into one record per conversation (threads); v4 (now) adds
 * drafts.
 */
const currentSchemaVersion = 4;

for (const version of [1, 2, 3]) {
  test(`IndexedDB data written by schema v${version} is kept by the migrations to v${currentSchemaVersion}`, async ({ browser, server, api }) => {
    const alice = await api('alice@example.com');
    const session = await alice.json<{ agent: { id: string }; tenant: { id: string } }>('/api/me');
    const target = (await alice.conversations('?status=open'))[version]!;
    const { messages } = await alice.conversation(target.id);
    const context = await browser.newContext({ baseURL: server.url });
    const page = await context.newPage();
    try {
      await page.goto('/');
      await waitForServiceWorker(page);
      await page.evaluate(
        ({ name, version, conversation, messages }) =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open(name, version);
            open.onupgradeneeded = () => {
              const db = open.result;
              db.createObjectStore('conversations', { keyPath: 'id' });
              db.createObjectStore('meta');
              if (version < 3) db.createObjectStore('messages', { keyPath: 'id' }).createIndex('byConversation', ['conversationId', 'createdAt']);
              else db.createObjectStore('threads', { keyPath: 'conversationId' });
              if (version >= 2) {
                db.createObjectStore('agents', { keyPath: 'id' });
                db.createObjectStore('cannedReplies', { keyPath: 'id' });
              }
            };
            open.onsuccess = () => {
              const db = open.result;
              const tx = db.transaction(['conversations', version >= 3 ? 'threads' : 'messages', 'meta'], 'readwrite');
              tx.objectStore('conversations').put(conversation);
              if (version >= 3) tx.objectStore('threads').put({ conversationId: conversation.id, messages });
              else for (const message of messages) tx.objectStore('messages').put(message);
              tx.objectStore('meta').put('999999999', 'cursor');
              tx.oncomplete = () => {
                db.close();
                resolve();
              };
              tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
          }),
        { name: `holdfast-workspace:${session.tenant.id}:${session.agent.id}`, version, conversation: target, messages },
      );
      await page.evaluate((stored) => localStorage.setItem('holdfast.session', JSON.stringify(stored)), {
        agent: { id: session.agent.id, name: 'Alice Martin', email: 'alice@example.com' },
        tenant: session.tenant,
      });
      // Offline, so everything shown can only come from the migrated database.
      await context.setOffline(true);
      await page.goto(`/conversations/${target.id}`);
      await expect(page.getByRole('heading', { level: 1, name: target.customerName })).toBeVisible();
      await expectMessages(page, messages.length);
      const versions = await page.evaluate(async () =>
        (await indexedDB.databases()).filter((database) => database.name?.startsWith('holdfast-workspace:')).map((database) => database.version),
      );
      expect(versions).toEqual([currentSchemaVersion]);
    } finally {
      await context.close();
    }
  });
}
