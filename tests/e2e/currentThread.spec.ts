import { createWorkspaceAction } from '../../app/shared/index.js';
import { ApiProxy } from '../support/ApiProxy.js';
import { deviceDigest, divergence, expectConverged, serverDigest } from './convergence.js';
import { expect, expectMessages, firstSyncTimeout, inboxRow, submitSignIn, test } from './fixtures.js';

test('a new device on a slow server: the thread opened shows the newest reply though its first read missed the deadline, and every conversation converges once the server is back', async ({
  browser,
  server,
  api,
}) => {
  test.setTimeout(240_000);
  const alice = await api('alice@example.com');
  const target = (await alice.conversations('?status=open'))[3]!;
  const text = `current thread ${Date.now()}`;
  expect((await alice.postActions([createWorkspaceAction('send', target.id, { text })])).status).toBe(200);
  const { messages } = await alice.conversation(target.id);

  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    // Bob's first sync is held, and every read of this conversation takes 8 s: past the 5 s read deadline.
    const sync = proxy.hold(/^\/api\/sync/);
    proxy.delayed = new RegExp(`^/api/conversations/${target.id}`);
    proxy.apiDelayMs = 8000;
    const page = await context.newPage();
    await submitSignIn(page, 'bob@example.com');
    const row = inboxRow(page, target);
    await expect(row).toContainText(text, { timeout: firstSyncTimeout });
    await row.click();
    // Said while it arrives; then the whole thread, Alice's reply last.
    await expect(page.getByRole('status', { name: 'Thread' })).toContainText(`of ${messages.length} messages here`);
    await expectMessages(page, messages.length, { timeout: 60_000 });
    await expect(page.getByRole('list', { name: 'Messages' })).toContainText(text);
    await expect(page.getByRole('status', { name: 'Thread' })).toHaveCount(0);
    // Not converged yet: the first sync is still held.
    expect(divergence(await deviceDigest(page), await serverDigest(alice)).length).toBeGreaterThan(0);

    // The server heals: every conversation on the device reaches the server's state.
    proxy.apiDelayMs = 0;
    sync.release();
    await expectConverged(page, alice, firstSyncTimeout);
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a new device whose conversation reads miss their deadline, sync held: the thread shows the reply within 5 s of the server answering normally again', async ({
  browser,
  server,
  api,
}) => {
  test.setTimeout(240_000);
  const alice = await api('alice@example.com');
  const target = (await alice.conversations('?status=open'))[4]!;
  const text = `healed thread ${Date.now()}`;
  expect((await alice.postActions([createWorkspaceAction('send', target.id, { text })])).status).toBe(200);

  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    // The first sync is held throughout; this conversation's reads get no answer until the server heals.
    proxy.hold(/^\/api\/sync/);
    const reads = proxy.hold(new RegExp(`^/api/conversations/${target.id}`));
    const page = await context.newPage();
    let attempts = 0;
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === `/api/conversations/${target.id}`) attempts++;
    });
    await submitSignIn(page, 'bob@example.com');
    const row = inboxRow(page, target);
    await expect(row).toContainText(text, { timeout: firstSyncTimeout });
    await row.click();
    await expect(page.getByRole('status', { name: 'Thread' })).toBeVisible();
    // Two reads missed their deadlines (5 s, then 10 s): the device is retrying, not waiting on one read.
    await expect.poll(() => attempts, { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
    await expect(page.getByRole('list', { name: 'Messages' })).not.toContainText(text);

    // The server answers normally again (and the sync is still held: only the thread's own read can bring it).
    reads.release();
    const healed = Date.now();
    await expect(page.getByRole('list', { name: 'Messages' })).toContainText(text, { timeout: 5_000 });
    test.info().annotations.push({ type: 'thread current after the heal (ms)', description: String(Date.now() - healed) });
  } finally {
    await context.close();
    await proxy.stop();
  }
});

test('a new device whose first reads of the directory fail: its canned replies and agents arrive once the server answers them, with no reload', async ({
  browser,
  server,
  api,
}) => {
  const alice = await api('alice@example.com');
  const target = (await alice.conversations('?status=open'))[5]!;
  const proxy = await ApiProxy.start(server.url);
  const context = await browser.newContext({ baseURL: proxy.url });
  try {
    // The directory's reads are refused (a node restarting behind the balancer) while the device starts.
    const refused = proxy.fail(/^\/api\/(canned-replies|agents)/, 503);
    const page = await context.newPage();
    await submitSignIn(page, 'bob@example.com');
    await expect.poll(() => refused.answered(), { timeout: firstSyncTimeout }).toBeGreaterThanOrEqual(1);
    await page.goto(`/conversations/${target.id}`);
    await page.getByRole('button', { name: 'Canned replies' }).click();
    await expect(page.getByRole('list', { name: 'Canned replies' }).getByRole('button')).toHaveCount(0);
    refused.stop();
    // Read again on its own (a retry with backoff), not on a reload: the menu fills, the assignee list too.
    await expect(page.getByRole('button', { name: /^Greeting/ })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('combobox', { name: 'Assign' }).getByRole('option', { name: 'Alice Martin' })).toHaveCount(1);
  } finally {
    await context.close();
    await proxy.stop();
  }
});
