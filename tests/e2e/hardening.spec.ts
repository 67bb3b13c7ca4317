import type { Browser } from '@playwright/test';
import type { ServerProcess } from '../support/serverProcess.js';
import { ApiProxy } from '../support/ApiProxy.js';
import { TestApi } from '../support/testApi.js';
import { cspViolations, expect, expectAllSent, inboxRow, sessionCookie, signIn, test, watchCspViolations } from './fixtures.js';
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
 * Hardening in Chromium: text an agent pastes never jams the outbox, an action the server cannot apply
 * goes to "Needs your attention" while everything after it is applied, and the page runs under a strict
 * Content-Security-Policy with no violation.
 */

test('a reply with a NUL character pasted into it is sent, without the NUL', async ({ page, api }) => {
  const alice = await api();
  const target = (await alice.conversations('?status=open'))[0]!;
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('pasted\u0000 from a terminal');
  await page.getByRole('button', { name: 'Send' }).click();
  // Queued first (it shows once it is in the outbox): "All changes sent" before that would be the old state.
  await expect(page.getByRole('list', { name: 'Messages' }).getByText('pasted from a terminal')).toBeVisible();
  await expectAllSent(page);
  const { messages } = await alice.conversation(target.id);
  expect(messages.at(-1)!.body).toBe('pasted from a terminal');
  await expect(page.getByRole('region', { name: /Needs your attention/ })).toHaveCount(0);
});

/** The test's own server behind a proxy that answers 500 for any batch holding the poison text; a context on the proxy. */
async function poisonSetup(browser: Browser, server: ServerProcess) {
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  const alice = await TestApi.signIn(server.url, 'alice@example.com');
  const close = async () => {
    await context.close();
    await proxy.stop();
  };
  return { server, proxy, context, alice, close };
}

/** Offline, Alice queues the poison (on the first of two conversations), then 50 replies over both. */
async function queuePoisonThenFifty({ proxy, context, alice }: Awaited<ReturnType<typeof poisonSetup>>) {
  proxy.poison = 'POISON pill';
  const ids = (await openConversations(alice, 2)).map((target) => target.id);
  const page = await readyPage(context);
  await context.setOffline(true);
  await page.evaluate((id) => window.holdfast!.act('send', id, { text: 'POISON pill' }), ids[0]!);
  await queueReplies(page, ids, 50, 'after ');
  return { ids, page };
}

async function expectFiftyAppliedInOrder(alice: TestApi, ids: string[]) {
  for (const [index, id] of ids.entries()) {
    await expect.poll(() => serverBodies(alice, id, 'after '), { timeout: 90_000 }).toEqual(expectedReplies(50, 'after ', index, 2));
  }
}

test('an action the server cannot apply goes to "Needs your attention" with Retry and Discard; the 50 after it are applied once, in order', async ({
  browser,
  ownServer,
}) => {
  test.setTimeout(180_000);
  const setup = await poisonSetup(browser, ownServer);
  try {
    const { proxy, context, alice } = setup;
    const { ids, page } = await queuePoisonThenFifty(setup);
    await context.setOffline(false);

    const failed = page.getByRole('region', { name: /Needs your attention/ });
    await expect(failed.getByRole('heading')).toHaveText('Needs your attention (1)', { timeout: 90_000 });
    await expect(failed.getByRole('listitem')).toContainText('The server could not apply this action');
    await expect(failed.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expectFiftyAppliedInOrder(alice, ids);
    expect(await serverBodies(alice, ids[0]!, 'POISON')).toEqual([]);
    expect(proxy.failed).toBeGreaterThanOrEqual(4);

    // Fixed on the server: Retry sends it, once.
    proxy.poison = null;
    await failed.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => serverBodies(alice, ids[0]!, 'POISON'), { timeout: 60_000 }).toEqual(['POISON pill']);
    await expectAllSent(page);
    await expect(failed).toHaveCount(0);
  } finally {
    await setup.close();
  }
});

test('with every tab closed, the service worker too sets the poison aside and applies the 50 after it', async ({ browser, ownServer }) => {
  test.setTimeout(180_000);
  const setup = await poisonSetup(browser, ownServer);
  try {
    const { proxy, context, alice } = setup;
    const { ids, page } = await queuePoisonThenFifty(setup);
    const [tag] = await syncTags(page);
    await waitPastUndoWindow(page);
    await page.close();
    await context.setOffline(false);

    // The browser re-fires the event, with its own backoff, while the worker's work rejects.
    const fire = await backgroundSyncTrigger(context, proxy.url, tag!);
    const refire = setInterval(() => void fire().catch(() => undefined), 20_000);
    try {
      await expectFiftyAppliedInOrder(alice, ids);
    } finally {
      clearInterval(refire);
    }
    // A tab opened afterwards shows the poison in the list, nothing else pending.
    const later = await context.newPage();
    await later.goto('/');
    const failed = later.getByRole('region', { name: /Needs your attention/ });
    await expect(failed.getByRole('heading')).toHaveText('Needs your attention (1)', { timeout: 30_000 });
    await expect(failed.getByRole('listitem')).toContainText('The server could not apply this action');
    await expect(failed.getByRole('button', { name: 'Discard' })).toBeVisible();
  } finally {
    await setup.close();
  }
});

test('the strict Content-Security-Policy holds on the sign-in, inbox and conversation views, with no violation', async ({ browser, server, api }) => {
  const context = await browser.newContext({ baseURL: server.url });
  await watchCspViolations(context);
  const page = await context.newPage();
  const response = await page.goto('/');
  expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+'/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await signIn(page);
  const target = (await (await api()).conversations('?status=open'))[0]!;
  await inboxRow(page, target).first().click();
  await expect(page.getByRole('heading', { level: 1, name: target.customerName })).toBeVisible();
  // Again under the service worker, which serves the shell from its cache.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: target.customerName })).toBeVisible();
  expect(await cspViolations(page)).toEqual([]);
  // The policy is really there: an injected inline script is blocked (and reported).
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
  });
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  await expect.poll(() => cspViolations(page)).toEqual([expect.stringContaining('script-src')]);
  await context.close();
});

test('a reply of zero-width characters cannot be sent, and an unbroken 1,900-character word wraps inside its bubble', async ({ page, api }) => {
  const alice = await api();
  const target = (await alice.conversations('?status=open'))[1]!;
  await signIn(page);
  await page.goto(`/conversations/${target.id}`);
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill('\u200b\u200d\ufeff');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  const word = `https://example.com/${'x'.repeat(1880)}`;
  await composer.fill(word);
  await page.getByRole('button', { name: 'Send' }).click();
  const bubble = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'xxxxxxxxxx' }).last();
  await expect(bubble).toBeVisible();
  const overflow = await bubble.evaluate((element) => [...element.querySelectorAll('*')].some((child) => child.scrollWidth > element.clientWidth + 1));
  expect(overflow).toBe(false);
  await expectAllSent(page);
});

test('signing out with no network ends the server session at the next start: the old cookie is refused', async ({ browser, server }) => {
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  await signIn(page);
  const token = (await sessionCookie(page))!;
  const me = () => fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);
  await context.setOffline(true);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // The server never heard of it, and the HttpOnly cookie cannot be cleared by the page.
  expect(await me()).toBe(200);
  await context.setOffline(false);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect.poll(me).toBe(401);
  await context.close();
});
