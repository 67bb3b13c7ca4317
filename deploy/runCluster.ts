/**
 * `npm run cluster`: Holdfast as a team would run it, on this machine — HAProxy on PORT (default 8080, the
 * address `npm start` uses), NODES server nodes (default 3) and a PostgreSQL primary with a streaming
 * standby (Debian's packages: `apt-get install haproxy postgresql`). Prints where each part is; Ctrl+C or
 * SIGTERM stops everything. The topology for real hosts, with these same files: docs/deploy.md.
 *
 *   PORT=8080 NODES=3 CLUSTER_DIR=data/cluster PG_PORT=55433 PG_STANDBY_PORT=55434 npm run cluster
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Cluster, maxNodes } from './cluster/Cluster.js';

function numberFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`${name} must be a whole number from ${min} to ${max}, got "${raw}".`);
    process.exit(2);
  }
  return value;
}

const port = numberFrom('PORT', 8080, 1, 65535);
const nodes = numberFrom('NODES', 3, 1, maxNodes);
const primaryPort = numberFrom('PG_PORT', 55433, 1, 65535);
const standbyPort = numberFrom('PG_STANDBY_PORT', 55434, 1, 65535);
const statsPort = numberFrom('HAPROXY_STATS_PORT', port + 100, 1, 65535);
const host = process.env.HOST ?? '127.0.0.1';
const staticDir = resolve(process.env.STATIC_DIR ?? 'dist');
if (!existsSync('/usr/sbin/haproxy') && !existsSync('/usr/bin/haproxy')) {
  console.error('HAProxy is not installed: apt-get install -y haproxy');
  process.exit(1);
}

console.log(`Starting PostgreSQL (primary and standby), ${nodes} node${nodes === 1 ? '' : 's'} and HAProxy…`);
const cluster = await Cluster.start({
  host,
  port,
  nodes,
  nodePorts: Array.from({ length: nodes }, (_, index) => port + 1 + index),
  dataDir: resolve(process.env.CLUSTER_DIR ?? 'data/cluster'),
  primaryPort,
  standbyPort,
  staticDir,
  statsPort,
});
console.log(`
Holdfast cluster up:
  workspace (HAProxy)   ${cluster.url}   — sign in as alice@example.com / holdfast
  HAProxy stats         http://${host}:${statsPort}/
${cluster.nodes.map((node) => `  ${node.name.padEnd(20)}  ${node.url}   (/readyz, /metrics, /status)`).join('\n')}
  PostgreSQL primary    ${cluster.databaseUrl}
  PostgreSQL standby    ${cluster.readDatabaseUrl}   (delta-sync reads, read-your-writes)
Ctrl+C stops it all.`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping HAProxy, the nodes and PostgreSQL…`);
    void cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
