import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ApiProxy } from '../support/ApiProxy.js';
import { buildWithCdn } from '../support/buildWithCdn.js';
import { distDir } from '../support/paths.js';
import { TestApi } from '../support/testApi.js';
import { expect, signIn, test as base } from './fixtures.js';

const newVersionName = 'test-v2';

/** A new release of the app, really built (`HOLDFAST_VERSION` changes the code, so every hash and the worker change). */
const test = base.extend<object, { newVersion: string }>({
  newVersion: [
    async ({}, use) => {
      const dir = await buildWithCdn([], { HOLDFAST_VERSION: newVersionName });
      await use(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    // A production build: ~30 s here, minutes on a starved machine; kept out of each test's own timeout.
    { scope: 'worker', timeout: 600_000 },
  ],
});

/** The version the page runs; undefined while it is between documents (reloading). */
const versionOf = (page: Page) => page.evaluate(() => document.documentElement.dataset.version).catch(() => undefined);
const waitForServiceWorker = (page: Page) => page.waitForFunction(() => navigator.serviceWorker.controller !== null);
/** What the browser does on its own now and then (and the app every 30 minutes): look for a new worker. */
const checkForUpdate = (page: Page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

/** Counts a page's own navigations (reloads included) from now on. */
function countNavigations(page: Page): () => number {
  let count = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) count++;
  });
  return () => count;
}

test('three tabs, 100 actions pending, a draft in one: "Update" in another moves every tab to the new version, each reloading once; every action applied once; the draft and a refused action kept', async ({
  browser,
  ownServer,
  newVersion,
}) => {
  const alice = await TestApi.signIn(ownServer.url, 'alice@example.com');
  const targets = (await alice.conversations('?status=open')).slice(0, 10);
  const proxy = await ApiProxy.start(ownServer.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const [first, second, third] = [await context.newPage(), await context.newPage(), await context.newPage()];
    await signIn(first);
    await waitForServiceWorker(first);
    const before = await versionOf(first);
    expect(before).not.toBe(newVersionName);
    for (const page of [second, third]) {
      await page.goto('/');
      await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
      await waitForServiceWorker(page);
    }

    // An action the server refused, waiting in "Needs your attention": it must survive the update too.
    await second.evaluate((id) => window.holdfast!.act('assign', id, { assigneeId: '00000000-0000-4000-8000-0000000000ff' }), targets[1]!.id);
    const refused = (page: Page) => page.getByRole('region', { name: /Needs your attention/ });
    await expect(refused(second)).toContainText('No such agent', { timeout: 30_000 });

    // 100 replies queued in the second tab; the network holds them, so they are pending across the update.
    const held = proxy.hold(/^\/api\/actions/);
    await second.evaluate(
      async (ids) => {
        for (let index = 0; index < 100; index++) await window.holdfast!.act('send', ids[index % ids.length]!, { text: `across the update ${index}` });
      },
      targets.map((target) => target.id),
    );
    await expect(second.getByRole('status', { name: 'Outbox' })).toContainText('100', { timeout: 20_000 });
    // A draft in the first tab, not sent.
    const draft = 'Half-written answer that must survive the update';
    await first.goto(`/conversations/${targets[0]!.id}`);
    await first.getByRole('textbox', { name: 'Message' }).fill(draft);

    // The new version is served; the browser finds its worker, which installs and waits.
    await ownServer.restartWith({ STATIC_DIR: newVersion });
    await checkForUpdate(third);
    for (const page of [first, second, third]) {
      await expect(page.getByRole('status').filter({ hasText: 'Update available' })).toBeVisible({ timeout: 60_000 });
    }
    // Nothing moved on its own.
    expect(await Promise.all([first, second, third].map(versionOf))).toEqual([before, before, before]);

    const navigations = [first, second, third].map(countNavigations);
    await third.getByRole('status').filter({ hasText: 'Update available' }).getByRole('button', { name: 'Update' }).click();
    for (const page of [first, second, third]) await expect.poll(() => versionOf(page), { timeout: 60_000 }).toBe(newVersionName);
    await expect(first.getByRole('textbox', { name: 'Message' })).toHaveValue(draft);
    // The agent was mid-reply there: the composer has the focus again, ready to go on typing.
    await expect(first.getByRole('textbox', { name: 'Message' })).toBeFocused();
    await expect(refused(second)).toContainText('No such agent');

    // The actions go once the network lets them: each applied exactly once.
    held.release();
    await expect
      .poll(
        async () => {
          const bodies = (await Promise.all(targets.map((target) => alice.conversation(target.id)))).flatMap(({ messages }) =>
            messages.map((message) => message.body),
          );
          return bodies.filter((body) => body.startsWith('across the update ')).sort();
        },
        { timeout: 90_000 },
      )
      .toEqual(Array.from({ length: 100 }, (_, index) => `across the update ${index}`).sort());
    await expect(second.getByRole('status', { name: 'Outbox' })).toHaveText(/All changes sent/, { timeout: 30_000 });
    // Each tab reloaded exactly once, and none is left on the old version.
    expect(navigations.map((count) => count())).toEqual([1, 1, 1]);
    expect(await Promise.all([first, second, third].map(versionOf))).toEqual([newVersionName, newVersionName, newVersionName]);
    await expect(first.getByRole('textbox', { name: 'Message' })).toHaveValue(draft);
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a new version that fails to install (one of its files missing) leaves the current one serving, and the app says so', async ({
  browser,
  ownServer,
  newVersion,
}) => {
  // The release with one of its new script files missing from the server (one the current version does
  // not have too: files both share are already kept by the worker).
  const broken = mkdtempSync(join(tmpdir(), 'holdfast-broken-build-'));
  cpSync(newVersion, broken, { recursive: true });
  const current = new Set(readdirSync(join(distDir, 'assets')));
  const script = readdirSync(join(broken, 'assets')).find((name) => name.endsWith('.js') && !current.has(name))!;
  expect(script).toBeDefined();
  for (const name of readdirSync(join(broken, 'assets')).filter((file) => file.startsWith(script))) rmSync(join(broken, 'assets', name));
  const context = await browser.newContext({ baseURL: ownServer.url });
  try {
    const page = await context.newPage();
    await signIn(page);
    await waitForServiceWorker(page);
    const before = await versionOf(page);

    await ownServer.restartWith({ STATIC_DIR: broken });
    await checkForUpdate(page).catch(() => undefined);
    await expect(page.getByRole('status').filter({ hasText: 'could not be installed' })).toContainText('This version keeps working', { timeout: 60_000 });
    await expect(page.getByRole('button', { name: 'Update' })).toHaveCount(0);
    // A reload still runs the current version, whole, from its worker.
    await page.reload();
    await expect(page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first()).toBeVisible();
    expect(await versionOf(page)).toBe(before);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
  } finally {
    await context.close();
    rmSync(broken, { recursive: true, force: true });
  }
});

