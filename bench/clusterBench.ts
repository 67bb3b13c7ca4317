/**
 * Scale-out, measured on one machine (2 cores: every node, HAProxy, PostgreSQL and the load share them, so
 * this shows what the topology costs and keeps, not what more machines would add). In one run:
 *
 * 1. Actions per second through HAProxy with 1, 2 and 4 server nodes on one PostgreSQL: `CLIENTS`
 *    (default 32) closed-loop clients post batches of 10 replies, each to its own conversation, half in
 *    each seeded tenant, for `SECONDS` (default 5) after a 1 s warm-up; the node counts alternate order
 *    over `RUNS` (default 3); medians, and the ratio to 1 node.
 * 2. Replaying 10,000 actions as the outbox does (batches of 500, one after another) to a node on
 *    PostgreSQL, beside a server on PGlite; medians of `RUNS`.
 * 3. Event fan-out: from a reply's commit on node A (its answer) to its `change` event on a stream held by
 *    node B (LISTEN/NOTIFY), beside a stream on node A itself; `SAMPLES` (default 200) each; p50/p99.
 *
 *   npm run bench:cluster
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { haproxyProcess, nodeProcess } from '../deploy/cluster/Cluster.js';
import { freePort, type ManagedProcess } from '../deploy/cluster/ManagedProcess.js';
import { PostgresPair } from '../deploy/cluster/PostgresPair.js';
import { runNode } from 'holdfast/build';
import { createWorkspaceAction } from '../app/shared/index.js';
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { distDir } from '../tests/support/paths.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { SseClient } from '../tests/support/sseClient.js';
import { TestApi } from '../tests/support/testApi.js';
import { median, percentile, round } from './stats.js';

const runs = Number(process.env.RUNS ?? 3);
const clients = Number(process.env.CLIENTS ?? 32);
const seconds = Number(process.env.SECONDS ?? 5);
const samples = Number(process.env.SAMPLES ?? 200);
const nodeCounts = [1, 2, 4];

const dir = mkdtempSync('/tmp/holdfast-bench-cluster-');
const postgres = await PostgresPair.start({ dir, primaryPort: await freePort(), standbyPort: false, durable: false });
const databaseUrl = postgres.primaryUrl('holdfast');
const processes: ManagedProcess[] = [];
try {
  await postgres.createDatabase('holdfast');
  await runNode(['--import', 'tsx', 'app/server/seedCli.ts'], { DATABASE_URL: databaseUrl });
  const nodes = await Promise.all(
    Array.from({ length: Math.max(...nodeCounts) }, async (_, index) => {
      const node = nodeProcess({ name: `node${index + 1}`, port: await freePort(), databaseUrl, staticDir: distDir, env: { SHEDDING: 'off' } });
      processes.push(node.process);
      await node.process.start();
      return node.url;
    }),
  );

  // 1. Throughput by node count, through HAProxy.
  const alice = await TestApi.signIn(nodes[0]!, 'alice@example.com');
  const carol = await TestApi.signIn(nodes[0]!, 'carol@globex.example');
  const targets = [
    ...(await alice.conversations('?status=open')).slice(0, clients / 2).map((c) => ({ api: alice, id: c.id })),
    ...(await carol.conversations('?status=open')).slice(0, clients / 2).map((c) => ({ api: carol, id: c.id })),
  ];
  const throughput = async (count: number): Promise<number> => {
    const port = await freePort();
    const haproxy = haproxyProcess(
      `127.0.0.1:${port}`,
      nodes.slice(0, count).map((url) => url.replace('http://', '')),
    );
    await haproxy.start();
    // Every node in rotation before the clock starts (HAProxy's slow start ramps a new server over 10 s).
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    let applied = 0;
    let counting = false;
    let stop = false;
    const loops = targets.map(async ({ api, id }) => {
      const through = new TestApi(`http://127.0.0.1:${port}`, api.token);
      while (!stop) {
        const batch = Array.from({ length: 10 }, () => createWorkspaceAction('send', id, { text: 'bench' }));
        const response = await through.postActions(batch);
        if (response.status !== 200) throw new Error(`POST /api/actions: ${response.status} ${await response.text()}`);
        await response.body?.cancel();
        if (counting) applied += batch.length;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    counting = true;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    counting = false;
    const elapsed = (performance.now() - started) / 1000;
    stop = true;
    await Promise.all(loops);
    await haproxy.stop();
    return applied / elapsed;
  };
  const rates: Record<number, number[]> = { 1: [], 2: [], 4: [] };
  for (let run = 0; run < runs; run++) for (const count of run % 2 === 0 ? nodeCounts : [...nodeCounts].reverse()) rates[count]!.push(await throughput(count));

  // 2. Replaying 10,000 actions in batches of 500.
  const replay = async (url: string): Promise<number> => {
    const api = await TestApi.signIn(url, 'alice@example.com');
    const ids = (await api.conversations('?status=open')).slice(0, 100).map((c) => c.id);
    const actions = Array.from({ length: 10_000 }, (_, index) => createWorkspaceAction('send', ids[index % ids.length]!, { text: `replay ${index}` }));
    const started = performance.now();
    for (let from = 0; from < actions.length; from += 500) {
      const response = await api.postActions(actions.slice(from, from + 500));
      if (response.status !== 200) throw new Error(`replay: ${response.status}`);
      await response.body?.cancel();
    }
    return performance.now() - started;
  };
  const pglite = await ServerProcess.start({ dataDir: await copyPgliteTemplate() });
  const replays: Record<'PostgreSQL' | 'PGlite', number[]> = { PostgreSQL: [], PGlite: [] };
  try {
    for (let run = 0; run < runs; run++) {
      for (const which of run % 2 === 0 ? (['PostgreSQL', 'PGlite'] as const) : (['PGlite', 'PostgreSQL'] as const))
        replays[which].push(await replay(which === 'PostgreSQL' ? nodes[0]! : pglite.url));
    }
  } finally {
    await pglite.stop();
  }

  // 3. Fan-out latency: commit on node A, delivery on node B (and on A itself).
  // Timed from the request's start: the commit happens inside it, so this bounds commit → delivery from
  // above (the answer itself can arrive after the event).
  const fanOut = async (writeUrl: string, streamUrl: string): Promise<{ delivered: number[]; answered: number[] }> => {
    const writer = new TestApi(writeUrl, alice.token);
    const stream = await SseClient.open(`${streamUrl}/api/events`, { authorization: `Bearer ${alice.token}` });
    await stream.until((client) => client.events.some((event) => event.event === 'ready'));
    const [target] = targets;
    const delivered: number[] = [];
    const answered: number[] = [];
    for (let index = 0; index < samples; index++) {
      const text = `fan-out ${Date.now()}-${index}`;
      const sent = performance.now();
      let seenAt = 0;
      const seen = stream
        .until((client) => client.events.some((event) => event.event === 'change' && event.data.includes(text)))
        .then(() => (seenAt = performance.now()));
      const response = await writer.postActions([createWorkspaceAction('send', target!.id, { text })]);
      answered.push(performance.now() - sent);
      await response.body?.cancel();
      await seen;
      delivered.push(seenAt - sent);
    }
    stream.close();
    return { delivered, answered };
  };
  const crossNode = await fanOut(nodes[0]!, nodes[1]!);
  const sameNode = await fanOut(nodes[0]!, nodes[0]!);

  const base = median(rates[1]!);
  console.log(`\n${clients} clients, batches of 10, ${seconds} s per run, ${runs} runs each (median)\n`);
  console.log('| nodes behind HAProxy | actions/s | vs 1 node |');
  console.log('|---|---|---|');
  for (const count of nodeCounts) console.log(`| ${count} | ${round(median(rates[count]!), 0)} | ${round(median(rates[count]!) / base, 2)}× |`);
  console.log('\n| replay of 10,000 actions (batches of 500) | median | runs |');
  console.log('|---|---|---|');
  for (const which of ['PostgreSQL', 'PGlite'] as const)
    console.log(`| ${which} | ${round(median(replays[which]), 0)} ms | ${replays[which].map((ms) => round(ms, 0)).join(', ')} |`);
  console.log(`\n| ${samples} replies, from the request's start | the write answered, p50 / p99 | its event delivered, p50 / p99 |`);
  console.log('|---|---|---|');
  for (const [name, times] of [
    ['node A → stream on node B (LISTEN/NOTIFY)', crossNode],
    ['node A → stream on node A', sameNode],
  ] as const) {
    console.log(
      `| ${name} | ${round(percentile(times.answered, 50), 1)} / ${round(percentile(times.answered, 99), 1)} ms | ${round(percentile(times.delivered, 50), 1)} / ${round(percentile(times.delivered, 99), 1)} ms |`,
    );
  }
} finally {
  await Promise.all(processes.map((node) => node.stop()));
  postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
