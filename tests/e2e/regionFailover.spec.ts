import { chromium, type Browser } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { freePort } from '../../deploy/cluster/ManagedProcess.js';
import { chromiumArgs } from '../../playwright.config.js';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { buildWithCdn } from '../support/buildWithCdn.js';
import { createPostgresDatabase, startPostgres } from '../support/postgresServer.js';
import { ServerProcess } from '../support/serverProcess.js';
import { metricSum } from '../support/metricSum.js';
import { TestApi } from '../support/testApi.js';
import { expect, expectAllSent, firstSyncTimeout, signIn, test } from './fixtures.js';
import { expectConverged } from './convergence.js';
import {
  backgroundSyncTrigger,
  expectedReplies,
  openConversations,
  queueReplies,
  readyPage,
  serverBodies,
  syncTags,
  waitPastUndoWindow,
} from './outboxSupport.js';

/**
 * API failover across regions: the app built for two API origins (API_ORIGINS), region A (which also
 * serves the page) and region B, two server processes on one PostgreSQL, on two hostnames of one site
 * (holdfast.test, mapped to loopback), so the session cookie (COOKIE_DOMAIN) is good on both and B allows
 * A's pages (CORS, ALLOWED_ORIGINS). Region A is SIGKILLed in the middle of a replay.
 */
let stopPostgres: () => void = () => {};
let regionA: ServerProcess;
let regionB: ServerProcess;
let browser: Browser;
let a: string;
let b: string;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  stopPostgres = await startPostgres();
  const databaseUrl = await createPostgresDatabase();
  const [portA, portB] = [await freePort(), await freePort()];
  a = `http://a.holdfast.test:${portA}`;
  b = `http://b.holdfast.test:${portB}`;
  const outDir = await buildWithCdn([], { API_ORIGINS: `${a},${b}` });
  const env = { STATIC_DIR: outDir, ALLOWED_ORIGINS: `${a},${b}`, COOKIE_DOMAIN: 'holdfast.test' };
  regionA = await ServerProcess.start({ databaseUrl }, { ...env, NODE_NAME: 'region-a' }, undefined, portA);
  regionB = await ServerProcess.start({ databaseUrl }, { ...env, NODE_NAME: 'region-b' }, undefined, portB);
  // Web Locks and service workers need a secure context: these plain-HTTP test origins are declared one.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, `--unsafely-treat-insecure-origin-as-secure=${a},${b}`],
  });
});
test.afterAll(async () => {
  await browser?.close();
  await Promise.all([regionA?.stop(), regionB?.stop()]);
  stopPostgres();
});

const actionsApplied = async (region: ServerProcess) =>
  metricSum(await (await fetch(`${region.url}/metrics`)).text(), 'holdfast_actions_total', { result: 'applied' });

test('region A killed in the middle of a replay: the outbox goes on on region B with nothing lost or doubled, and comes back to A after a probe', async () => {
  test.setTimeout(300_000);
  const context = await browser.newContext({ baseURL: a });
  const page = await context.newPage();
  await signIn(page);
  await expect(page.getByTestId('last-sync')).toContainText('Last sync', { timeout: firstSyncTimeout });
  expect(await page.evaluate(() => window.holdfast!.apiRegion())).toBe(a);
  const api = await TestApi.signIn(regionB.url, 'alice@example.com');
  const [target] = await openConversations(api, 1);
  const prefix = `region-${Date.now()}-`;

  // 300 replies, one every 10 ms, each replayed as it comes; region A dies once it has applied 60.
  const sending = page.evaluate(
    async ([id, prefix]) => {
      for (let index = 0; index < 300; index++) {
        await window.holdfast!.act('send', id, { text: `${prefix}${String(index).padStart(3, '0')}` });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    [target!.id, prefix] as const,
  );
  await expect.poll(() => actionsApplied(regionA), { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(60);
  await regionA.kill();
  await sending;
  await expectAllSent(page, 120_000);
  expect(await page.evaluate(() => window.holdfast!.apiRegion())).toBe(b);
  expect(await actionsApplied(regionB)).toBeGreaterThan(0);
  // The agent can see it: the status view names the region in use and the one out of rotation.
  await page.locator('details.status-panel summary').click();
  await expect(page.getByTestId('status-region')).toHaveText(`${new URL(b).host} (${new URL(a).host} out of rotation)`);

  // Nothing lost, nothing doubled, in the order sent.
  expect(await serverBodies(api, target!.id, prefix)).toEqual(Array.from({ length: 300 }, (_, index) => `${prefix}${String(index).padStart(3, '0')}`));
  // Signing in while region A is down: the sign-in screen (served by the worker) tries B. The session
  // cookie B sets is good on both regions.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('textbox', { name: 'Email' }).fill('alice@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible({ timeout: firstSyncTimeout });
  await expect(page.getByTestId('last-sync')).toContainText('Last sync', { timeout: firstSyncTimeout });

  // The page still reads (through B) and hears B's event stream: a reply from elsewhere shows up live.
  await api.postActions([createWorkspaceAction('send', target!.id, { text: `${prefix}from elsewhere` })]);
  await page.goto(`/conversations/${target!.id}`);
  await expect(page.getByRole('list', { name: 'Messages' })).toContainText(`${prefix}from elsewhere`, { timeout: 60_000 });

  // Region A comes back: after its cool-down, one probe (GET /readyz) finds it, and requests return to it.
  await regionA.restart();
  await expect
    .poll(
      async () => {
        await page.evaluate(([id]) => window.holdfast!.act('send', id, { text: 'probe nudge' }), [target!.id] as const);
        return page.evaluate(() => window.holdfast!.apiRegion());
      },
      { timeout: 90_000, intervals: [1000] },
    )
    .toBe(a);
  const before = await actionsApplied(regionA);
  await page.evaluate(([id, prefix]) => window.holdfast!.act('send', id, { text: `${prefix}back on A` }), [target!.id, prefix] as const);
  await expectAllSent(page, 60_000);
  expect(await actionsApplied(regionA)).toBeGreaterThan(before);
  // After the region's death and return, the device holds exactly what the server holds.
  await expectConverged(page, api);
  await context.close();
});

test("with every tab closed and region A down, the service worker's Background Sync replays the outbox through region B", async () => {
  test.setTimeout(300_000);
  if (
    !regionA.pid ||
    !(await fetch(`${regionA.url}/readyz`).then(
      (response) => response.ok,
      () => false,
    ))
  )
    await regionA.restart();
  const context = await browser.newContext({ baseURL: a });
  const api = await TestApi.signIn(regionB.url, 'alice@example.com');
  const ids = (await openConversations(api, 2)).map((conversation) => conversation.id);
  const page = await readyPage(context);
  await context.setOffline(true);
  const prefix = `worker-region-${Date.now()} `;
  await queueReplies(page, ids, 40, prefix);
  const [tag] = await syncTags(page);
  await waitPastUndoWindow(page);
  await page.close();
  expect(await serverBodies(api, ids[0]!, prefix)).toEqual([]);
  await regionA.kill();
  await context.setOffline(false);
  const fireSync = await backgroundSyncTrigger(context, a, tag!);
  await expect
    .poll(
      async () => {
        const sent = (await serverBodies(api, ids[0]!, prefix)).length;
        if (sent < 20) await fireSync();
        return sent;
      },
      { timeout: 60_000, intervals: [2000] },
    )
    .toBe(20);
  for (const [index, id] of ids.entries()) expect(await serverBodies(api, id, prefix)).toEqual(expectedReplies(40, prefix, index, 2));
  await context.close();
  await regionA.restart();
});
