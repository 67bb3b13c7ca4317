/**
 * The demo's start beside the normal app's, in one browser run (medians of RUNS, alternating):
 *   - normal app, cold start: a new tab on a deep link, the agent signed in and synced before (the service
 *     worker's shell, IndexedDB), until the conversation's newest message is on screen;
 *   - demo, warm: the same for the demo bundle on a static server (its backend worker starts beside);
 *   - demo, first load: a fresh browser profile opens the demo (signed in by itself), and opens the first conversation
 *     — PGlite downloaded and started, the server's migrations and seed run in the browser, the first sync.
 *
 *   npm run bench:demo          (RUNS=5 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { buildApp } from '../app/build/buildApp.js';
import { serveStatic } from 'holdfast/build';
import { chromiumArgs } from '../playwright.config.js';
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { median, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 5);

/** The app: the sign-in form. The demo opens signed in by itself (as its first agent, Alice). */
async function signIn(page: Page, demo: boolean) {
  if (!demo) {
    await page.getByRole('textbox', { name: 'Email' }).fill('alice@example.com');
    await page.getByRole('textbox', { name: 'Password' }).fill('holdfast');
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 120_000 });
}

/** Until the first conversation's newest message is on screen; ms from navigation start. */
async function messagesShown(page: Page): Promise<number> {
  const shown = await page.waitForFunction(
    () => {
      const newest = document.querySelector('ol[aria-label="Messages"] > li[aria-setsize]');
      const count = newest?.getAttribute('aria-setsize');
      return count && document.querySelector(`ol[aria-label="Messages"] > li[aria-posinset="${count}"]`) ? performance.now() : false;
    },
    undefined,
    { timeout: 120_000, polling: 'raf' },
  );
  return Number(await shown.jsonValue());
}

/** Signed in, synced, the first conversation's deep link: what later cold starts open. */
async function prepare(context: BrowserContext, demo: boolean): Promise<string> {
  const page = await context.newPage();
  await page.goto('/');
  await signIn(page, demo);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first().click();
  await messagesShown(page);
  await page.waitForFunction(
    () => document.body.innerText.includes('Last sync') && document.querySelector('[aria-label="Connection"]')?.textContent === 'Online',
    undefined,
    { timeout: 120_000 },
  );
  const url = new URL(page.url()).pathname;
  await page.close();
  return url;
}

async function coldOpen(context: BrowserContext, path: string): Promise<number> {
  const page = await context.newPage();
  await page.goto(path, { waitUntil: 'commit' });
  const ms = await messagesShown(page);
  await page.close();
  return ms;
}

async function main() {
  const demoDir = mkdtempSync(join(tmpdir(), 'holdfast-demo-bench-'));
  console.log('building the demo bundle…');
  await buildApp(demoDir, { VITE_DEMO_ONLY: '1' });
  const staticServer: Server = await serveStatic(demoDir, 0);
  const address = staticServer.address();
  const demoUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  try {
    const firstLoads: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ baseURL: demoUrl, viewport: { width: 1280, height: 800 } });
      await context.addInitScript('window.__name = (target) => target;');
      const page = await context.newPage();
      await page.goto('/');
      const started = await page.evaluate(() => performance.timeOrigin);
      await signIn(page, true);
      await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link').first().click();
      const shownAt = await messagesShown(page);
      firstLoads.push(shownAt + (await page.evaluate(() => performance.timeOrigin)) - started);
      await context.close();
    }

    const normal = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
    const demo = await browser.newContext({ baseURL: demoUrl, viewport: { width: 1280, height: 800 } });
    for (const context of [normal, demo]) await context.addInitScript('window.__name = (target) => target;');
    const normalPath = await prepare(normal, false);
    const demoPath = await prepare(demo, true);
    const samples = { normal: [] as number[], demo: [] as number[] };
    for (let run = 0; run < runs; run++) {
      for (const mode of run % 2 === 0 ? (['normal', 'demo'] as const) : (['demo', 'normal'] as const)) {
        samples[mode].push(await coldOpen(mode === 'normal' ? normal : demo, mode === 'normal' ? normalPath : demoPath));
      }
    }
    console.table({
      'normal app, cold start → first conversation (ms)': round(median(samples.normal)),
      'demo, warm start → first conversation (ms)': round(median(samples.demo)),
      'demo, first load in a fresh profile → first conversation (ms, from navigation, sign-in included)': round(median(firstLoads)),
    });
    console.log(`warm demo / normal cold start (medians): ${round(median(samples.demo) / median(samples.normal), 2)} (goal ≤ 1.5)`);
    console.log('samples', JSON.stringify({ ...samples, firstLoads: firstLoads.map((value) => round(value)) }));
  } finally {
    await browser.close();
    await server.stop();
    await new Promise((resolve) => staticServer.close(resolve));
    rmSync(demoDir, { recursive: true, force: true });
  }
}

await main();
