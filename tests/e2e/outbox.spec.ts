import { expectAllSent, expect, test } from './fixtures.js';
import { act, openConversations, outboxStatus, readyPage, serverBodies, startOwnServer } from './outboxSupport.js';
import { TestApi } from '../support/testApi.js';

test('offline: send, close and assign show at once, survive a reload, and reach the server exactly once, in order, when the network is back', async ({ browser }) => {
  const server = await startOwnServer();
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const alice = await TestApi.signIn(server.url, 'alice@example.com');
    const [first, second] = await openConversations(alice, 2);
    const { agents } = await alice.json<{ agents: { id: string; name: string }[] }>('/api/agents');
    const bob = agents.find((agent) => agent.name === 'Bob Chen')!;
    const page = await readyPage(context);
    await page.goto(`/conversations/${first!.id}`);
    await expect(page.getByRole('heading', { level: 1, name: first!.customerName })).toBeVisible();

    await context.setOffline(true);
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Offline');
    const composer = page.getByRole('textbox', { name: 'Message' });
    for (const text of ['Offline reply one', 'Offline reply two']) {
      await composer.fill(text);
      await page.getByRole('button', { name: 'Send' }).click();
      await expect(composer).toHaveValue('');
    }
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await page.getByRole('combobox', { name: 'Assign' }).selectOption({ label: 'Bob Chen' });

    const expectPendingOnScreen = async () => {
      const messages = page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
      for (const text of ['Offline reply one', 'Offline reply two']) {
        await expect(messages.filter({ hasText: text }).getByRole('img', { name: 'Pending' })).toBeVisible();
      }
      await expect(page.getByRole('button', { name: 'Reopen conversation' })).toBeVisible();
      await expect(page.getByRole('combobox', { name: 'Assign' })).toHaveValue(bob.id);
      await expect(page.getByRole('main').getByText('4 pending')).toBeVisible();
      await expect(outboxStatus(page)).toHaveText(/^4 pending/);
    };
    await expectPendingOnScreen();
    await page.reload();
    await expectPendingOnScreen();
    expect(await serverBodies(alice, first!.id, 'Offline reply')).toEqual([]);

    // The other conversation is untouched by all this.
    await page.goto(`/conversations/${second!.id}`);
    await expect(page.getByRole('button', { name: 'Close conversation' })).toBeVisible();

    await context.setOffline(false);
    await expectAllSent(page);
    expect(await serverBodies(alice, first!.id, 'Offline reply')).toEqual(['Offline reply one', 'Offline reply two']);
    const { conversation } = await alice.conversation(first!.id);
    expect(conversation).toMatchObject({ status: 'closed', assigneeId: bob.id, version: first!.version + 4 });
    await page.goto(`/conversations/${first!.id}`);
    await expect(page.getByRole('img', { name: 'Pending' })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Messages' }).getByText('Offline reply one')).toHaveCount(1);
  } finally {
    await context.close();
    await server.stop();
  }
});

test('a poison action goes to the failed list with its reason; the actions around it still go through', async ({ browser }) => {
  const server = await startOwnServer();
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const alice = await TestApi.signIn(server.url, 'alice@example.com');
    const [first, second] = await openConversations(alice, 2);
    const page = await readyPage(context);
    await context.setOffline(true);
    await act(page, 'send', first!.id, { text: 'Before the poison' });
    // Rejected by the server in its result: no such agent.
    await act(page, 'assign', first!.id, { assigneeId: '00000000-0000-4000-8000-000000000000' });
    // Refused for the whole request (404): a conversation the server does not know. The replayer splits
    // the batch until this one is alone.
    await act(page, 'close', '00000000-0000-4000-8000-00000000dead', {});
    await act(page, 'send', first!.id, { text: 'After the poison' });
    await act(page, 'send', second!.id, { text: 'Elsewhere' });
    await expect(outboxStatus(page)).toHaveText(/^5 pending/);
    await context.setOffline(false);

    const failed = page.getByRole('region', { name: /Needs your attention/ });
    await expect(failed.getByRole('heading')).toHaveText('Needs your attention (2)', { timeout: 20_000 });
    await expectAllSent(page);
    expect(await serverBodies(alice, first!.id, '')).toEqual(expect.arrayContaining(['Before the poison', 'After the poison']));
    expect(await serverBodies(alice, second!.id, 'Elsewhere')).toEqual(['Elsewhere']);
    await expect(failed.getByRole('listitem').filter({ hasText: 'No such agent in your workspace.' })).toBeVisible();
    await expect(failed.getByRole('listitem').filter({ hasText: /conversation/i }).last()).toContainText('Not applied');

    // Retry sends it again (and it fails again, for the same reason); Discard removes it for good.
    const unknownAgent = failed.getByRole('listitem').filter({ hasText: 'No such agent' });
    await unknownAgent.getByRole('button', { name: 'Retry' }).click();
    await expect(failed.getByRole('heading')).toHaveText('Needs your attention (2)');
    await expect(unknownAgent).toBeVisible();
    await failed.getByRole('listitem').first().getByRole('button', { name: 'Discard' }).click();
    await expect(failed.getByRole('heading')).toHaveText('Needs your attention (1)');
    await failed.getByRole('listitem').first().getByRole('button', { name: 'Discard' }).click();
    await expect(failed).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('region', { name: /Needs your attention/ })).toHaveCount(0);
  } finally {
    await context.close();
    await server.stop();
  }
});
