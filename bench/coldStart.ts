/**
 * Cold start to the first conversation rendered, with 10,000 conversations and ~100,000 messages stored
 * locally: offline (network cut) against online (server up), alternating in one browser run, median of RUNS
 * each. "Cold" = a new tab: fresh JavaScript, the service worker's precache and IndexedDB on disk.
 * Also: opening a conversation of 500 messages — the IndexedDB read alone, and the in-app switch until
 * all 500 are in the page.
 *
 *   npm run bench:cold-start          (RUNS=10 by default)
 */
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';
import { createWorkspaceAction } from '../app/shared/index.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { prepareBenchDatabase, signInForBench } from './benchDatabase.js';
import { addSessionTo } from '../tests/support/browserSession.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 10);
const conversations = 10_000;

const phases: Record<string, number | boolean>[] = [];

/** Opens `path` in a new tab and returns ms from navigation start until `count` messages are in the page. */
async function coldOpen(context: BrowserContext, url: string, count: number): Promise<number> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'commit' });
  const shown = await page.waitForFunction(
    // The newest message is on screen (the list is virtualized; each row says its place of how many).
    (expected) =>
      document.querySelector(`ol[aria-label="Messages"] > li[aria-posinset="${expected}"][aria-setsize="${expected}"]`) !== null && performance.now(),
    count,
    { timeout: 60_000, polling: 'raf' },
  );
  const ms = Number(await shown.jsonValue());
  phases.push(
    await page.evaluate(() => {
      const mark = (name: string) => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1);
      const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        offline: !navigator.onLine,
        responseEnd: Math.round(navigation.responseEnd),
        domContentLoaded: Math.round(navigation.domContentLoadedEventEnd),
        signedInChunk: mark('holdfast:signed-in-chunk'),
        storeStart: mark('holdfast:store-start'),
        messagesRendered: mark('holdfast:messages-rendered'),
        messagesRead: mark('holdfast:messages-read'),
        inboxRead: mark('holdfast:local-data-read'),
      };
    }),
  );
  await page.close();
  return ms;
}

async function main() {
  const server = await ServerProcess.start({ dataDir: await prepareBenchDatabase(conversations, 11) });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const login = await signInForBench(server.url);
    const api = new TestApi(server.url, login.token);
    const all = await api.conversations();
    const totalMessages = all.reduce((sum, conversation) => sum + conversation.messageCount, 0);
    const target = all[0]!;
    const { messages: targetMessages } = await api.conversation(target.id);

    // One conversation of 500 messages, written through the action protocol.
    const long = all[1]!;
    const missing = 500 - long.messageCount;
    if (missing > 0) {
      const sends = Array.from({ length: missing }, (_, index) => createWorkspaceAction('send', long.id, { text: `Long thread message ${index + 1}` }));
      const response = await api.postActions(sends);
      if (!response.ok) throw new Error(`could not write the long conversation: ${response.status}`);
    }

    const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
    await context.addInitScript('window.__name = (target) => target;');
    await addSessionTo(context, server.url, login);
    const first = await context.newPage();
    const syncStarted = Date.now();
    await first.goto('/');
    await first.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await first.waitForFunction(
      (count) =>
        document.body.innerText.includes('Last sync') &&
        document.querySelector('[aria-label="Connection"]')?.textContent === 'Online' &&
        document.body.innerText.includes(`${count} conversations`),
      all.filter((conversation) => conversation.status === 'open').length,
      { timeout: 600_000, polling: 1000 },
    );
    const initialSyncMs = Date.now() - syncStarted;
    await first.close();

    const online: number[] = [];
    const offline: number[] = [];
    const url = `/conversations/${target.id}`;
    // Alternate which goes first, and let the machine settle between opens: an online start leaves the
    // server busy for a moment (its sync), which would otherwise always land on the offline start after it.
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1000));
    for (let run = 0; run < runs; run++) {
      for (const mode of run % 2 === 0 ? (['online', 'offline'] as const) : (['offline', 'online'] as const)) {
        await context.setOffline(mode === 'offline');
        await settle();
        (mode === 'online' ? online : offline).push(await coldOpen(context, url, targetMessages.length));
      }
    }
    await context.setOffline(false);

    // The 500-message conversation: IndexedDB read alone, then the in-app switch to it.
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction((count) => document.querySelector(`ol[aria-label="Messages"] > li[aria-setsize="${count}"]`) !== null, targetMessages.length);
    const reads: number[] = [];
    const switches: number[] = [];
    for (let run = 0; run < runs; run++) {
      reads.push(
        await page.evaluate(
          async ({ name, id }) => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const open = indexedDB.open(name);
              open.onsuccess = () => resolve(open.result);
              open.onerror = () => reject(open.error);
            });
            const started = performance.now();
            const count = await new Promise<number>((resolve) => {
              // The conversation's record in `threads` (schema v3): all its messages in one read.
              const request = db.transaction('threads').objectStore('threads').get(id);
              request.onsuccess = () => resolve((request.result?.messages ?? []).length);
            });
            const elapsed = performance.now() - started;
            db.close();
            if (count < 500) throw new Error(`only ${count} messages stored`);
            return elapsed;
          },
          { name: `holdfast-workspace:${login.tenant.id}:${login.agent.id}`, id: long.id },
        ),
      );
      switches.push(
        await page.evaluate(
          async ({ longId, backId }) => {
            const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
            const go = (id: string) => {
              history.pushState({}, '', `/conversations/${id}`);
              dispatchEvent(new PopStateEvent('popstate'));
            };
            const started = performance.now();
            go(longId);
            // Until the newest of the 500 is on screen (the list is virtualized: only the rows in view exist).
            const longShown = () => document.querySelector('ol[aria-label="Messages"] > li[aria-setsize="500"][aria-posinset="500"]') !== null;
            while (!longShown()) await frame();
            const elapsed = performance.now() - started;
            go(backId);
            while (document.querySelector('ol[aria-label="Messages"] > li[aria-setsize="500"]') !== null) await frame();
            return elapsed;
          },
          { longId: long.id, backId: target.id },
        ),
      );
    }
    await context.close();

    const summary = (values: number[]) => ({ medianMs: round(median(values)), p90Ms: round(percentile(values, 90)), minMs: round(Math.min(...values)) });
    console.log(
      `Stored: ${all.length} conversations, ${totalMessages + Math.max(0, missing)} messages; initial sync into IndexedDB took ${round(initialSyncMs / 1000)} s`,
    );
    console.table({
      'cold start → first conversation, online': summary(online),
      'cold start → first conversation, offline': summary(offline),
      'read 500 messages from IndexedDB': summary(reads),
      'switch to the 500-message conversation (in-app, until rendered)': summary(switches),
    });
    for (const offlineRuns of [false, true]) {
      const list = phases.filter((phase) => phase.offline === offlineRuns);
      const keys = Object.keys(list[0] ?? {}).filter((key) => key !== 'offline');
      console.log(
        `phases, ${offlineRuns ? 'offline' : 'online'} (median ms from navigation start):`,
        Object.fromEntries(keys.map((key) => [key, median(list.map((phase) => Number(phase[key])))])),
      );
    }
    console.log(`offline/online ratio (medians): ${round(median(offline) / median(online), 2)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
