import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '../../build/runNode.js';
import { answersOk, freePort, ManagedProcess } from './ManagedProcess.js';
import { PostgresPair } from './PostgresPair.js';

const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** HAProxy's configuration: the same file for this command and for real hosts (docs/deploy.md). */
const haproxyConfig = join(repoRoot, 'deploy', 'haproxy.cfg');
export const maxNodes = 8;

export type ClusterOptions = {
  /** Where HAProxy listens for agents. */
  host: string;
  port: number;
  /** Server nodes behind it, 1–8. */
  nodes: number;
  /** Each node's port; default: free ports. */
  nodePorts?: number[];
  /** The PostgreSQL data directories (kept between runs). */
  dataDir: string;
  primaryPort: number;
  /** The standby's port; `false`: no standby (reads go to the primary). */
  standbyPort: number | false;
  durable?: boolean;
  standbyApplyDelayMs?: number;
  /** The database's name on the primary. */
  database?: string;
  staticDir: string;
  /** More settings for every node (server/config.ts). */
  nodeEnv?: Record<string, string>;
  /** HAProxy's stats page, if wanted. */
  statsPort?: number;
};

export type ClusterNode = { name: string; port: number; url: string; process: ManagedProcess };

/** A server node as the cluster runs it (not started): `app/server/main.ts` on `port`, ready when /readyz says so. */
export function nodeProcess(options: {
  name: string;
  port: number;
  databaseUrl: string;
  readDatabaseUrl?: string;
  staticDir: string;
  env?: Record<string, string>;
}): ClusterNode {
  const url = `http://127.0.0.1:${options.port}`;
  const process = new ManagedProcess({
    command: globalThis.process.execPath,
    args: ['--import', 'tsx', 'app/server/main.ts'],
    cwd: repoRoot,
    env: {
      PORT: String(options.port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      READ_DATABASE_URL: options.readDatabaseUrl ?? '',
      STATIC_DIR: options.staticDir,
      SEED: 'false',
      NODE_NAME: options.name,
      // HAProxy connects from loopback: from it alone, X-Forwarded-For and X-Forwarded-Proto are believed.
      TRUST_PROXY: '127.0.0.1',
      ...options.env,
    },
    ready: () => answersOk(`${url}/readyz`),
  });
  return { name: options.name, port: options.port, url, process };
}

/**
 * HAProxy with deploy/haproxy.cfg in front of `nodes` (host:port each), listening on `bind` (not started);
 * `tls`: also HTTPS on `tls.bind` with the PEM file `tls.cert` (certificate and key).
 */
export function haproxyProcess(bind: string, nodes: readonly string[], statsBind?: string, tls?: { bind: string; cert: string }): ManagedProcess {
  return new ManagedProcess({
    command: 'haproxy',
    args: ['-db', '-f', haproxyConfig],
    cwd: repoRoot,
    env: {
      HOLDFAST_BIND: bind,
      ...Object.fromEntries(nodes.map((node, index) => [`HOLDFAST_NODE${index + 1}`, node])),
      ...(statsBind ? { HOLDFAST_STATS_BIND: statsBind } : {}),
      ...(tls ? { HOLDFAST_TLS_BIND: tls.bind, HOLDFAST_TLS_CERT: tls.cert } : {}),
    },
    ready: () => answersOk(`http://${bind}/readyz`),
  });
}

/**
 * Holdfast on one machine as it runs on several: HAProxy in front (health checks on /readyz, slow start,
 * stream-friendly timeouts: deploy/haproxy.cfg), N stateless server nodes, and a PostgreSQL primary with a
 * streaming standby that serves delta-sync reads (READ_DATABASE_URL). Nothing here is a stand-in: the
 * processes are the real server, Debian's HAProxy and Debian's PostgreSQL.
 */
export class Cluster {
  private constructor(
    readonly options: ClusterOptions,
    readonly postgres: PostgresPair,
    readonly nodes: ClusterNode[],
    readonly haproxy: ManagedProcess,
  ) {}

  get url(): string {
    return `http://${this.options.host}:${this.options.port}`;
  }
  get databaseUrl(): string {
    return this.postgres.primaryUrl(this.options.database ?? 'holdfast');
  }
  get readDatabaseUrl(): string | undefined {
    return this.options.standbyPort === false ? undefined : this.postgres.standbyUrl(this.options.database ?? 'holdfast');
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    if (!Number.isInteger(options.nodes) || options.nodes < 1 || options.nodes > maxNodes)
      throw new Error(`NODES must be 1–${maxNodes}, got ${options.nodes}.`);
    const database = options.database ?? 'holdfast';
    const started: ManagedProcess[] = [];
    const postgres = await PostgresPair.start({
      dir: options.dataDir,
      primaryPort: options.primaryPort,
      standbyPort: options.standbyPort,
      durable: options.durable,
      standbyApplyDelayMs: options.standbyApplyDelayMs,
    });
    try {
      await postgres.createDatabase(database);
      const databaseUrl = postgres.primaryUrl(database);
      // Migrate, and seed the demo data into an empty database, once before any node starts, rather than N
      // nodes racing to do it.
      await runNode(['--import', 'tsx', 'app/server/seedCli.ts'], { DATABASE_URL: databaseUrl });
      const ports = options.nodePorts ?? (await Promise.all(Array.from({ length: options.nodes }, () => freePort())));
      const readDatabaseUrl = options.standbyPort === false ? undefined : postgres.standbyUrl(database);
      const nodes = ports
        .slice(0, options.nodes)
        .map((port, index) =>
          nodeProcess({ name: `node${index + 1}`, port, databaseUrl, readDatabaseUrl, staticDir: options.staticDir, env: options.nodeEnv }),
        );
      started.push(...nodes.map((node) => node.process));
      await Promise.all(nodes.map((node) => node.process.start()));
      const haproxy = haproxyProcess(
        `${options.host}:${options.port}`,
        nodes.map((node) => `127.0.0.1:${node.port}`),
        options.statsPort ? `${options.host}:${options.statsPort}` : undefined,
      );
      started.push(haproxy);
      await haproxy.start();
      return new Cluster(options, postgres, nodes, haproxy);
    } catch (error) {
      await Promise.all(started.map((process) => process.stop().catch(() => undefined)));
      postgres.stop();
      throw error;
    }
  }

  /** HAProxy first (no new requests), then the nodes (SIGTERM: streams closed, pools ended), then PostgreSQL. */
  async stop(): Promise<void> {
    await this.haproxy.stop('SIGUSR1', 5000).catch(() => undefined);
    await Promise.all(this.nodes.map((node) => node.process.stop().catch(() => undefined)));
    this.postgres.stop();
  }
}
