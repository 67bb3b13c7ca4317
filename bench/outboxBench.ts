/**
 * The outbox against workbox-background-sync's Queue, in one Chromium run, against the real server:
 *
 * 1. Durable enqueue latency, 1,000 actions × REPS, p50/p99: Queue.pushRequest and our Outbox.enqueue in
 *    the same service worker, and ours in the page (where the app calls it) with IndexedDB durability
 *    'strict' (the outbox's default) beside 'relaxed'.
 * 2. Replay of 10,000 queued actions to the real server on PGlite: ours (batched) RUNS times, Workbox's
 *    Queue.replayRequests (one request at a time) WORKBOX_RUNS times. Duplicates counted on the server.
 * 3. Failure semantics, 100 queued actions each: a server answering 503 for a while, then recovering; and
 *    one that resets the connection after recording a request.
 * 4. Settling a batch of 500 with 10,000 queued, in the page: the view of the queue brought up to date by
 *    re-reading it (the earlier OutboxController) beside following the settle's change (OutboxClient).
 *
 *   npm run bench:outbox      (REPS=3 RUNS=3 WORKBOX_RUNS=1 by default)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { chromiumArgs } from '../playwright.config.js';
import { createWorkspaceAction } from '../app/shared/index.js';
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { repoRoot } from '../tests/support/paths.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { TestApi } from '../tests/support/testApi.js';
import { BenchOrigin } from './outbox/benchOrigin.js';
import { median, percentile, round } from './stats.js';

const reps = Number(process.env.REPS ?? 3);
const runs = Number(process.env.RUNS ?? 3);
const workboxRuns = Number(process.env.WORKBOX_RUNS ?? 1);
const replayCount = Number(process.env.REPLAY_COUNT ?? 10_000);

async function buildBenchFiles(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'holdfast-outbox-bench-'));
  for (const [entry, fileName] of [
    ['bench/outbox/benchWorker.ts', 'bench-sw.js'],
    ['bench/outbox/benchPage.ts', 'bench-page.js'],
  ] as const) {
    await build({
      configFile: false,
      root: repoRoot,
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': '"production"' },
      build: { outDir, emptyOutDir: false, minify: true, lib: { entry: join(repoRoot, entry), formats: ['iife'], name: 'bench', fileName: () => fileName } },
    });
  }
  writeFileSync(
    join(outDir, 'bench.html'),
    `<!doctype html><title>outbox bench</title><script src="/bench-page.js"></script>
     <script>navigator.serviceWorker.register('/bench-sw.js');</script>`,
  );
  return outDir;
}

const worker = (page: Page, command: Record<string, unknown>) => page.evaluate((command) => window.bench.worker(command), command);

async function serverCounts(api: TestApi, conversationIds: readonly string[], prefix: string) {
  const bodies = (await Promise.all(conversationIds.map(async (id) => (await api.conversation(id)).messages.map((message) => message.body))))
    .flat()
    .filter((body) => body.startsWith(prefix));
  return { total: bodies.length, distinct: new Set(bodies).size };
}

const filesDir = await buildBenchFiles();
const server = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
const origin = await BenchOrigin.start(server.url, filesDir);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const context = await browser.newContext({ baseURL: origin.url });
const page = await context.newPage();
await page.goto('/bench.html');
await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
const api = await TestApi.signIn(server.url, 'alice@example.com');
const conversationIds = (await api.conversations()).slice(0, 20).map((conversation) => conversation.id);
const token = api.token!;
const lines: string[] = [];
const log = (line: string) => {
  console.log(line);
  lines.push(line);
};

// 0. The server's own ceiling: the same 10,000 sends posted from Node in batches of 500.
{
  const actions = Array.from({ length: replayCount }, (_, index) => createWorkspaceAction('send', conversationIds[index % 20]!, { text: `direct ${index}` }));
  const start = performance.now();
  for (let index = 0; index < actions.length; index += 500) await (await api.postActions(actions.slice(index, index + 500))).json();
  const ms = performance.now() - start;
  log(`server apply path, ${replayCount} sends posted from Node in batches of 500: ${round(ms, 0)} ms (${round((replayCount / ms) * 1000, 0)} actions/s)`);
}

// 1. Enqueue latency.
{
  const samples: Record<string, number[]> = {
    'workbox Queue.pushRequest (worker)': [],
    'ours Outbox.enqueue (worker)': [],
    'ours Outbox.enqueue (page, durability strict: the default)': [],
    'ours Outbox.enqueue (page, durability relaxed)': [],
  };
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? (['workbox', 'ours'] as const) : (['ours', 'workbox'] as const);
    for (const impl of order) {
      const timings = (await worker(page, {
        cmd: 'enqueue-latency',
        impl,
        count: 1000,
        conversationId: conversationIds[0],
        run: `latency-${rep}`,
      })) as number[];
      samples[impl === 'ours' ? 'ours Outbox.enqueue (worker)' : 'workbox Queue.pushRequest (worker)']!.push(...timings);
    }
    // Strict beside relaxed, alternating which goes first.
    for (const durability of rep % 2 === 0 ? (['strict', 'relaxed'] as const) : (['relaxed', 'strict'] as const)) {
      const timings = await page.evaluate(([id, run, mode]) => window.bench.enqueueLatencyInPage(1000, id, run, mode), [
        conversationIds[0]!,
        `${rep}`,
        durability,
      ] as const);
      samples[durability === 'strict' ? 'ours Outbox.enqueue (page, durability strict: the default)' : 'ours Outbox.enqueue (page, durability relaxed)']!.push(
        ...timings,
      );
    }
  }
  for (const [name, values] of Object.entries(samples)) {
    log(
      `enqueue ${name}: p50 ${round(median(values), 2)} ms, p99 ${round(percentile(values, 99), 2)} ms, max ${round(Math.max(...values), 1)} ms (n=${values.length})`,
    );
  }
}

// 2. Replay of 10,000.
// biome-ignore lint/complexity/noUselessLoneBlockStatements: each part of the benchmark in a block of its own, as part 1
{
  for (const [impl, count] of [
    ['ours', runs],
    ['workbox', workboxRuns],
  ] as const) {
    const times: number[] = [];
    for (let run = 0; run < count; run++) {
      const prefix = `replay-${impl}-${run} `;
      await worker(page, { cmd: 'queue', impl, count: replayCount, conversationIds, prefix, token, run: `replay-${impl}-${run}` });
      const { ms, phases } = (await worker(page, { cmd: 'replay', impl, token, run: `replay-${impl}-${run}` })) as {
        ms: number;
        phases?: Record<string, number>;
      };
      if (phases)
        log(`  time in: plan ${round(phases.plan!, 0)} ms, send (request + server) ${round(phases.send!, 0)} ms, settle ${round(phases.settle!, 0)} ms`);
      const counts = await serverCounts(api, conversationIds, prefix);
      times.push(ms);
      log(
        `replay ${impl} run ${run + 1}: ${replayCount} actions in ${round(ms, 0)} ms (${round((replayCount / ms) * 1000, 0)}/s); on the server: ${counts.total} messages, ${counts.distinct} distinct, ${counts.total - counts.distinct} duplicates`,
      );
    }
    log(`replay ${impl}: median ${round(median(times), 0)} ms for ${replayCount} (${round((replayCount / median(times)) * 1000, 0)} actions/s)`);
  }
}

// 4. Settling a batch of 500 with 10,000 queued: the page's view brought up to date by re-reading the
//    queue (before) or by following the settle's change (now), alternating, RUNS × 2 each.
{
  const samples: Record<'reread' | 'events', { ms: number[]; read: number[] }> = { reread: { ms: [], read: [] }, events: { ms: [], read: [] } };
  for (let run = 0; run < runs * 2; run++) {
    for (const mode of run % 2 === 0 ? (['reread', 'events'] as const) : (['events', 'reread'] as const)) {
      const { ms, entriesRead } = await page.evaluate(([mode, run]) => window.bench.settleInPage(10_000, 500, mode, run), [mode, `${run}`] as const);
      samples[mode].ms.push(ms);
      samples[mode].read.push(entriesRead);
    }
  }
  const reread = median(samples.reread.ms);
  const events = median(samples.events.ms);
  log(`settle 500 of 10,000 queued, view re-read (before): median ${round(reread, 1)} ms, ${median(samples.reread.read)} entries read`);
  log(
    `settle 500 of 10,000 queued, view follows the change (now): median ${round(events, 1)} ms, ${median(samples.events.read)} entries read (${round(reread / events, 1)}x faster)`,
  );
}

// 3. Failure semantics.
for (const mode of ['answer-503', 'reset-after-record'] as const) {
  for (const impl of ['workbox', 'ours'] as const) {
    const run = `failure-${mode}-${impl}`;
    const prefix = `${run} `;
    origin.arrivals.clear();
    await worker(page, { cmd: 'queue', impl, count: 100, conversationIds, prefix, token, run });
    origin.mode = mode;
    // While the server misbehaves: one replay attempt (Workbox) or 3 s of ours with its backoff.
    await worker(page, { cmd: 'replay', impl, token, run, maxMs: 3000 });
    origin.mode = 'forward';
    await worker(page, { cmd: 'replay', impl, token, run, maxMs: 30_000 });
    const remaining = (await worker(page, { cmd: 'remaining', impl, run })) as number;
    const counts = await serverCounts(api, conversationIds, prefix);
    const resent = [...origin.arrivals.values()].filter((arrivals) => arrivals > 1).length;
    log(
      `failure ${mode}, ${impl}: ${counts.distinct} of 100 applied, ${100 - counts.distinct - remaining} lost, ${remaining} still queued; ${resent} arrived more than once (a non-idempotent endpoint would apply them twice); applied twice on the reference server: ${counts.total - counts.distinct}`,
    );
  }
}

writeFileSync(join(repoRoot, '.cache', 'outbox-bench.txt'), `${lines.join('\n')}\n`);
await browser.close();
await origin.stop();
await server.stop();
