/**
 * 100 assets with the primary CDN blackholed (it accepts connections and never answers), side by side in
 * one run, alternating order, median of RUNS each:
 *
 * - healthy: the primary answers; the baseline;
 * - ours: `AssetCascade` with `HostHealth` — a breaker per host that opens after 3 failures — and hedged
 *   requests (the product's default: 300 ms before any answer is known, then the hosts' p95);
 * - ours, without hedging: the same, one host at a time (the cascade before hedging);
 * - naive: the same cascade with a breaker that never opens, so every asset waits out the primary's
 *   deadline before the secondary — what an asset-retry plugin that restarts every asset at the
 *   primary does;
 * - ours, returning: a second visit whose breakers come from the first (the worker's IndexedDB).
 *
 * Real loopback hosts (the tests' CdnHost: real sockets, real deadlines that abort real requests), the
 * cascade code the service worker runs, Node's fetch. A browser asks for ~6 assets at once per host:
 * so does this. The first-byte deadline is 500 ms here (3 s in the product) to keep the run short; the
 * naive cascade pays it once per asset, ours about once per request in flight when the primary died.
 *
 * "After the first failure": from the start of the 7th request — the first that can start once a request
 * of the first wave has failed — to the last asset, against the same span of the healthy run.
 *
 *   npm run bench:cascade             (RUNS=5 by default)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetCascade, HostHealth } from 'holdfast/internal';
import type { ManifestEntry } from 'holdfast/client';
import { CdnHost } from '../tests/support/CdnHost.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 5);
const assetCount = 100;
const concurrency = 6;
/** The product's deadlines by default; DEADLINE_MS=500 for the shorter runs of earlier figures. */
const deadlines = { firstByteMs: Number(process.env.DEADLINE_MS ?? 3000), totalMs: 15_000 };
/** A round trip to each edge: loopback answers in microseconds, a real CDN edge in tens of milliseconds. */
const networkMs = Number(process.env.NETWORK_MS ?? 40);

type Scenario = 'healthy' | 'ours' | 'ours, without hedging' | 'naive' | 'ours, returning';
type Run = { totalMs: number; afterFirstFailureMs: number; perAssetMs: number[]; primaryRequests: number };

/** 100 built-looking assets of 4–60 KiB, and their manifest. */
function writeAssets(): { root: string; paths: string[]; manifest: Record<string, ManifestEntry> } {
  const root = mkdtempSync(join(tmpdir(), 'holdfast-cascade-bench-'));
  mkdirSync(join(root, 'assets'));
  const manifest: Record<string, ManifestEntry> = {};
  const paths: string[] = [];
  for (let index = 0; index < assetCount; index++) {
    const bytes = Buffer.from(`export const chunk${index} = ${JSON.stringify('x'.repeat(4096 + ((index * 7919) % 57_344)))};\n`);
    const path = `/assets/chunk-${index}-${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}.js`;
    writeFileSync(join(root, path), bytes);
    manifest[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), contentType: 'text/javascript', size: bytes.length };
    paths.push(path);
  }
  return { root, paths, manifest };
}

async function loadAll(cascade: AssetCascade, paths: readonly string[]): Promise<{ totalMs: number; afterFirstFailureMs: number; perAssetMs: number[] }> {
  const queue = [...paths.entries()];
  const startedAt: number[] = [];
  const perAssetMs: number[] = [];
  const begin = performance.now();
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [index, path] = next;
      startedAt[index] = performance.now();
      const response = await cascade.fetch(path, { mode: 'cors', credentials: 'omit' });
      await response.arrayBuffer();
      perAssetMs[index] = performance.now() - startedAt[index]!;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const end = performance.now();
  return { totalMs: end - begin, afterFirstFailureMs: end - startedAt[concurrency]!, perAssetMs: perAssetMs.slice(concurrency) };
}

async function main() {
  const { root, paths, manifest } = writeAssets();
  const [live, dead, secondary, origin] = await Promise.all([CdnHost.start(root), CdnHost.start(root), CdnHost.start(root), CdnHost.start(root)]);
  dead.mode = 'blackhole';
  for (const host of [live, secondary, origin]) host.latencyMs = networkMs;
  const url = (host: CdnHost) => `http://127.0.0.1:${host.port}`;
  let savedBreakers: Record<string, unknown> = {};

  const run = async (scenario: Scenario): Promise<Run> => {
    const primary = scenario === 'healthy' ? live : dead;
    const hosts = [url(primary), url(secondary), url(origin)];
    const saved: Record<string, unknown> = {};
    const health = new HostHealth({
      hosts,
      failuresToOpen: scenario === 'naive' ? Number.MAX_SAFE_INTEGER : 3,
      coolDown: { initialMs: 60_000, maxMs: 60_000 },
      saved: scenario === 'ours, returning' ? savedBreakers : undefined,
      save: (host, state) => (saved[host] = state),
    });
    const before = primary.assetRequests().length;
    const result = await loadAll(
      new AssetCascade({ hosts, manifest, health, deadlines, hedgeDelayMs: scenario === 'ours, without hedging' || scenario === 'naive' ? false : undefined }),
      paths,
    );
    if (scenario === 'ours') {
      // A return visit comes later: by then the hedged-away tries to the dead primary have met their
      // deadline in the background, and its breaker has saved what they taught it.
      await new Promise((resolve) => setTimeout(resolve, deadlines.firstByteMs + 200));
      savedBreakers = saved;
    }
    return { ...result, primaryRequests: primary.assetRequests().length - before };
  };

  // One warm-up of each (sockets, JIT), not counted.
  for (const scenario of ['healthy', 'ours', 'ours, without hedging', 'naive', 'ours, returning'] as const) await run(scenario);
  const results: Record<Scenario, Run[]> = { healthy: [], ours: [], 'ours, without hedging': [], naive: [], 'ours, returning': [] };
  for (let repeat = 0; repeat < runs; repeat++) {
    const order: Scenario[] =
      repeat % 2 === 0
        ? ['healthy', 'ours', 'ours, returning', 'ours, without hedging', 'naive']
        : ['naive', 'ours, without hedging', 'ours', 'ours, returning', 'healthy'];
    for (const scenario of order) results[scenario].push(await run(scenario));
  }

  const healthyTotal = median(results.healthy.map((result) => result.totalMs));
  const healthyAfter = median(results.healthy.map((result) => result.afterFirstFailureMs));
  console.log(
    `${assetCount} assets, ${concurrency} at a time, ${networkMs} ms to each edge, first-byte deadline ${deadlines.firstByteMs} ms, ${runs} runs each (median)\n`,
  );
  console.log('| | total | after the first failure | per asset after it, p50 / p95 | requests to the dead primary |');
  console.log('|---|---|---|---|---|');
  for (const scenario of Object.keys(results) as Scenario[]) {
    const list = results[scenario];
    const total = median(list.map((result) => result.totalMs));
    const after = median(list.map((result) => result.afterFirstFailureMs));
    const perAsset = list.flatMap((result) => result.perAssetMs);
    const primary = scenario === 'healthy' ? '—' : String(median(list.map((result) => result.primaryRequests)));
    console.log(
      `| ${scenario} | ${round(total, 0)} ms (${round(total / healthyTotal, 2)}×) | ${round(after, 0)} ms (${round(after / healthyAfter, 2)}×) | ${round(percentile(perAsset, 50))} / ${round(percentile(perAsset, 95))} ms | ${primary} |`,
    );
  }
  await Promise.all([live, dead, secondary, origin].map((host) => host.stop()));
  rmSync(root, { recursive: true, force: true });
}

await main();
