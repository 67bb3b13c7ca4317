/**
 * A new device on the 10,000-conversation tenant: an agent opens a deep link `/conversations/<id>` in a
 * fresh browser (no IndexedDB, no service worker), signs in, and reads. Per run, in a fresh context:
 *   - sign-in → the deep-linked conversation's newest message on screen;
 *   - sign-in → the first full sync stored (IndexedDB's cursor at the tenant's newest change).
 * Side by side in the same run: the server alone (every sync page fetched from Node, one after the other,
 * nothing stored), and the app's sync with page prefetch off (`holdfast.syncPrefetch = '0'`: the sequential
 * pull of before). Modes alternate, which goes first alternating too.
 *
 *   npm run bench:new-device          (RUNS=3 by default)
 */
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { prepareBenchDatabase, signInForBench } from './benchDatabase.js';
import { median, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 3);
const pageLimit = Number(process.env.PAGE_LIMIT ?? 5000);

type SyncPage = { cursor: string; hasMore: boolean; conversations: unknown[]; messages: unknown[] };

/** Every sync page from Node, one after the other: the server's and the wire's share, nothing stored. */
async function serverAlone(baseUrl: string, token: string): Promise<{ ms: number; cursor: string; changes: number; pages: number }> {
  const started = performance.now();
  let cursor = '0';
  let changes = 0;
  let pages = 0;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/sync?cursor=${cursor}&limit=${pageLimit}`, {
      headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'br, gzip' },
    });
    if (!response.ok) throw new Error(`sync page: ${response.status}`);
    const page = (await response.json()) as SyncPage;
    pages++;
    changes += page.conversations.length + page.messages.length;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { ms: performance.now() - started, cursor, changes, pages };
}

type DeviceRun = { messagesMs: number; fullSyncMs: number; syncRequests: number; syncFetchMs: number };

/** One new device: fresh context, deep link, sign in, until the conversation is on screen and the sync is stored. */
async function newDevice(
  browser: Browser,
  baseUrl: string,
  conversationId: string,
  messageCount: number,
  finalCursor: string,
  prefetch: boolean,
): Promise<DeviceRun> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  await context.addInitScript('window.__name = (target) => target;');
  if (!prefetch) await context.addInitScript("localStorage.setItem('holdfast.syncPrefetch', '0');");
  try {
    const page = await context.newPage();
    let syncRequests = 0;
    let syncFetchMs = 0;
    page.on('requestfinished', (request) => {
      if (!request.url().includes('/api/sync?') || request.serviceWorker()) return;
      syncRequests++;
      syncFetchMs += request.timing().responseEnd;
    });
    await page.goto(`/conversations/${conversationId}`);
    await page.getByRole('textbox', { name: 'Email' }).fill('alice@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.waitForFunction(() => !(document.querySelector('button[type="submit"]') as HTMLButtonElement | null)?.disabled);
    // The clock starts in the page, as the form is submitted.
    await page.evaluate(() => {
      document
        .querySelector('form')!
        .addEventListener('submit', () => ((window as unknown as { benchSubmittedAt: number }).benchSubmittedAt = performance.now()), {
          capture: true,
          once: true,
        });
    });
    await page.getByRole('button', { name: 'Sign in' }).click();
    const shown = await page.waitForFunction(
      (expected) =>
        document.querySelector(`ol[aria-label="Messages"] > li[aria-posinset="${expected}"][aria-setsize="${expected}"]`) !== null && performance.now(),
      messageCount,
      { timeout: 120_000, polling: 'raf' },
    );
    const shownAt = Number(await shown.jsonValue());
    // The first sync is stored when IndexedDB's cursor reaches the tenant's newest change.
    let syncedAt: number | false = false;
    const deadline = Date.now() + 600_000;
    while (syncedAt === false) {
      if (Date.now() > deadline) throw new Error('the first sync did not finish in 10 minutes');
      syncedAt = await page.evaluate(async (cursor) => {
        const names = (await indexedDB.databases()).map((database) => database.name ?? '').filter((name) => name.startsWith('holdfast-workspace:'));
        if (names.length !== 1) return false;
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(names[0]!);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        try {
          if (!db.objectStoreNames.contains('meta')) return false;
          const stored = await new Promise<unknown>((resolve) => {
            const request = db.transaction('meta').objectStore('meta').get('cursor');
            request.onsuccess = () => resolve(request.result);
            request.onerror = () => resolve(undefined);
          });
          return stored === cursor && performance.now();
        } finally {
          db.close();
        }
      }, finalCursor);
      if (syncedAt === false) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const submittedAt = await page.evaluate(() => (window as unknown as { benchSubmittedAt: number }).benchSubmittedAt);
    return { messagesMs: shownAt - submittedAt, fullSyncMs: syncedAt - submittedAt, syncRequests, syncFetchMs };
  } finally {
    await context.close();
  }
}

async function main() {
  const server = await ServerProcess.start({ dataDir: await prepareBenchDatabase(10_000, 11) });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const login = await signInForBench(server.url);
    const api = new TestApi(server.url, login.token);
    const all = await api.conversations('?status=all');
    // A conversation the first sync reaches last: the newest changed.
    const target = all[0]!;
    const { messages } = await api.conversation(target.id);
    const first = await serverAlone(server.url, login.token);
    console.log(
      `Tenant: ${all.length} conversations, ${first.changes} changes in ${first.pages} pages of ≤${pageLimit}; deep link to "${target.subject}" (${messages.length} messages)`,
    );

    const results: Record<'prefetch' | 'sequential', DeviceRun[]> = { prefetch: [], sequential: [] };
    const alone: number[] = [first.ms];
    for (let run = 0; run < runs; run++) {
      for (const mode of run % 2 === 0 ? (['prefetch', 'sequential'] as const) : (['sequential', 'prefetch'] as const)) {
        const result = await newDevice(browser, server.url, target.id, messages.length, first.cursor, mode === 'prefetch');
        console.log(mode, Object.fromEntries(Object.entries(result).map(([key, value]) => [key, round(value)])));
        results[mode].push(result);
      }
      alone.push((await serverAlone(server.url, login.token)).ms);
    }
    const summary = (list: DeviceRun[]) => ({
      'sign-in → deep-linked messages (ms)': round(median(list.map((run) => run.messagesMs))),
      'sign-in → full sync stored (ms)': round(median(list.map((run) => run.fullSyncMs))),
      'sync requests': median(list.map((run) => run.syncRequests)),
      'sum of sync fetch durations (ms)': round(median(list.map((run) => run.syncFetchMs))),
    });
    console.table({ 'app, pages prefetched (now)': summary(results.prefetch), 'app, sequential pull (before)': summary(results.sequential) });
    console.log(`server alone (all pages from Node, nothing stored), median of ${alone.length}: ${round(median(alone))} ms`);
    console.log(
      `full sync, prefetched / sequential (medians): ${round(median(results.prefetch.map((run) => run.fullSyncMs)) / median(results.sequential.map((run) => run.fullSyncMs)), 2)}`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
