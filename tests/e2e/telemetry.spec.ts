import type { Page } from '@playwright/test';
import { ApiProxy } from '../support/ApiProxy.js';
import { metricSum } from '../support/metricSum.js';
import { reassertOffline } from '../support/reassertOffline.js';
import { expect, signIn, test } from './fixtures.js';
import { backgroundSyncTrigger } from './outboxSupport.js';

/** Telemetry batches waiting in the worker's Background Sync queue (workbox-background-sync's IndexedDB). */
function queued(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('workbox-background-sync');
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('requests')) return resolve(0);
          const count = db.transaction('requests').objectStore('requests').count();
          count.onsuccess = () => {
            resolve(count.result);
            db.close();
          };
        };
        open.onerror = () => resolve(-1);
      }),
  );
}

async function reachabilityEvents(serverUrl: string): Promise<number> {
  return metricSum(await (await fetch(`${serverUrl}/metrics`)).text(), 'holdfast_client_events_total', { kind: 'reachability' });
}

test('telemetry seen offline is queued by the worker, kept through 5xx answers, delivered once, and wiped at sign-out', async ({ browser, own }) => {
  test.setTimeout(180_000);
  const { server } = own;
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    const page = await context.newPage();
    await signIn(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const sync = await backgroundSyncTrigger(context, proxy.url, 'workbox-background-sync:holdfast-telemetry');

    // The server is sick for telemetry: every batch is answered 503.
    const sick = proxy.fail(/^\/api\/telemetry/, 503);
    await reassertOffline(context);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Offline', { timeout: 30_000 });
    await context.setOffline(false);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online', { timeout: 30_000 });
    // The page's batch reaches the worker's queue; the worker tries it and is answered 503; it stays.
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await sync();
    await expect.poll(() => sick.answered(), { timeout: 30_000 }).toBeGreaterThan(0);
    // Put back at the head of the queue once the 503 is in (not dropped as sent, as the Queue's own replay would).
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await reachabilityEvents(server.url)).toBe(0);

    // Well again: the next sync delivers it, and the queue is empty.
    sick.stop();
    await sync();
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBe(0);
    // The queue lets go of a batch as its request starts (workbox-background-sync's replay), before the
    // server has stored it: waited for, not assumed.
    await expect.poll(() => reachabilityEvents(server.url), { timeout: 30_000 }).toBeGreaterThanOrEqual(2); // offline, then back online
    const settled = () => expect.poll(() => proxy.inFlight(/^\/api\/telemetry/), { timeout: 30_000 }).toBe(0);
    await settled();
    const delivered = await reachabilityEvents(server.url);
    // Sent again (a sync fired twice), nothing is stored twice.
    await sync();
    await settled();
    expect(await reachabilityEvents(server.url)).toBe(delivered);

    // Sign-out on a shared machine: what is still queued goes with the agent's other local data.
    const sickAgain = proxy.fail(/^\/api\/telemetry/, 503);
    await reassertOffline(context);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Offline', { timeout: 30_000 });
    await context.setOffline(false);
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => queued(page), { timeout: 30_000 }).toBe(0);
    sickAgain.stop();
  } finally {
    await context.close();
    await proxy.stop();
  }
});
