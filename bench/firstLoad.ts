/**
 * First load, as Lighthouse sees it (mobile preset: simulated slow 4G, 4× CPU slowdown), on Debian's
 * Chromium: the workspace's sign-in page beside a bare Vite + React 19 page that renders only a sign-in
 * form, served the same way (Fastify, the build's precompressed files), alternating in one run, median of
 * RUNS each. Also the workspace's deep link to a conversation for a signed-in agent (worker installed).
 *
 *   npm run bench:first-load          (RUNS=3 by default; npm run build first)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import * as chromeLauncher from 'chrome-launcher';
import Fastify from 'fastify';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';
import { chromiumArgs } from '../playwright.config.js';
import { copyPgliteTemplate, preparePgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { repoRoot } from '../tests/support/paths.js';
import { runNode } from '../tests/support/runNode.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { median, round } from './stats.js';
import { precompressDir } from 'holdfast/build';

const runs = Number(process.env.RUNS ?? 3);
const chromePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

type Figures = { score: number; fcp: number; lcp: number; tbt: number; bytes: number };

async function buildBare(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'holdfast-bare-'));
  await runNode([join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'bench/bare/vite.config.ts', '--logLevel', 'warn'], {
    BARE_OUT_DIR: outDir,
  });
  precompressDir(outDir);
  return outDir;
}

async function serveBare(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  await app.register(fastifyStatic, { root, preCompressed: true });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: address, close: () => app.close() };
}

async function measure(port: number, url: string, keepStorage = false): Promise<Figures> {
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'], disableStorageReset: keepStorage });
  const lhr = result!.lhr;
  const audit = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
  return {
    score: lhr.categories.performance?.score ?? NaN,
    fcp: audit('first-contentful-paint'),
    lcp: audit('largest-contentful-paint'),
    tbt: audit('total-blocking-time'),
    bytes: audit('total-byte-weight'),
  };
}

/** Signs in through the page in the same browser, and waits for the worker: the deep link is then a signed-in agent's. */
async function signInInBrowser(port: number, origin: string, conversationId: string): Promise<void> {
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}` });
  const page = await browser.newPage();
  await page.goto(origin);
  await page.type('input[type=email]', 'alice@example.com');
  await page.type('input[type=password]', 'holdfast');
  await page.waitForSelector('button[type=submit]:not([disabled])');
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=Inbox] a', { timeout: 60_000 });
  await page.goto(`${origin}/conversations/${conversationId}`);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 60_000 });
  await page.close();
  await browser.disconnect();
}

function row(name: string, figures: Figures[], baseline?: Figures[]) {
  const m = (key: keyof Figures) => median(figures.map((figure) => figure[key]));
  const b = (key: keyof Figures) => (baseline ? median(baseline.map((figure) => figure[key])) : NaN);
  const ratio = (key: keyof Figures) => (baseline ? ` (${round(m(key) / b(key), 2)}×)` : '');
  console.log(
    `${name}: score ${round(m('score'), 2)}${ratio('score')}, FCP ${round(m('fcp'))} ms${ratio('fcp')}, LCP ${round(m('lcp'))} ms${ratio('lcp')}, ` +
      `TBT ${round(m('tbt'))} ms${ratio('tbt')}, bytes ${round(m('bytes'))}${ratio('bytes')}  [runs: ${figures.map((figure) => round(figure.score, 2)).join(', ')}]`,
  );
}

await preparePgliteTemplate();
const bareDir = await buildBare();
const bare = await serveBare(bareDir);
const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
const conversationId = (await (await TestApi.signIn(server.url, 'alice@example.com')).conversations('?status=open'))[0]!.id;
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ['--headless=new', ...chromiumArgs.filter((flag) => !flag.startsWith('--host-resolver-rules'))],
});
try {
  const holdfast: Figures[] = [];
  const baseline: Figures[] = [];
  for (let run = 0; run < runs; run++) {
    // Alternating, so a busy moment of the machine falls on both.
    if (run % 2 === 0) {
      holdfast.push(await measure(chrome.port, `${server.url}/`));
      baseline.push(await measure(chrome.port, `${bare.url}/`));
    } else {
      baseline.push(await measure(chrome.port, `${bare.url}/`));
      holdfast.push(await measure(chrome.port, `${server.url}/`));
    }
  }
  row('bare Vite + React sign-in page', baseline);
  row('Holdfast sign-in page', holdfast, baseline);

  await signInInBrowser(chrome.port, server.url, conversationId);
  const deepLink: Figures[] = [];
  for (let run = 0; run < runs; run++) deepLink.push(await measure(chrome.port, `${server.url}/conversations/${conversationId}`, true));
  row('Holdfast deep link, signed in, worker installed', deepLink, baseline);
} finally {
  await chrome.kill();
  await server.stop();
  await bare.close();
}
