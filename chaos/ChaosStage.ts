import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { chromiumArgs } from '../playwright.config.js';
import { ApiProxy } from '../tests/support/ApiProxy.js';
import { buildWithCdn } from '../tests/support/buildWithCdn.js';
import { CdnHost } from '../tests/support/CdnHost.js';
import { openPostgres, type Database } from 'holdfast/server';
import type { Cluster } from '../deploy/cluster/Cluster.js';
import { startTestCluster, stopTestCluster } from '../tests/support/testCluster.js';
import { type AgentOptions, ChaosAgent } from './ChaosAgent.js';
import { ChaosPrometheus } from './ChaosPrometheus.js';
import type { StreamCrowd } from './StreamCrowd.js';
import type { Timeline } from './Timeline.js';

/**
 * The real stack a chaos scenario breaks: the workspace built for two CDN hosts (fastly.test and
 * azure.test, each a CdnHost on loopback, mapped by Chromium's resolver rules); `npm run cluster`'s
 * topology serving it (HAProxy with deploy/haproxy.cfg, two server nodes, a PostgreSQL primary and its
 * streaming standby, seeded; each incident's timeline is stored there too); a user-space proxy in front of
 * HAProxy (the network between the agents and the API: it delays, resets and answers 502 when told);
 * Debian's Chromium with one context per agent; and Debian's Prometheus scraping every node directly and
 * the API through the proxy, with the alerting rules loaded.
 */
export class ChaosStage {
  readonly agents: ChaosAgent[] = [];
  /** How to undo the faults under way, by name (a failure a proxy is answering, say). */
  readonly faults = new Faults();
  /** Work a scenario started in the background (a new device loading): awaited before the checks. */
  readonly background: Promise<unknown>[] = [];
  /** Devices that signed in during a fault, and how long each took from the first request to a synced inbox. */
  readonly newDevices: { email: string; readyMs: number }[] = [];
  /**
   * While set, devices that sign in resolve names through a resolver that has lost the primary CDN's
   * record (Chromium's resolver rules answer NOTFOUND for fastly.test): what a broken DNS record does to
   * every device whose cached answer has expired. Devices already working keep theirs.
   */
  dnsBroken = false;
  /** Other devices' event streams, while a scenario has them open (the reconnect storm). */
  crowd: StreamCrowd | undefined;
  #brokenDnsBrowser: Promise<Browser> | undefined;
  /** How much of each node's output is on the timeline already (by node name). */
  readonly #logged = new Map<string, number>();
  #logWatch: ReturnType<typeof setInterval> | undefined;
  /** The tmpfs mounts of small-disk devices, unmounted at the stop. */
  readonly #smallDisks: string[] = [];

  private constructor(
    readonly cluster: Cluster,
    readonly proxy: ApiProxy,
    readonly fastly: CdnHost,
    readonly azure: CdnHost,
    readonly browser: Browser,
    readonly prometheus: ChaosPrometheus,
    readonly timeline: Timeline,
    /** The primary's database, for the incident store. */
    readonly db: Database,
  ) {}

  /**
   * Builds and starts everything (about 40 s on 2 cores: two Vite builds, a PostgreSQL pair seeded,
   * two nodes and HAProxy, a browser, Prometheus).
   */
  static async start(timeline: Timeline): Promise<ChaosStage> {
    const [fastly, azure] = await Promise.all([CdnHost.start(''), CdnHost.start('')]);
    const outDir = await buildWithCdn([`http://fastly.test:${fastly.port}`, `http://azure.test:${azure.port}`], { CDN_COOL_DOWN_MS: '1500' });
    fastly.root = outDir;
    azure.root = outDir;
    // Four seeded agents stand in for a floor's devices in the reconnect storm: each may hold hundreds of
    // streams here (10 by default). DRILLS=on: the nodes take the safeguard drill's signal (SIGUSR2).
    const cluster = await startTestCluster({ nodes: 2, staticDir: outDir, nodeEnv: { MAX_STREAMS_PER_AGENT: '1000', DRILLS: 'on' } });
    try {
      const proxy = await ApiProxy.start(cluster.url);
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
      const prometheus = await ChaosPrometheus.start(
        cluster.nodes.map((node) => new URL(node.url).host),
        new URL(proxy.url).host,
      );
      // The incident store keeps working while a scenario stops the primary: it is written after the heal.
      const db = await openPostgres({ connectionString: cluster.databaseUrl, maxConnections: 2 });
      const stage = new ChaosStage(cluster, proxy, fastly, azure, browser, prometheus, timeline, db);
      stage.#watchServerLogs();
      return stage;
    } catch (error) {
      await stopTestCluster(cluster);
      throw error;
    }
  }

