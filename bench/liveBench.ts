/**
 * A floor of 40 agents, live: how long from a reply's commit on the server to another agent's screen.
 *
 * Per topology, in one run, side by side and alternating which goes first:
 *   - `carried`: today's change events, which carry their pages; the page applies them as they come;
 *   - `pull`: events that only announce (`EVENT_CARRY_MAX_CHARS=0`), so the page pulls /api/sync on each:
 *     the way every live change went before.
 * Topologies:
 *   - one node (PGlite, as `npm start`);
 *   - `npm run cluster`'s (HAProxy, PostgreSQL primary and standby): the reply is committed on node A,
 *     the agents' streams are held by node B behind HAProxy, so every change crosses nodes (LISTEN/NOTIFY).
 *
 * The floor: two real Chromium agents (Bob and Dana) with the conversation open, measured to the screen
 * (a MutationObserver notes when the reply's text is in the Messages list); 38 more agents are the
 * framework's stream reader (readEventStream) in Node, each acting (a reply to its own conversation every
 * 2 s, jittered) and listening (commit → event received). Alice's replies are the measured ones: `SAMPLES`
 * (default 60) per round, 150–300 ms apart; "commit" is when her POST's answer arrives (the server answers
 * after its commit). Clocks: `performance.timeOrigin + performance.now()` in Node and in the page, one machine.
 *
 * Then what one node holds: 1,000, 2,000, 5,000 and 10,000 open streams (raw sockets from this process, one
 * PGlite node, caps raised): the server's resident memory per stream, and per reply the fan-out: commit →
 * the event at every reader, p50/p99 over readers and the last reader's time. The readers share the two
 * cores with the server, so the fan-out figures are an upper bound.
 *
 *   npm run bench:live            SAMPLES=60 ROUNDS=1 STREAMS=1000,2000,5000,10000
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { haproxyProcess, nodeProcess } from '../deploy/cluster/Cluster.js';
import { freePort, type ManagedProcess } from '../deploy/cluster/ManagedProcess.js';
import { chromiumArgs } from '../playwright.config.js';
import { readEventStream } from 'holdfast/internal';
import { createWorkspaceAction, type Conversation } from '../app/shared/index.js';
import { addSessionTo, signInAsBrowser } from '../tests/support/browserSession.js';
import { copyPgliteTemplate } from '../tests/support/pgliteTemplate.js';
import { distDir } from '../tests/support/paths.js';
import { ServerProcess } from '../tests/support/serverProcess.js';
import { startTestCluster, stopTestCluster } from '../tests/support/testCluster.js';
import { TestApi } from '../tests/support/testApi.js';
import { percentile, round } from './stats.js';

const samples = Number(process.env.SAMPLES ?? 60);
const rounds = Number(process.env.ROUNDS ?? 1);
const streamCounts = (process.env.STREAMS ?? '1000,2000,5000,10000').split(',').map(Number);
const topologies = (process.env.TOPOLOGIES ?? 'node,cluster').split(',');
const readersPerFloor = 38;
const agents = ['alice@example.com', 'bob@example.com', 'dana@example.com', 'eli@example.com'];
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Lets several agents of one tenant hold many streams, and keeps shedding out of the measurement. */
const floorEnv = { MAX_STREAMS_PER_AGENT: '200', SHEDDING: 'off' };
const pullEnv = { EVENT_CARRY_MAX_CHARS: '0' };

/** One variant's endpoints: where Alice commits, where the floor (browsers and readers) connects. */
type Stack = { variant: 'carried' | 'pull'; commitUrl: string; floorUrl: string };
type FloorFigures = { bob: number[]; dana: number[]; readers: number[]; readerActions: number };

