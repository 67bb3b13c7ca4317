/**
 * Inbox with 10,000 conversations: the virtualized list (what the app ships) against the same rows
 * rendered plainly into the same page, side by side in one browser run. Median over RUNS runs of:
 * time to render the list, frame times while scrolling it end to end, and DOM nodes in the list.
 *
 *   npm run bench:inbox            (RUNS=10 by default)
 */
import { chromium } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { prepareBenchDatabase, signInForBench } from './benchDatabase.js';
import { addSessionTo } from '../tests/support/browserSession.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 10);
const conversations = 10_000;

type Measurement = { renderMs: number; switchMs: number; frameMedianMs: number; frameP95Ms: number; listNodes: number; rows: number };

/** Scrolls `selector` from top to bottom in 60 steps, one per frame, and returns the frame durations. */
const scrollScript = async (selector: string) => {
  const element = document.querySelector(selector) as HTMLElement;
  const frames: number[] = [];
  const steps = 60;
  const distance = element.scrollHeight - element.clientHeight;
  let last = performance.now();
  for (let step = 1; step <= steps; step++) {
    element.scrollTop = (distance * step) / steps;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return frames;
};

async function main() {
  const server = await ServerProcess.start({ dataDir: await prepareBenchDatabase(conversations, 2) });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  const signedIn = await signInForBench(server.url);
  const all = await new TestApi(server.url, signedIn.token).conversations('?status=open');
  const virtualized: Measurement[] = [];
  const plain: Measurement[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
      // tsx (esbuild keepNames) wraps named functions in __name(); evaluated code needs it in the page.
      await context.addInitScript('window.__name = (target) => target;');
      await addSessionTo(context, server.url, signedIn);
      const page = await context.newPage();

      // Virtualized: the app itself on a first visit (empty IndexedDB), until the status line counts every open conversation.
      await page.goto(`${server.url}/`);
      await page.waitForFunction((count) => document.body.innerText.includes(`${count} conversations`), all.length, { timeout: 60_000 });
      const renderMs = await page.evaluate(() => performance.now());
      const frames = await page.evaluate(scrollScript, '[data-testid="inbox-scroll"]');
      // A filter switch replaces the whole list: Closed, then back to Open, until the next frame is painted.
      const switchMs = await page.evaluate(async (count) => {
        const button = (name: string) => [...document.querySelectorAll('button')].find((element) => element.textContent === name)!;
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        const started = performance.now();
        button('Closed').click();
        while (document.body.innerText.includes(`${count} conversations`)) await frame();
        button('Open').click();
        while (!document.body.innerText.includes(`${count} conversations`)) await frame();
        await frame();
        return (performance.now() - started) / 2;
      }, all.length);
      virtualized.push({
        renderMs,
        switchMs,
        frameMedianMs: median(frames),
        frameP95Ms: percentile(frames, 95),
        listNodes: await page.evaluate(() => document.querySelector('[data-testid="inbox-scroll"]')!.querySelectorAll('*').length),
        rows: await page.locator('.inbox-row').count(),
      });

      // Plain: the same rows, same markup and CSS, all in the DOM, rendered into the same pane.
      const plainResult = await page.evaluate(async (rows) => {
        const pane = document.querySelector('[data-testid="inbox-scroll"]') as HTMLElement;
        const started = performance.now();
        const list = document.createElement('ul');
        list.className = 'inbox-list';
        list.style.position = 'static';
        for (const row of rows) {
          const item = document.createElement('li');
          item.className = 'inbox-row';
          item.style.position = 'static';
          item.style.height = '76px';
          item.innerHTML = `<a href="/conversations/${row.id}"><span class="row-top"><strong></strong><time></time></span><span class="row-subject"></span><span class="row-meta"></span></a>`;
          item.querySelector('strong')!.textContent = row.customerName;
          item.querySelector('time')!.textContent = row.lastMessageAt.slice(0, 10);
          item.querySelector('.row-subject')!.textContent = row.subject;
          item.querySelector('.row-meta')!.textContent = row.lastMessagePreview;
          list.append(item);
        }
        pane.replaceChildren(list);
        pane.scrollTop = 0;
        pane.getBoundingClientRect();
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
        return { renderMs: performance.now() - started, listNodes: pane.querySelectorAll('*').length, rows: list.children.length };
      }, all);
      const plainFrames = await page.evaluate(scrollScript, '[data-testid="inbox-scroll"]');
      plain.push({ ...plainResult, switchMs: plainResult.renderMs, frameMedianMs: median(plainFrames), frameP95Ms: percentile(plainFrames, 95) });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }

  const summary = (label: string, list: Measurement[]) => ({
    label,
    renderMs: round(median(list.map((m) => m.renderMs))),
    switchMs: round(median(list.map((m) => m.switchMs))),
    frameMedianMs: round(median(list.map((m) => m.frameMedianMs))),
    frameP95Ms: round(median(list.map((m) => m.frameP95Ms))),
    listNodes: median(list.map((m) => m.listNodes)),
    rows: median(list.map((m) => m.rows)),
  });
  const rows = [summary('virtualized (the app)', virtualized), summary('plain list (baseline)', plain)];
  console.log(`Inbox, ${all.length} open conversations of ${conversations}, median of ${runs} runs (Chromium ${browser.version()}):`);
  console.table(rows);
  console.log(
    'renderMs: first visit, the app from navigation to the full list (JS, first delta sync of every conversation into IndexedDB, render) vs building the plain list alone',
  );
  console.log('switchMs: the app re-filtering all conversations and re-rendering the list vs building the plain list (same number as renderMs)');
  console.log(
    `switch: ${rows[0]!.switchMs} ms vs ${rows[1]!.switchMs} ms (${round(rows[1]!.switchMs / rows[0]!.switchMs)}x); ` +
      `scroll p95 frame ${rows[0]!.frameP95Ms} ms vs ${rows[1]!.frameP95Ms} ms; DOM nodes ${rows[0]!.listNodes} vs ${rows[1]!.listNodes}`,
  );
}

await main();