  /**
   * Every line a node writes (starts and stops, warnings, errors: request logging is off) goes on the
   * timeline as the server's, within a quarter of a second, named by its node: the outage report links them.
   */
  #watchServerLogs(): void {
    this.#logWatch ??= setInterval(() => {
      for (const node of this.cluster.nodes) {
        const output = node.process.output;
        const from = this.#logged.get(node.name) ?? 0;
        const end = output.lastIndexOf('\n') + 1;
        if (end <= from) continue;
        this.#logged.set(node.name, end);
        for (const line of output.slice(from, end).split('\n'))
          if (line.trim()) this.timeline.mark('server', 'log', `${node.name}: ${line.trim().slice(0, maxLogLineChars)}`);
      }
    }, 250);
  }

  /** The API as the runner's own checks reach it: HAProxy, not through the proxy a fault may be breaking. */
  get apiUrl(): string {
    return this.cluster.url;
  }

  /** Where agents load the app and reach the API: the proxy in front of the server. */
  get url(): string {
    return this.proxy.url;
  }

  /** An agent signed in on a device of their own (a browser context), working in the workspace, its worker installed. */
  async agent(email: string, options: AgentOptions = {}): Promise<ChaosAgent> {
    if (this.dnsBroken && !this.#brokenDnsBrowser)
      this.#brokenDnsBrowser = chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: chromiumArgs.map((arg) => arg.replace('MAP fastly.test 127.0.0.1', 'MAP fastly.test ~NOTFOUND')),
      });
    const browser = this.dnsBroken ? await this.#brokenDnsBrowser! : this.browser;
    const agent = await ChaosAgent.open((context) => browser.newContext(context), this.url, email, this.timeline, options);
    this.agents.push(agent);
    return agent;
  }

  /**
   * An agent on a device whose disk is small: a browser of its own, its profile on a tmpfs of `sizeMb`
   * (Chromium ignores DevTools' quota override, so a real small disk is how its storage fills: writes are
   * refused with QuotaExceededError once the disk is nearly full). Mounting needs root, as CI runs.
   */
  async smallDiskAgent(email: string, sizeMb = 96): Promise<ChaosAgent> {
    if (process.getuid?.() !== 0) throw new Error('A small-disk device needs root (to mount a tmpfs for its profile): run as root, as CI does.');
    const disk = mkdtempSync(join(tmpdir(), 'holdfast-small-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', disk]);
    this.#smallDisks.push(disk);
    const agent = await ChaosAgent.open(
      (options) =>
        chromium.launchPersistentContext(join(disk, 'profile'), {
          ...options,
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: chromiumArgs,
        }),
      this.url,
      email,
      this.timeline,
    );
    this.agents.push(agent);
    return agent;
  }

  /**
   * A new device signs in now, with nothing cached: its first load of the app, its worker's install and
   * its first sync all happen under the fault (in the background; `background` holds it).
   */
  newDevice(email = 'dana@example.com'): void {
    const started = Date.now();
    this.timeline.mark('chaos', 'new device', email);
    const arriving = this.agent(email).then(() => {
      this.newDevices.push({ email, readyMs: Date.now() - started });
      this.timeline.mark(`agent:${email}`, 'new device ready');
    });
    this.background.push(arriving);
  }

  async stop(): Promise<void> {
    clearInterval(this.#logWatch);
    this.crowd?.stop();
    await Promise.all(this.agents.map((agent) => agent.close().catch(() => undefined)));
    await this.browser.close().catch(() => undefined);
    await this.#brokenDnsBrowser?.then((browser) => browser.close()).catch(() => undefined);
    await this.prometheus.stop();
    await this.proxy.stop().catch(() => undefined);
    await Promise.all([this.fastly.stop(), this.azure.stop()]);
    await this.db.close().catch(() => undefined);
    await stopTestCluster(this.cluster);
    for (const disk of this.#smallDisks.splice(0)) {
      spawnSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  }
}

/** A log line longer than this is cut on the timeline (a stack trace's first line says enough). */
const maxLogLineChars = 300;

/** The faults under way, each with what undoes it. */
class Faults {
  readonly #undo = new Map<string, () => void>();

  set(name: string, undo: () => void): void {
    this.#undo.set(name, undo);
  }

  /** What undoes `name`, forgotten here; a no-op if it was never set (healed already). */
  take(name: string): () => void {
    const undo = this.#undo.get(name) ?? (() => {});
    this.#undo.delete(name);
    return undo;
  }
}
