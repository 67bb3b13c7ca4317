import { expect } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { deviceDigest, serverDigest } from '../e2e/convergence.js';
import { TestApi } from '../support/testApi.js';
import type { EngineBrowser, EngineTab } from './EngineBrowser.js';
import { signInThrough, waitIn, workspaceReady } from './engineSupport.js';
import { browserEngineNames, launchEngine } from './engines.js';
import { engineTest as test } from './engineTest.js';

/** What the "Local data deleted" alert says; '' while there is none. */
const lossNotice = (tab: EngineTab) => tab.evaluate(() => document.querySelector('[role="alert"][aria-label="Local data deleted"]')?.textContent ?? '');

for (const engine of browserEngineNames) {
  test(`${engine}: the browser deletes the device's databases behind the app's back: the agent is told what went, unsent work included, and a fresh sync restores what the server has`, async ({
    server,
  }) => {
    test.setTimeout(300_000);
    const alice = await TestApi.signIn(server.url, 'alice@example.com');
    const [target] = await alice.conversations('?status=open');
    let browser: EngineBrowser | undefined;
    try {
      browser = await launchEngine(engine);
      const tab = await browser.newTab();
      await signInThrough(tab, server.url);
      // Two replies queued with the server down: unsent when the data goes.
      await server.kill();
      await tab.evaluate(async (id) => {
        for (let index = 0; index < 2; index++) await window.holdfast!.act('send', id, { text: `never sent ${index}` });
      }, target!.id);
      await waitIn(tab, 'two actions pending', async () => (await window.holdfast!.outboxHealth()).pending === 2);

      // Eviction: every database of the app's deleted, the session (localStorage, cookie) kept. (The browser
      // takes Workbox's own databases too; a script cannot: Workbox keeps them open and never lets go.)
      const deleted = await tab.evaluate(async () => {
        const names = (await indexedDB.databases()).map((database) => database.name ?? '').filter((name) => name.startsWith('holdfast'));
        await Promise.all(
          names.map(
            (name) =>
              new Promise((resolve, reject) => {
                const request = indexedDB.deleteDatabase(name);
                request.onsuccess = resolve;
                request.onerror = () => reject(request.error);
              }),
          ),
        );
        return names;
      });
      expect(deleted.some((name) => name.startsWith('holdfast-workspace:'))).toBe(true);
      expect(deleted.some((name) => name.startsWith('holdfast-outbox:'))).toBe(true);

      await server.restart();
      await tab.goto(`${server.url}/`);
      const told = await waitIn(
        tab,
        'the agent told of the loss',
        () => document.querySelector('[role="alert"][aria-label="Local data deleted"]')?.textContent ?? '',
        undefined,
        60_000,
      );
      expect(told).toContain('This browser deleted the copy of your conversations');
      expect(told).toContain('2 actions not yet sent');
      // The fresh sync brings back everything the server has; the notice says so.
      await workspaceReady(tab);
      const server_ = await serverDigest(alice);
      await expect.poll(() => deviceDigest(tab), { timeout: 60_000 }).toEqual(server_);
      await waitIn(
        tab,
        'the notice saying the copy is back',
        () => document.querySelector('[role="alert"][aria-label="Local data deleted"]')?.textContent?.includes('copy is back') === true,
        undefined,
        30_000,
      );
      // The lost replies are not invented back, nor sent.
      expect((await alice.conversation(target!.id)).messages.some((message) => message.body.startsWith('never sent'))).toBe(false);

      // Said once: a reload (data held again) says nothing.
      await tab.goto(`${server.url}/`);
      await workspaceReady(tab);
      expect(await lossNotice(tab)).toBe('');
    } finally {
      await browser?.close();
    }
  });
}
