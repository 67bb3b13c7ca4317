import type { Browser, BrowserContext, Page } from '@playwright/test';
import type {} from '../../app/state/exposeForMonitoring.js';
import type { WorkspaceActionPayloads, WorkspaceActionType } from '../../shared/workspace/index.js';
import { copyPgliteTemplate } from '../support/pgliteTemplate.js';
import { ServerProcess } from '../support/serverProcess.js';
import { TestApi } from '../support/testApi.js';
import { expect, signIn } from './fixtures.js';

/** A server of the test's own, on a fresh copy of the seeded database: it may be stopped and killed. */
export async function startOwnServer(env: Record<string, string> = {}): Promise<ServerProcess> {
  return ServerProcess.start({ dataDir: await copyPgliteTemplate() }, env);
}

/** Signed in, controlled by the service worker (so a reload works offline) and synced once. */
export async function readyPage(context: BrowserContext, email = 'alice@example.com'): Promise<Page> {
  const page = await context.newPage();
  await signIn(page, email);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await expect(page.getByTestId('last-sync')).toContainText('Last sync');
  return page;
}

/** Queues an action through the page's own entry point (the one its buttons use); resolves with its id. */
export function act<Type extends WorkspaceActionType>(page: Page, type: Type, conversationId: string, payload: WorkspaceActionPayloads[Type]): Promise<string> {
  return page.evaluate(([type, conversationId, payload]) => window.holdfast!.act(type as never, conversationId as string, payload as never), [type, conversationId, payload] as const);
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

export type OwnServerSetup = { server: ServerProcess; context: BrowserContext; alice: TestApi };

/** A fresh server and browser context for one test, signed in as Alice over the API; both closed after it. */
export async function withOwnServer(browser: Browser, body: (setup: OwnServerSetup) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const server = await startOwnServer(env);
  const context = await browser.newContext({ baseURL: server.url });
  try {
    await body({ server, context, alice: await TestApi.signIn(server.url, 'alice@example.com') });
  } finally {
    await context.close();
    await server.stop();
  }
}