/** In the page, before the app: note when each reply text `live:…` first shows in the Messages list. */
const observeReplies = () => {
  const seen: Record<string, number> = {};
  (window as unknown as { __seen: Record<string, number> }).__seen = seen;
  new MutationObserver(() => {
    const list = document.querySelector('[aria-label="Messages"]');
    if (!list) return;
    const at = performance.timeOrigin + performance.now();
    for (const item of list.querySelectorAll('li')) {
      const match = /live:\w+:\d+:\d+/.exec(item.textContent ?? '');
      if (match && seen[match[0]] === undefined) seen[match[0]] = at;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
};

/** A browser agent with the target conversation open, its first sync stored. */
async function browserAgent(
  browser: Browser,
  url: string,
  email: string,
  target: string,
  newest: () => Promise<string>,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 800 } });
  await context.addInitScript('window.__name = (target) => target;');
  await context.addInitScript(observeReplies);
  await addSessionTo(context, url, await signInAsBrowser(url, email));
  const page = await context.newPage();
  await page.goto(`/conversations/${target}`);
  await page.getByRole('list', { name: 'Messages' }).waitFor({ timeout: 120_000 });
  // Measured from a floor that is caught up: the device's stored cursor at the server's newest change.
  for (const deadline = Date.now() + 180_000; ; await sleep(250)) {
    const goal = BigInt(await newest());
    const stored = await page.evaluate(async () => {
      const name = (await indexedDB.databases()).map((database) => database.name ?? '').find((candidate) => candidate.startsWith('holdfast-workspace:'));
      if (!name) return '0';
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const cursor = await new Promise<string>((resolve) => {
        const read = db.transaction('meta').objectStore('meta').get('cursor');
        read.onsuccess = () => resolve(String(read.result ?? '0'));
        read.onerror = () => resolve('0');
      });
      db.close();
      return cursor;
    });
    const connected = await page.evaluate(() => window.holdfast?.stream().connected ?? false);
    if (connected && BigInt(stored) >= goal) break;
    if (Date.now() > deadline) throw new Error(`${email}: first sync not stored within 180 s (cursor ${stored} of ${goal})`);
  }
  return { context, page };
}

async function newestCursor(api: TestApi): Promise<string> {
  let cursor = '0';
  for (let more = true; more; ) ({ cursor, hasMore: more } = await api.json<{ cursor: string; hasMore: boolean }>(`/api/sync?cursor=${cursor}&limit=5000`));
  return cursor;
}

