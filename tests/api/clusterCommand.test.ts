import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../deploy/cluster/ManagedProcess.js';
import { repoRoot } from '../support/paths.js';

/** Whether `port` is free on loopback now. */
const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

/** A port whose next three are free too (HAProxy's, and the nodes': PORT+1…), none of them in `taken`. */
async function portWithRoom(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    const range = [port, port + 1, port + 2, port + 3];
    if (port < 65000 && range.every((candidate) => !taken.includes(candidate)) && (await Promise.all(range.slice(1).map(isFree))).every(Boolean)) return port;
  }
}

/** `npm run cluster` as an operator runs it: the command itself, its printout, and Ctrl+C. */
describe('npm run cluster', () => {
  const dir = mkdtempSync('/tmp/holdfast-test-cluster-command-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts HAProxy, three nodes, a primary and a standby, prints where each is, serves the workspace, and stops everything on SIGTERM', async () => {
    // The other ports first, so the nodes' range (PORT+1…) cannot land on one of them.
    const [pgPort, standbyPort, statsPort] = [await freePort(), await freePort(), await freePort()];
    const port = await portWithRoom([pgPort, standbyPort, statsPort]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'deploy/runCluster.ts'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(port),
        PG_PORT: String(pgPort),
        PG_STANDBY_PORT: String(standbyPort),
        HAPROXY_STATS_PORT: String(statsPort),
        CLUSTER_DIR: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await expect.poll(() => output, { timeout: 240_000, interval: 250 }).toContain('Ctrl+C stops it all.');

    // Where each part is.
    expect(output).toContain(`workspace (HAProxy)   http://127.0.0.1:${port}`);
    for (const node of [1, 2, 3]) expect(output).toContain(`node${node}                 http://127.0.0.1:${port + node}`);
    expect(output).toContain(`PostgreSQL primary    postgres://postgres@127.0.0.1:${pgPort}/holdfast`);
    expect(output).toContain(`PostgreSQL standby    postgres://postgres@127.0.0.1:${standbyPort}/holdfast`);

    // The workspace through HAProxy, answered by each node in turn; the standby streams from the primary.
    const nodes = new Set<string>();
    for (let request = 0; request < 6; request++) {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(response.status).toBe(200);
      nodes.add(response.headers.get('x-holdfast-node') ?? '');
    }
    expect(nodes).toEqual(new Set(['node1', 'node2', 'node3']));
    expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`http://127.0.0.1:${statsPort}/`)).status).toBe(200);
    const primary = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${pgPort}/holdfast` });
    await primary.connect();
    expect((await primary.query('SELECT count(*)::int AS n FROM pg_stat_replication')).rows[0].n).toBe(1);
    await primary.end();

    // Ctrl+C (SIGTERM here): everything stops, and says so.
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping HAProxy, the nodes and PostgreSQL');
    for (const stopped of [port, port + 1, port + 2, port + 3, pgPort, standbyPort]) expect(await isFree(stopped)).toBe(true);
  }, 300_000);
});
