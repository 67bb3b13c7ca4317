import { rmSync } from 'node:fs';
import { expect } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { ApiProxy } from '../support/ApiProxy.js';
import { localData, workspaceDatabases } from '../support/localData.js';
import { buildWithCdn } from '../support/buildWithCdn.js';
import { TestApi } from '../support/testApi.js';
import type { EngineBrowser, EngineTab } from './EngineBrowser.js';
import { pendingIn, signInThrough, waitIn, workspaceReady } from './engineSupport.js';
import { browserEngineNames, launchEngine } from './engines.js';
import { engineTest } from './engineTest.js';

const newVersionName = 'engines-v2';

/** Once per run, a new release of the app really built (its worker changes). */
const test = engineTest.extend<object, { newVersion: string }>({
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

const versionIn = (tab: EngineTab) => tab.evaluate(() => document.documentElement.dataset.version ?? '').catch(() => '');
/** How many requests to /api/actions this page made itself (its Resource Timing), since it loaded. */
const actionRequestsIn = (tab: EngineTab) =>
  tab.evaluate(() => performance.getEntriesByType('resource').filter((entry) => new URL(entry.name).pathname === '/api/actions').length);

for (const engine of browserEngineNames) {
  test.describe(engine, () => {
    let browser: EngineBrowser | undefined;
    test.afterEach(async () => {
      await browser?.close();
      browser = undefined;
    });

    test('two tabs queue with the server down: both show all of it, one tab replays, each action arrives once, in order', async ({ server }) => {
      test.setTimeout(300_000);
      const alice = await TestApi.signIn(server.url, 'alice@example.com');
      const [target] = await alice.conversations('?status=open');
      browser = await launchEngine(engine);
      const first = await browser.newTab();
      await signInThrough(first, server.url);
      const second = await browser.newTab();
      await second.goto(`${server.url}/`);
      await workspaceReady(second);

      await server.kill();
      for (const [name, tab] of [
        ['A', first],
        ['B', second],
      ] as const) {
        await tab.evaluate(
          async ({ id, name, engine }) => {
            for (let index = 0; index < 10; index++) await window.holdfast!.act('send', id, { text: `${engine} tab ${name} ${index}` });
          },
          { id: target!.id, name, engine },
        );
      }
      // Each tab shows all 20, whichever tab queued them.
      for (const tab of [first, second])
        await waitIn(tab, 'all 20 pending in each tab', async () => (await window.holdfast!.outboxHealth()).pending === 20, undefined, 30_000);
      await first.evaluate(() => performance.clearResourceTimings());
      await second.evaluate(() => performance.clearResourceTimings());

      await server.restart();
      const expected = ['A', 'B'].flatMap((name) => Array.from({ length: 10 }, (_, index) => `${engine} tab ${name} ${index}`));
      await expect
        .poll(async () => (await alice.conversation(target!.id)).messages.map((message) => message.body).filter((body) => body.startsWith(`${engine} tab `)), {
          timeout: 60_000,
        })
        .toEqual(expected);
      for (const tab of [first, second])
        await waitIn(tab, 'nothing pending in either tab', async () => (await window.holdfast!.outboxHealth()).pending === 0, undefined, 30_000);
      // One tab replayed (or, in Chromium, possibly the worker's Background Sync, from neither tab).
      const requests = [await actionRequestsIn(first), await actionRequestsIn(second)];
      expect(requests.filter((count) => count > 0).length).toBeLessThanOrEqual(1);
    });

    test('a new version while two tabs are open and 10 actions wait: "Update" in one moves both to it; every action arrives once', async ({
      server,
      newVersion,
    }) => {
      test.setTimeout(300_000);
      const alice = await TestApi.signIn(server.url, 'alice@example.com');
      const [target] = await alice.conversations('?status=open');
      const proxy = await ApiProxy.start(server.url);
      try {
        browser = await launchEngine(engine);
        const first = await browser.newTab();
        await signInThrough(first, proxy.url);
        const second = await browser.newTab();
        await second.goto(`${proxy.url}/`);
        await workspaceReady(second);
        const before = await versionIn(first);
        expect(before).not.toBe(newVersionName);

        // Ten replies the network holds: pending across the update.
        const held = proxy.hold(/^\/api\/actions/);
        const replies = Array.from({ length: 10 }, (_, index) => `${engine} across the update ${index}`);
        await second.evaluate(
          async ({ id, replies }) => {
            for (const text of replies) await window.holdfast!.act('send', id, { text });
          },
          { id: target!.id, replies },
        );

        // The new version is served; the browser finds its worker, which installs and waits.
        await server.restartWith({ STATIC_DIR: newVersion });
        await first.evaluate(async () => void (await (await navigator.serviceWorker.getRegistration())!.update()));
        const updateOffered = () => [...document.querySelectorAll('.update-banner')].some((banner) => banner.textContent?.startsWith('Update available'));
        for (const tab of [first, second]) await waitIn(tab, '"Update available" in each tab', updateOffered, undefined, 60_000);
        expect([await versionIn(first), await versionIn(second)]).toEqual([before, before]);

        await first.evaluate(() => document.querySelector<HTMLButtonElement>('.update-banner button')!.click());
        for (const tab of [first, second])
          await waitIn(tab, 'the new version in each tab', (name) => document.documentElement.dataset.version === name, newVersionName, 60_000);

        held.release();
        await expect
          .poll(
            async () =>
              (await alice.conversation(target!.id)).messages.map((message) => message.body).filter((body) => body.startsWith(`${engine} across the update `)),
            { timeout: 60_000 },
          )
          .toEqual(replies);
        await workspaceReady(second);
        // Every action arrived once (above); the tab's own view of its outbox follows the replay, not at the
        // same instant on a starved machine (a one-core run saw 10 still counted right after).
        await expect.poll(() => pendingIn(second), { timeout: 30_000 }).toBe(0);
      } finally {
        await proxy.stop();
      }
    });

    test("sign-out leaves nothing of the agent's readable: no database, no cached answer or image, and a cold start offline shows the sign-in", async ({
      server,
    }) => {
      test.setTimeout(300_000);
      const alice = await TestApi.signIn(server.url, 'alice@example.com');
      const tenantId = (await alice.json<{ tenant: { id: string } }>('/api/me')).tenant.id;
      const [read] = await alice.conversations('?status=open');
      browser = await launchEngine(engine);
      const tab = await browser.newTab();
      await signInThrough(tab, server.url);
      await tab.goto(`${server.url}/conversations/${read!.id}`);
      await waitIn(tab, 'the conversation read', () => document.querySelectorAll('ol[aria-label="Messages"] > li').length > 0);
      const localDataNow = async () => {
        const data = await localData(tab);
        return { workspace: workspaceDatabases(data), text: JSON.stringify(data.records) + data.webStorage, cachedUrls: data.cachedUrls };
      };
      const signedIn = await localDataNow();
      expect(signedIn.workspace).toHaveLength(1);
      expect(signedIn.text).toContain(read!.id);

      await tab.evaluate(() => [...document.querySelectorAll('button')].find((button) => button.textContent === 'Sign out')!.click());
      await waitIn(tab, 'the sign-in form', () => document.querySelector('input[name=password]') !== null);
      await expect
        .poll(
          async () => {
            const data = await localDataNow();
            return { workspace: data.workspace, cachedUrls: data.cachedUrls, conversation: data.text.includes(read!.id), tenant: data.text.includes(tenantId) };
          },
          { timeout: 30_000 },
        )
        .toEqual({ workspace: [], cachedUrls: [], conversation: false, tenant: false });

      // The server gone, the conversation's own address: the sign-in, nothing of Alice's.
      await server.kill();
      await tab.goto(`${server.url}/conversations/${read!.id}`);
      await waitIn(tab, 'the sign-in form offline', () => document.querySelector('input[name=password]') !== null, undefined, 30_000);
      const body = await tab.evaluate(() => document.body.innerText);
      expect(body).not.toContain(read!.customerName);
    });
  });
}
