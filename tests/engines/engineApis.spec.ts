import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { EngineBrowser, EngineName } from './EngineBrowser.js';
import { engineNames, launchEngine } from './engines.js';

/**
 * What each engine offers of the APIs the framework relies on, checked in the engine itself: the table in
 * docs/engines.md is this one. A browser update that adds or drops one fails here, and the doc is redone.
 */
type Apis = {
  backgroundSync: boolean;
  webLocks: boolean;
  /** A held lock taken over with `steal`: the holder's request rejects (LeaderLease's takeover). */
  webLockSteal: boolean;
  broadcastChannel: boolean;
  storageEstimate: boolean;
  storagePersist: boolean;
  serviceWorker: boolean;
  serviceWorkerUpdates: boolean;
  indexedDb: boolean;
};

const expected: Record<EngineName, Apis> = {
  chromium: {
    backgroundSync: true,
    webLocks: true,
    webLockSteal: true,
    broadcastChannel: true,
    storageEstimate: true,
    storagePersist: true,
    serviceWorker: true,
    serviceWorkerUpdates: true,
    indexedDb: true,
  },
  // Background Sync taken away (chromiumEngine.ts): the rest as Chromium.
  'chromium-no-background-sync': {
    backgroundSync: false,
    webLocks: true,
    webLockSteal: true,
    broadcastChannel: true,
    storageEstimate: true,
    storagePersist: true,
    serviceWorker: true,
    serviceWorkerUpdates: true,
    indexedDb: true,
  },
  firefox: {
    backgroundSync: false,
    webLocks: true,
    webLockSteal: true,
    broadcastChannel: true,
    storageEstimate: true,
    storagePersist: true,
    serviceWorker: true,
    serviceWorkerUpdates: true,
    indexedDb: true,
  },
  // WebKitGTK's MiniBrowser as shipped: the Storage API is off (Safari has it), Background Sync absent.
  webkit: {
    backgroundSync: false,
    webLocks: true,
    webLockSteal: true,
    broadcastChannel: true,
    storageEstimate: false,
    storagePersist: false,
    serviceWorker: true,
    serviceWorkerUpdates: true,
    indexedDb: true,
  },
};

let site: Server;
let url: string;
test.beforeAll(async () => {
  // A secure context (loopback) with a page and a worker to register, nothing else.
  site = createServer((request, response) => {
    if (request.url === '/sw.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end('self.addEventListener("fetch", () => {});');
    else response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>apis</title>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
test.afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

for (const engine of engineNames) {
  test(`${engine}: the APIs the framework uses are there or not as docs/engines.md says`, async () => {
    let browser: EngineBrowser | undefined;
    try {
      browser = await launchEngine(engine);
      const tab = await browser.newTab();
      await tab.goto(`${url}/`);
      const found = await tab.evaluate(async () => {
        const registration = await navigator.serviceWorker.register('/sw.js');
        await navigator.serviceWorker.ready;
        return {
          backgroundSync: 'sync' in registration,
          webLocks: typeof navigator.locks?.request === 'function',
          webLockSteal: await (async () => {
            let taken = false;
            const held = navigator.locks.request('steal-check', () => new Promise(() => {})).catch(() => (taken = true));
            await new Promise((resolve) => setTimeout(resolve, 50));
            const got = await navigator.locks.request('steal-check', { steal: true }, () => true);
            await held;
            return got && taken;
          })(),
          broadcastChannel: typeof BroadcastChannel === 'function',
          storageEstimate: typeof navigator.storage?.estimate === 'function',
          storagePersist: typeof navigator.storage?.persist === 'function',
          serviceWorker: 'serviceWorker' in navigator,
          // The update flow (ServiceWorkerUpdates): ask for an update, see it found and waiting, take it over.
          serviceWorkerUpdates:
            typeof registration.update === 'function' &&
            'waiting' in registration &&
            'onupdatefound' in registration &&
            'oncontrollerchange' in navigator.serviceWorker,
          indexedDb: typeof indexedDB?.open === 'function',
        };
      });
      expect(found).toEqual(expected[engine]);
    } finally {
      await browser?.close();
    }
  });
}
