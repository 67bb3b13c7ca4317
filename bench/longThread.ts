/**
 * Opening a conversation of 5,000 messages in the workspace (an in-app switch, its messages already in
 * IndexedDB): time until the newest message is on screen, the virtualized list beside a full render of
 * every message (`holdfast.fullMessageList`, the way the list rendered before), alternating, median of RUNS
 * each.
 *
 *   npm run bench:long-thread          (RUNS=5 by default; npm run build first)
 */
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';
import { createWorkspaceAction } from '../app/shared/index.js';
import { addSessionTo } from '../tests/support/browserSession.js';
import { copyPgliteTemplate, preparePgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { signInForBench } from './benchDatabase.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 5);
const threadLength = 5000;

await preparePgliteTemplate();
const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
try {
  const login = await signInForBench(server.url);
  const api = new TestApi(server.url, login.token);
  const [home, long] = await api.conversations('?status=open');
  for (let written = long!.messageCount; written < threadLength; written += 500) {
    const sends = Array.from({ length: Math.min(500, threadLength - written) }, (_, index) =>
      createWorkspaceAction('send', long!.id, { text: `Long thread message ${written + index + 1}` }),
    );
    const response = await api.postActions(sends);
    if (!response.ok) throw new Error(`could not write the long conversation: ${response.status}`);
  }

  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  // tsx names the functions it compiles with a helper the page does not have.
  await context.addInitScript('window.__name = (target) => target;');
  await addSessionTo(context, server.url, login);
  const page = await context.newPage();
  await page.goto(`/conversations/${home!.id}`);
  // Synced: the long thread's newest message is stored (and the inbox lists it).
  await page.waitForFunction(
    () => document.querySelector('[aria-label="Connection"]')?.textContent === 'Online' && document.body.innerText.includes('Last sync'),
    undefined,
    { timeout: 300_000 },
  );

  const open = async (full: boolean): Promise<number> => {
    await page.evaluate((value) => (value ? localStorage.setItem('holdfast.fullMessageList', '1') : localStorage.removeItem('holdfast.fullMessageList')), full);
    await page.goto(`/conversations/${home!.id}`);
    await page.waitForSelector('ol[aria-label="Messages"] > li');
    await page.waitForTimeout(500);
    return page.evaluate(
      async ({ longId, count }) => {
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        const started = performance.now();
        history.pushState({}, '', `/conversations/${longId}`);
        dispatchEvent(new PopStateEvent('popstate'));
        const newest = () => document.querySelector(`ol[aria-label="Messages"] > li[aria-posinset="${count}"][aria-setsize="${count}"]`);
        while (!newest()) await frame();
        await frame();
        return performance.now() - started;
      },
      { longId: long!.id, count: threadLength },
    );
  };

  const virtualized: number[] = [];
  const full: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const mode of run % 2 === 0 ? [false, true] : [true, false]) (mode ? full : virtualized).push(await open(mode));
  }
  await open(false);
  const rendered = await page.evaluate(() => document.querySelectorAll('ol[aria-label="Messages"] > li').length);
  const summary = (values: number[]) => `median ${round(median(values))} ms, p90 ${round(percentile(values, 90))} ms`;
  console.log(`open a ${threadLength}-message conversation, full render (before): ${summary(full)}`);
  console.log(
    `open a ${threadLength}-message conversation, virtualized (now): ${summary(virtualized)} — ${round(median(full) / median(virtualized), 1)}× faster; rows in the page: ${rendered}`,
  );
} finally {
  await browser.close();
  await server.stop();
}
