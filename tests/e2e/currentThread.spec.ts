import { createWorkspaceAction } from '../../shared/workspace/index.js';
import { ApiProxy } from '../support/ApiProxy.js';
import { deviceDigest, divergence, expectConverged, serverDigest } from './convergence.js';
import { expect, expectMessages, firstSyncTimeout, inboxRow, submitSignIn, test } from './fixtures.js';

test('a new device on a slow server: the thread opened shows the newest reply though its first read missed the deadline, and every conversation converges once the server is back', async ({ browser, server, api }) => {
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
