import type { Page } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { TestApi } from '../support/testApi.js';
import { deviceDigest, serverDigest } from './convergence.js';
import { expect, expectAllSent, firstSyncTimeout, inboxRow, signIn, test } from './fixtures.js';
import { act, outboxStatus } from './outboxSupport.js';

const stream = (page: Page) => page.evaluate(() => window.holdfast!.stream());

/** Open event streams on the server, from its own /metrics. */
async function openStreams(baseUrl: string): Promise<number> {
  return metricSum(await (await fetch(`${baseUrl}/metrics`)).text(), 'holdfast_event_streams_open');
}

test('seven tabs share one event stream: every tab gets every event, and the seventh still reads and acts', async ({ own }) => {
  test.setTimeout(180_000);
  const { context, server, alice } = own;
  const first = await context.newPage();
  await signIn(first);
  const tabs = [first];
  for (let i = 1; i < 7; i++) {
    const tab = await context.newPage();
    await tab.goto('/');
    tabs.push(tab);
  }
  for (const tab of tabs) await expect(tab.getByRole('status', { name: 'Connection' })).toHaveText('Online', { timeout: firstSyncTimeout });
  await expect.poll(async () => (await Promise.all(tabs.map(stream))).filter((state) => state.connected).length, { timeout: 30_000 }).toBe(7);
  expect((await Promise.all(tabs.map(stream))).filter((state) => state.leading)).toHaveLength(1);
  expect(await openStreams(server.url)).toBe(1);

  // Each tab's status view says the same, from its side: the leader holds the stream, the others share it.
  for (const tab of [tabs[0]!, tabs[6]!]) {
    await tab.locator('details.status-panel summary').click();
    const leading = (await stream(tab)).leading;
    await expect(tab.getByTestId('status-stream')).toHaveText(`connected · ${leading ? 'held by this tab' : 'shared by another tab'}`);
    await expect(tab.getByTestId('status-server')).toContainText('reachable');
    await expect(tab.getByTestId('status-outbox')).toHaveText('all changes sent');
    await expect(tab.getByTestId('status-sync')).not.toHaveText('not yet');
    await expect(tab.getByTestId('status-hosts')).toHaveText('origin up');
    await expect(tab.getByTestId('status-presence')).toHaveText('on');
    await tab.locator('details.status-panel summary').click();
  }

  // Another agent's changes reach every tab, through the one stream.
  const bob = await TestApi.signIn(server.url, 'bob@example.com');
  const [target] = await alice.conversations('?status=open');
  const before = await Promise.all(tabs.map(stream));
  for (let i = 0; i < 5; i++) expect((await bob.postActions([createWorkspaceAction('send', target!.id, { text: `relayed ${i}` })])).status).toBe(200);
  // Each tab saw exactly the events the leader read: the same last id, and the same number since.
  await expect.poll(async () => new Set((await Promise.all(tabs.map(stream))).map((state) => state.lastEventId)).size, { timeout: 30_000 }).toBe(1);
  const after = await Promise.all(tabs.map(stream));
  const seen = after.map((state, i) => state.eventsReceived - before[i]!.eventsReceived);
  expect(seen[0]).toBeGreaterThan(0);
  expect(new Set(seen).size).toBe(1);

  // The seventh tab is not starved of connections: it opens a conversation and sends a reply.
  const seventh = tabs[6]!;
  await inboxRow(seventh, target!).click();
  await expect(seventh.getByRole('list', { name: 'Messages' })).toContainText('relayed 4', { timeout: 30_000 });
  await act(seventh, 'send', target!.id, { text: 'from the seventh tab' });
  await expectAllSent(seventh, 30_000);
  await expect(outboxStatus(seventh)).toHaveText('All changes sent');
  for (const tab of tabs) {
    await inboxRow(tab, target!).click();
    await expect(tab.getByRole('list', { name: 'Messages' })).toContainText('from the seventh tab', { timeout: 30_000 });
  }

  // The leader's tab closes: another takes the stream over, still one on the server, and events keep coming.
  const states = await Promise.all(tabs.map(stream));
  const leader = tabs[states.findIndex((state) => state.leading)]!;
  await leader.close();
  const rest = tabs.filter((tab) => tab !== leader);
  await expect.poll(async () => (await Promise.all(rest.map(stream))).filter((state) => state.leading).length, { timeout: 30_000 }).toBe(1);
  await expect.poll(() => openStreams(server.url), { timeout: 30_000 }).toBe(1);
  await bob.postActions([createWorkspaceAction('send', target!.id, { text: 'after the handover' })]);
  for (const tab of rest) await expect(tab.getByRole('list', { name: 'Messages' })).toContainText('after the handover', { timeout: 30_000 });
  await expect.poll(async () => new Set((await Promise.all(rest.map(stream))).map((state) => state.lastEventId)).size, { timeout: 30_000 }).toBe(1);
});

test("another agent's reply and close reach the screen from the event itself: every sync request refused meanwhile", async ({ own }) => {
  test.setTimeout(180_000);
  const { context, server, alice } = own;
  const page = await context.newPage();
  await signIn(page);
  const bob = await TestApi.signIn(server.url, 'bob@example.com');
  const [target] = await alice.conversations('?status=open');
  await inboxRow(page, target!).click();
  // A first reply by whatever path (the first sync may still be catching up: its events are pulled).
  await bob.postActions([createWorkspaceAction('send', target!.id, { text: 'warm-up' })]);
  await expect(page.getByRole('list', { name: 'Messages' })).toContainText('warm-up', { timeout: firstSyncTimeout });
  await expect.poll(async () => (await stream(page)).connected, { timeout: 30_000 }).toBe(true);
  // The first sync done (a starved machine may still be pulling its pages): events then follow this tab's cursor.
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online', { timeout: firstSyncTimeout });

  // From here on, no pull can bring anything: what reaches the screen came in the event.
  let refused = 0;
  await page.route('**/api/sync?*', (route) => {
    refused++;
    return route.abort('connectionrefused');
  });
  await bob.postActions([createWorkspaceAction('send', target!.id, { text: 'carried by the event' })]);
  await expect(page.getByRole('list', { name: 'Messages' })).toContainText('carried by the event', { timeout: 15_000 });
  await bob.postActions([createWorkspaceAction('close', target!.id, {})]);
  await expect(page.locator('.conversation-header .status, header .status').first()).toHaveText('Closed', { timeout: 15_000 });
  // Stored, not only drawn: the device's IndexedDB holds the conversation as the server has it.
  await expect.poll(async () => (await deviceDigest(page))[target!.id], { timeout: 15_000 }).toEqual((await serverDigest(alice))[target!.id]);
  // Nothing was asked for: the events were applied as they came, not read as prompts to pull.
  expect(refused).toBe(0);
});