test('a first visit whose worker fails to install (one file of the app answered 503) gets its worker soon after, with no reload: offline from the first visit', async ({
  browser,
  server,
}) => {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    // A file the worker precaches and the page itself never loads: refused until the first install has failed.
    const refused = proxy.fail(/^\/icon-maskable-512\.png/, 503);
    const page = await context.newPage();
    const navigations = countNavigations(page);
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect.poll(() => refused.answered(), { timeout: 60_000 }).toBeGreaterThan(0);
    // The install failed, and with no version before it the browser kept no registration at all.
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration()) === undefined), { timeout: 60_000 }).toBe(true);
    refused.stop();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    expect(navigations()).toBe(1);
    // The shell is really kept: a cold start with no network shows the app.
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a newer release upgrading the local database from another tab: this tab stores its draft, lets go at once, and reloads onto that release', async ({
  browser,
  server,
}) => {
  const alice = await TestApi.signIn(server.url, 'alice@example.com');
  const me = await alice.json<{ agent: { id: string }; tenant: { id: string } }>('/api/me');
  const target = (await alice.conversations('?status=open'))[3]!;
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`/conversations/${target.id}`);
    const draft = 'Typed in the old release, just before the new one upgraded the database';
    await page.getByRole('textbox', { name: 'Message' }).fill(draft);
    const navigations = countNavigations(page);
    // The newer release's upgrade, as its code runs it in its own tab: version 5, a store of its own.
    const other = await context.newPage();
    await other.goto('/manifest.webmanifest');
    const stored = await other.evaluate(
      ({ name, id }) =>
        new Promise<{ text: string | undefined; version: number }>((resolve, reject) => {
          const open = indexedDB.open(name, 5);
          open.onupgradeneeded = () => open.result.createObjectStore('fromTheNewerRelease');
          open.onsuccess = () => {
            const db = open.result;
            const read = db.transaction('drafts').objectStore('drafts').get(id);
            read.onsuccess = () => {
              resolve({ text: (read.result as { text?: string } | undefined)?.text, version: db.version });
              db.close();
            };
          };
          open.onerror = () => reject(open.error);
        }),
      { name: `holdfast-workspace:${me.tenant.id}:${me.agent.id}`, id: target.id },
    );
    // The upgrade went through (the old tab let go) and found the draft.
    expect(stored.version).toBe(5);
    expect(stored.text).toBe(draft);
    // The old tab moved on: it reloaded, once.
    await expect.poll(navigations, { timeout: 30_000 }).toBe(1);
  } finally {
    await context.close();
  }
});