/** One round of one variant: the floor connects, Alice sends `samples` replies, the times are collected. */
async function floorRound(browser: Browser, stack: Stack, round: number): Promise<FloorFigures> {
  const alice = await TestApi.signIn(stack.commitUrl, 'alice@example.com');
  const open = await alice.conversations('?status=open');
  const target = open[0]!;
  const watcher = await TestApi.signIn(stack.floorUrl, 'eli@example.com');
  let cursorCache: { at: number; cursor: string } | undefined;
  const newest = async () => {
    if (!cursorCache || Date.now() - cursorCache.at > 2000) cursorCache = { at: Date.now(), cursor: await newestCursor(watcher) };
    return cursorCache.cursor;
  };
  const [bob, dana] = await Promise.all([
    browserAgent(browser, stack.floorUrl, 'bob@example.com', target.id, newest),
    browserAgent(browser, stack.floorUrl, 'dana@example.com', target.id, newest),
  ]);

  // 38 readers: the framework's stream reader, each noting when a measured reply's event arrived, and each
  // acting on a conversation of its own.
  const received = new Map<string, number[]>();
  // One session per agent, shared by its readers (as one agent's tabs and devices would share the floor's few).
  const sessions = await Promise.all(agents.map((email) => TestApi.signIn(stack.floorUrl, email)));
  let readerActions = 0;
  let acting = true;
  const readers = await Promise.all(
    Array.from({ length: readersPerFloor }, async (_, index) => {
      const api = sessions[index % sessions.length]!;
      let connected!: () => void;
      const ready = new Promise<void>((resolve) => (connected = resolve));
      const close = readEventStream({
        url: (lastEventId) => `${stack.floorUrl}/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
        headers: () => ({ authorization: `Bearer ${api.token}` }),
        onStatus: (up) => up && connected(),
        onEvent: (event) => {
          if (event.event !== 'change') return;
          const at = now();
          for (const match of event.data.matchAll(/live:\w+:\d+:\d+/g)) received.set(match[0], [...(received.get(match[0]) ?? []), at]);
        },
      });
      const own: Conversation = open[1 + (index % (open.length - 1))]!;
      const act = (async () => {
        await ready;
        while (acting) {
          await sleep(1000 + Math.random() * 2000);
          if (!acting) break;
          const answer = await api.postActions([createWorkspaceAction('send', own.id, { text: `floor ${index}` })]);
          await answer.body?.cancel();
          if (answer.ok) readerActions++;
        }
      })();
      await ready;
      return { close, act };
    }),
  );

  const committed = new Map<string, number>();
  for (let n = 0; n < samples; n++) {
    const text = `live:${stack.variant}:${round}:${n}`;
    const answer = await alice.postActions([createWorkspaceAction('send', target.id, { text })]);
    const at = now();
    if (!answer.ok) throw new Error(`reply ${n}: ${answer.status} ${await answer.text()}`);
    committed.set(text, at);
    await sleep(150 + Math.random() * 150);
  }
  // Every measured reply on both screens (or 30 s: a missing one is reported, not waited for forever).
  const screens = async (page: Page) => page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
    const [a, b] = await Promise.all([screens(bob.page), screens(dana.page)]);
    if ([...committed.keys()].every((text) => a[text] !== undefined && b[text] !== undefined)) break;
  }
  const [bobSeen, danaSeen] = await Promise.all([screens(bob.page), screens(dana.page)]);
  acting = false;
  for (const reader of readers) reader.close();
  await Promise.all(readers.map((reader) => reader.act));
  await Promise.all([bob.context.close(), dana.context.close()]);

  const latencies = (seen: Record<string, number>) => {
    const missing = [...committed.keys()].filter((text) => seen[text] === undefined);
    if (missing.length > 0) throw new Error(`${stack.variant}: ${missing.length} replies never reached the screen within 30 s (${missing[0]})`);
    return [...committed].map(([text, at]) => seen[text]! - at);
  };
  const readerLatencies = [...committed].flatMap(([text, at]) => (received.get(text) ?? []).map((arrived) => arrived - at));
  return { bob: latencies(bobSeen), dana: latencies(danaSeen), readers: readerLatencies, readerActions };
}

// Readers of announce-only events cannot see which reply an event is about: no figure for them there.
const summary = (values: number[]) =>
  values.length === 0 ? '— (the event names no reply)' : `p50 ${round(percentile(values, 50))} ms · p99 ${round(percentile(values, 99))} ms`;

async function floor(label: string, browser: Browser, stacks: Stack[]): Promise<string[]> {
  const figures = new Map<string, FloorFigures[]>();
  for (let r = 0; r < rounds; r++) {
    for (const stack of r % 2 === 0 ? stacks : [...stacks].reverse()) {
      process.stdout.write(`${label}, ${stack.variant}, round ${r + 1}/${rounds}…\n`);
      figures.set(stack.variant, [...(figures.get(stack.variant) ?? []), await floorRound(browser, stack, r)]);
    }
  }
  const lines = [`### ${label}`, '', '| agent | carried (events apply their pages) | pull (events only announce; before) | p50 ratio |', '|---|---|---|---|'];
  const all = (variant: string, key: 'bob' | 'dana' | 'readers') => (figures.get(variant) ?? []).flatMap((round) => round[key]);
  for (const [key, name] of [
    ['bob', 'Bob (Chromium, to the screen)'],
    ['dana', 'Dana (Chromium, to the screen)'],
    ['readers', `${readersPerFloor} stream readers (to the event)`],
  ] as const) {
    const carried = all('carried', key);
    const pull = all('pull', key);
    lines.push(
      `| ${name} | ${summary(carried)} | ${summary(pull)} | ${pull.length && carried.length ? `${round(percentile(pull, 50) / percentile(carried, 50))}×` : '—'} |`,
    );
  }
  const actions = (variant: string) => (figures.get(variant) ?? []).reduce((sum, round) => sum + round.readerActions, 0);
  lines.push(
    '',
    `${samples} measured replies per round, ${rounds} round(s); the readers sent ${actions('carried')} (carried) and ${actions('pull')} (pull) replies of their own meanwhile.`,
    '',
  );
  return lines;
}

/** The server's resident memory, from /proc. */
function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** `count` raw event-stream sockets: each notes when an event naming `live:…` arrives. */
async function openRawStreams(url: string, token: string, count: number, received: Map<string, number[]>): Promise<ClientRequest[]> {
  const { hostname, port } = new URL(url);
  const requests: ClientRequest[] = [];
  for (let opened = 0; opened < count; ) {
    const batch = Math.min(200, count - opened);
    await Promise.all(
      Array.from(
        { length: batch },
        () =>
          new Promise<void>((resolve, reject) => {
            const request = httpRequest(
              { hostname, port, path: '/api/events', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, agent: false },
              (response) => {
                if (response.statusCode !== 200) return reject(new Error(`stream ${requests.length}: ${response.statusCode}`));
                response.setEncoding('utf8');
                response.on('data', (chunk: string) => {
                  if (chunk.includes('event: ready')) resolve();
                  for (const match of chunk.matchAll(/live:\w+:\d+:\d+/g)) received.get(match[0])?.push(now());
                });
                response.on('error', () => undefined);
              },
            );
            request.on('error', reject);
            request.end();
            requests.push(request);
          }),
      ),
    );
    opened += batch;
  }
  return requests;
}

async function capacity(): Promise<string[]> {
  const server = await ServerProcess.start(
    { dataDir: await copyPgliteTemplate() },
    { MAX_STREAMS_PER_AGENT: '20000', MAX_STREAMS_PER_PROCESS: '20000', SHEDDING: 'off' },
  );
  const lines = [
    '### What one node holds (PGlite node, raw stream sockets from one process)',
    '',
    '| open streams | server memory (resident) | per stream, from the growth since the first count | fan-out per reply: p50 / p99 over readers | last reader, median of replies |',
    '|---|---|---|---|---|',
  ];
  try {
    const alice = await TestApi.signIn(server.url, 'alice@example.com');
    const [target] = await alice.conversations('?status=open');
    await sleep(5000);
    const baseline = residentBytes(server.pid!);
    // Memory per stream from the growth between counts: the heap's own swings (PGlite, garbage collection)
    // are as large as a few hundred streams' worth, so the first count's figure is the reference.
    let first: { count: number; memory: number } | undefined;
    let requests: ClientRequest[] = [];
    let opened = 0;
    // One map for every stream opened so far: each notes its arrivals under the reply's text.
    const received = new Map<string, number[]>();
    for (const count of streamCounts) {
      process.stdout.write(`capacity: ${count} streams…\n`);
      requests = [...requests, ...(await openRawStreams(server.url, alice.token!, count - opened, received))];
      opened = count;
      await sleep(2000);
      const memory = residentBytes(server.pid!);
      const perReader: number[] = [];
      const last: number[] = [];
      for (let n = 0; n < 20; n++) {
        const text = `live:capacity:${count}:${n}`;
        received.set(text, []);
        const answer = await alice.postActions([createWorkspaceAction('send', target!.id, { text })]);
        const at = now();
        if (!answer.ok) throw new Error(`capacity reply: ${answer.status}`);
        for (const deadline = Date.now() + 60_000; received.get(text)!.length < count && Date.now() < deadline; ) await sleep(20);
        const arrivals = received.get(text)!;
        perReader.push(...arrivals.map((arrived) => arrived - at));
        last.push(Math.max(...arrivals) - at);
        if (arrivals.length < count) lines.push(`(reply ${n}: ${arrivals.length} of ${count} readers within 60 s)`);
        await sleep(200);
      }
      first ??= { count, memory };
      const perStream = count > first.count ? `${round((memory - first.memory) / (count - first.count) / 1024)} KiB` : '(reference)';
      lines.push(
        `| ${count.toLocaleString('en')} | ${round(memory / 2 ** 20)} MiB (${round(baseline / 2 ** 20)} MiB with none) | ${perStream} | ${round(percentile(perReader, 50))} / ${round(percentile(perReader, 99))} ms | ${round(percentile(last, 50))} ms |`,
      );
    }
    for (const request of requests) request.destroy();
  } finally {
    await server.stop();
  }
  lines.push('');
  return lines;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
const processes: ManagedProcess[] = [];
const report: string[] = [`## Live: commit → screen on a floor of 40 agents (${new Date().toISOString().slice(0, 10)}, ${samples} replies per round)`, ''];
try {
  // One node, each variant on its own copy of the demo database.
  if (topologies.includes('node')) {
    const [carriedNode, pullNode] = await Promise.all([
      ServerProcess.start({ dataDir: await copyPgliteTemplate() }, floorEnv),
      ServerProcess.start({ dataDir: await copyPgliteTemplate() }, { ...floorEnv, ...pullEnv }),
    ]);
    try {
      report.push(
        ...(await floor('One node (PGlite)', browser, [
          { variant: 'carried', commitUrl: carriedNode.url, floorUrl: carriedNode.url },
          { variant: 'pull', commitUrl: pullNode.url, floorUrl: pullNode.url },
        ])),
      );
    } finally {
      await Promise.all([carriedNode.stop(), pullNode.stop()]);
    }
  }

  // The cluster: Alice commits on node 1; each variant's floor reaches a node of its own through an HAProxy.
  if (topologies.includes('cluster')) {
    const cluster = await startTestCluster({ nodes: 2, nodeEnv: floorEnv });
    try {
      const pullNodeProcess = nodeProcess({
        name: 'node-pull',
        port: await freePort(),
        databaseUrl: cluster.databaseUrl,
        readDatabaseUrl: cluster.readDatabaseUrl,
        staticDir: distDir,
        env: { ...floorEnv, ...pullEnv },
      });
      processes.push(pullNodeProcess.process);
      await pullNodeProcess.process.start();
      const front = async (nodeUrl: string) => {
        const port = await freePort();
        const haproxy = haproxyProcess(`127.0.0.1:${port}`, [nodeUrl.replace('http://', '')]);
        processes.push(haproxy);
        await haproxy.start();
        return `http://127.0.0.1:${port}`;
      };
      const [carriedFront, pullFront] = await Promise.all([front(cluster.nodes[1]!.url), front(pullNodeProcess.url)]);
      const commitUrl = cluster.nodes[0]!.url;
      report.push(
        ...(await floor('Across nodes (npm run cluster: commit on node 1, streams on node 2 behind HAProxy, PostgreSQL 15 primary + standby)', browser, [
          { variant: 'carried', commitUrl, floorUrl: carriedFront },
          { variant: 'pull', commitUrl, floorUrl: pullFront },
        ])),
      );
    } finally {
      await Promise.all(processes.splice(0).map((process) => process.stop().catch(() => undefined)));
      await stopTestCluster(cluster);
    }
  }

  if (streamCounts.every((count) => count > 0)) report.push(...(await capacity()));
} finally {
  await browser.close();
  await Promise.all(processes.map((process) => process.stop().catch(() => undefined)));
}
process.stdout.write(`\n${report.join('\n')}\n`);
