import { expect } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { TestApi } from '../support/testApi.js';
import type { EngineBrowser } from './EngineBrowser.js';
import { waitIn, workspaceReady } from './engineSupport.js';
import { engineNames, launchEngine } from './engines.js';
import { engineTest as test } from './engineTest.js';

/**
 * WebKit keeps a page it leaves in its back/forward cache, frozen; one frozen with IndexedDB work open
 * stalled every later page of the app on the same database. Away and back by typed URLs and history, with
 * a first sync and outbox writes in flight, then a reply: it reaches the server, once.
 */
for (const engine of engineNames) {
  test(`${engine}: away and back while a first sync and outbox writes are in flight, then a reply reaches the server once`, async ({ server }) => {
    test.setTimeout(300_000);
    const alice = await TestApi.signIn(server.url, 'alice@example.com');
    const [target] = await alice.conversations('?status=open');
    let browser: EngineBrowser | undefined;
    try {
      browser = await launchEngine(engine);
      const tab = await browser.newTab();
      await tab.goto(`${server.url}/`);
      await waitIn(tab, 'the sign-in form', () => document.querySelector<HTMLButtonElement>('form button[type=submit]')?.disabled === false);
      await tab.evaluate(() => {
        document.querySelector<HTMLInputElement>('input[name=email]')!.value = 'alice@example.com';
        document.querySelector<HTMLInputElement>('input[name=password]')!.value = 'holdfast';
        document.querySelector<HTMLFormElement>('form')!.requestSubmit();
      });
      // Signed in: the first sync under way. Queue replies, and leave while they and the sync are written.
      await waitIn(
        tab,
        'the workspace',
        () => window.holdfast !== undefined && [...document.querySelectorAll('button')].some((button) => button.textContent === 'Sign out'),
      );
      // Three queued for sure (act resolves once the action is durable), two still being written as the page goes.
      await tab.evaluate(
        async ({ id, engine }) => {
          for (let index = 0; index < 3; index++) await window.holdfast!.act('send', id, { text: `${engine} bfcache before ${index}` });
          for (let index = 3; index < 5; index++) void window.holdfast!.act('send', id, { text: `${engine} bfcache before ${index}` });
        },
        { id: target!.id, engine },
      );
      // Each page of the app counts, in the tab's sessionStorage, the times it went into the cache.
      const countHides = () =>
        tab.evaluate(() => {
          addEventListener(
            'pagehide',
            (event) => event.persisted && sessionStorage.setItem('cached-hides', String(Number(sessionStorage.getItem('cached-hides') ?? 0) + 1)),
          );
        });
      await countHides();
      await tab.goto(`${server.url}/healthz`);
      await tab.goto(`${server.url}/conversations/${target!.id}`);
      await countHides();
      await tab.goto(`${server.url}/healthz`);
      await tab.back();
      await tab.back();
      await tab.back();
      await tab.goto(`${server.url}/conversations/${target!.id}`);
      await workspaceReady(tab, 120_000);
      const cachedHides = await tab.evaluate(() => Number(sessionStorage.getItem('cached-hides') ?? 0));
      console.log(`${engine}: the app's pages went into the back/forward cache ${cachedHides} times`);
      // WebKit caches them (the case this test is for); Chromium and Firefox have not so far, and pass alike.
      if (engine === 'webkit') expect(cachedHides).toBeGreaterThan(0);
      await tab.evaluate(({ id, engine }) => window.holdfast!.act('send', id, { text: `${engine} bfcache after` }), { id: target!.id, engine });
      const all = [...Array.from({ length: 5 }, (_, index) => `${engine} bfcache before ${index}`), `${engine} bfcache after`];
      const arrived = async () =>
        (await alice.conversation(target!.id)).messages.map((message) => message.body).filter((body) => body.startsWith(`${engine} bfcache `));
      // Every durable one and the reply after, once each and in order; the two in flight at most once, in their place.
      try {
        await expect.poll(async () => (await arrived()).includes(`${engine} bfcache after`), { timeout: 60_000 }).toBe(true);
      } catch (error) {
        const state = await Promise.race([
          tab.evaluate(async () => ({
            health: await window.holdfast!.outboxHealth(),
            stream: window.holdfast!.stream(),
            status: document.querySelector('[aria-label="Connection"]')?.textContent,
            outbox: document.querySelector('[aria-label="Outbox"]')?.textContent ?? document.body.innerText.slice(0, 300),
            locks: await navigator.locks?.query(),
          })),
          new Promise((resolve) => setTimeout(() => resolve('page did not answer in 10 s'), 10_000)),
        ]).catch((failure: unknown) => String(failure));
        console.log('DIAG', JSON.stringify(state));
        throw error;
      }
      const bodies = await arrived();
      expect(bodies.slice(0, 3)).toEqual(all.slice(0, 3));
      expect(bodies.at(-1)).toBe(`${engine} bfcache after`);
      expect(new Set(bodies).size).toBe(bodies.length);
      expect(bodies.map((body) => all.indexOf(body))).toEqual([...bodies.map((body) => all.indexOf(body))].sort((a, b) => a - b));
    } finally {
      await browser?.close();
    }
  });
}
