import type { Page } from '@playwright/test';
import { assetCacheName } from 'holdfast/client';
import { buildWithCdn } from '../support/buildWithCdn.js';
import { CdnHost } from '../support/CdnHost.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { ServerProcess } from '../support/serverProcess.js';
import { expect, test } from './fixtures.js';

/**
 * A primary CDN whose name does not resolve (a lapsed DNS record, a typo in CDN_HOSTS): Chromium maps
 * unresolvable.test to NOTFOUND (playwright.config.ts), so every request to it fails with a DNS error.
 * The secondary, azure.test, is a CdnHost on loopback; the origin is the app server.
 */
let azure: CdnHost;
let server: ServerProcess;
let secondary: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  azure = await CdnHost.start('');
  secondary = `http://azure.test:${azure.port}`;
  const outDir = await buildWithCdn([primary, secondary]);
  azure.root = outDir;
  server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() }, { STATIC_DIR: outDir });
});
test.afterAll(async () => {
  await server?.stop();
  await azure?.stop();
});

async function expectRendered(page: Page) {
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled({ timeout: 30_000 });
  expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
}

type Notice = { type: string; host?: string; passedOver?: { host: string; reason: string }[] };

const primary = 'http://unresolvable.test:8443';

/**
 * What the agent relies on: the asset served, past the unresolvable primary, by the secondary — or, on a
 * loaded machine, by the origin, when the secondary answered late enough for a hedge to race it there and
 * the origin won (a race lost, not a failure: the secondary is then passed over as 'hedged', or skipped for
 * that slowness in the loads after it: 'marked-down' by the page loader, 'silent' by the worker).
 */
function expectServedPastPrimary(notice: Notice) {
  expect(notice.type).toBe('served');
  expect([secondary, server.url]).toContain(notice.host);
  expect(notice.passedOver!.map((failure) => failure.host)).toContain(primary);
  for (const failure of notice.passedOver!.filter((passed) => passed.host !== primary)) expect(['hedged', 'marked-down', 'silent']).toContain(failure.reason);
}

test('first visit without a service worker: the page loader passes over the unresolvable primary at once', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto('/');
  await expectRendered(page);
  const notices = await page.evaluate(() => (window as unknown as { holdfastAssetLoader: { notices: Notice[] } }).holdfastAssetLoader.notices);
  // What the agent relies on: both assets came from the secondary, the primary passed over for failing to
  // connect — not waited for until a deadline. On a slow machine the secondary may answer late enough for a
  // hedge to fire as well ('hedged'): a race lost, not a failure.
  expect(notices).toHaveLength(2);
  for (const notice of notices) {
    expectServedPastPrimary(notice);
    expect(notice.passedOver!.map((failure) => failure.reason)).toContain('network');
    const primaryFailure = notice.passedOver!.find((failure) => failure.host === primary);
    expect(['network', 'hedged']).toContain(primaryFailure?.reason);
  }
  await context.close();
});

test('under the service worker: it installs every asset from the secondary, and serves them from there when its cache is gone', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url });
  await context.addInitScript(() => {
    const page = window as unknown as { cascadeNotices: unknown[] };
    page.cascadeNotices = [];
    navigator.serviceWorker?.addEventListener('message', (event) => {
      if ((event.data as { type?: string })?.type === 'holdfast:cascade-event') page.cascadeNotices.push((event.data as { notice: unknown }).notice);
    });
  });
  const page = await context.newPage();
  await page.goto('/');
  await expectRendered(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
  const installed = azure.assetRequests().length;

  await page.evaluate((name) => caches.delete(name), assetCacheName);
  await page.reload();
  await expectRendered(page);
  expect(azure.assetRequests().length).toBeGreaterThan(installed);
  const served = (await page.evaluate(() => (window as unknown as { cascadeNotices: Notice[] }).cascadeNotices)).filter((notice) => notice.type === 'served');
  expect(served.length).toBeGreaterThanOrEqual(2);
  for (const notice of served) {
    expectServedPastPrimary(notice);
    // The primary failed at install already: by now its breaker is open, or it fails again with a DNS error.
    expect(notice.passedOver![0]).toMatchObject({ host: primary, reason: expect.stringMatching(/^(network|breaker-open|breaker-half-open)$/) });
  }
  await context.close();
});
