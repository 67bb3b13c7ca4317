import type { BrowserContext, Page } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import type { WorkspaceActionPayloads, WorkspaceActionType } from '../../app/shared/index.js';
import type { TestApi } from '../support/testApi.js';
import { expect, firstSyncTimeout, signIn } from './fixtures.js';

/** Signed in, controlled by the service worker (so a reload works offline) and synced once. */
export async function readyPage(context: BrowserContext, email = 'alice@example.com'): Promise<Page> {
  const page = await context.newPage();
  await signIn(page, email);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(page.getByTestId('last-sync')).toContainText('Last sync', { timeout: firstSyncTimeout });
  return page;
}

/** Queues an action through the page's own entry point (the one its buttons use); resolves with its id. */
export function act<Type extends WorkspaceActionType>(page: Page, type: Type, conversationId: string, payload: WorkspaceActionPayloads[Type]): Promise<string> {
  return page.evaluate(([type, conversationId, payload]) => window.holdfast!.act(type as never, conversationId as string, payload as never), [
    type,
    conversationId,
    payload,
  ] as const);
}

export function outboxStatus(page: Page) {
  return page.getByRole('status', { name: 'Outbox' });
}

/** The bodies of a conversation's messages on the server, in the server's order, that start with `prefix`. */
export async function serverBodies(api: TestApi, conversationId: string, prefix: string): Promise<string[]> {
  const { messages } = await api.conversation(conversationId);
  return messages.map((message) => message.body).filter((body) => body.startsWith(prefix));
}

/** The first `count` open conversations, as the server lists them. */
export async function openConversations(api: TestApi, count: number) {
  return (await api.conversations('?status=open')).slice(0, count);
}

/** Queues `count` replies spread over `conversationIds` (round robin), concurrently, from inside the page. */
export function queueReplies(page: Page, conversationIds: readonly string[], count: number, prefix: string): Promise<string[]> {
  return page.evaluate(
    async ([ids, count, prefix]) => {
      const queued: Promise<string>[] = [];
      for (let index = 0; index < count; index++) {
        queued.push(window.holdfast!.act('send', ids[index % ids.length]!, { text: `${prefix}${String(index).padStart(5, '0')}` }));
      }
      return Promise.all(queued);
    },
    [conversationIds, count, prefix] as const,
  );
}

/** The texts `queueReplies` gave conversation number `which` of `of`. */
export function expectedReplies(count: number, prefix: string, which: number, of: number): string[] {
  return Array.from({ length: count }, (_, index) => index)
    .filter((index) => index % of === which)
    .map((index) => `${prefix}${String(index).padStart(5, '0')}`);
}

/** The outbox's pending entries as IndexedDB holds them. */
export function storedPending(page: Page): Promise<{ action: unknown; holdUntil?: number }[]> {
  return page.evaluate(async () => {
    const name = (await indexedDB.databases()).find((database) => database.name?.startsWith('holdfast-outbox:'))!.name!;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const entries = await new Promise<{ action: unknown; holdUntil?: number }[]>((resolve) => {
      const request = db.transaction('pending').objectStore('pending').getAll();
      request.onsuccess = () => resolve(request.result as { action: unknown; holdUntil?: number }[]);
    });
    db.close();
    return entries;
  });
}

/** The Background Sync tags the page's service worker registration holds. */
export function syncTags(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const registration = (await navigator.serviceWorker.getRegistration()) as ServiceWorkerRegistration & { sync: { getTags(): Promise<string[]> } };
    return registration.sync.getTags();
  });
}

/**
 * Fires the worker's `sync` event for `tag`, as the browser does when the OS reports the network back:
 * Playwright's offline switch is not such a report, so DevTools fires it. Answers a function that fires
 * it again (the browser re-fires, with its own backoff, while the worker's work rejects).
 */
export async function backgroundSyncTrigger(context: BrowserContext, origin: string, tag: string): Promise<() => Promise<void>> {
  const devtools = await context.newCDPSession(await context.newPage());
  const registrationId = new Promise<string>((resolve) =>
    devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => registration.scopeURL === `${origin}/` && !registration.isDeleted);
      if (ours) resolve(ours.registrationId);
    }),
  );
  await devtools.send('ServiceWorker.enable');
  const id = await registrationId;
  const fire = async () => {
    await devtools.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId: id, tag, lastChance: false });
  };
  await fire();
  return fire;
}

/** Waits (a condition, not a fixed time) until no pending action is still held for undo. */
export async function waitPastUndoWindow(page: Page): Promise<void> {
  const heldUntil = Math.max(0, ...(await storedPending(page)).map((entry) => entry.holdUntil ?? 0));
  await page.waitForFunction((until) => Date.now() > until, heldUntil, { timeout: 30_000 });
}
