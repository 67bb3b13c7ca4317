import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../deploy/cluster/Cluster.js';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { startTestCluster, stopTestCluster } from '../support/testCluster.js';
import { TestApi } from '../support/testApi.js';

type SyncPage = { messages: { body: string }[]; cursor: string; hasMore: boolean };

/**
 * The read replica promoted while the primary still takes every write (failover tooling that took a
 * partition for the primary's death). The promoted server follows the primary no more: reads served there
 * would show the moment of its promotion for good. `npm run chaos -- standby-promoted` stages it with
 * agents in Chromium; this is the server's part, on npm run cluster's topology.
 */
describe('a read replica promoted under the primary', () => {
  let cluster: Cluster;
  let alice: TestApi;
  let bob: TestApi;

  beforeAll(async () => {
    cluster = await startTestCluster({ nodes: 1 });
    alice = await TestApi.signIn(cluster.url, 'alice@example.com');
    bob = await TestApi.signIn(cluster.url, 'bob@example.com');
  }, 300_000);
  afterAll(() => stopTestCluster(cluster), 120_000);

  /** Every message body another agent's device would sync from the start, reading with no write of its own. */
  const bodies = async (api: TestApi) => {
    const found: string[] = [];
    let cursor = '0';
    for (;;) {
      const page = await api.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`);
      found.push(...page.messages.map((message) => message.body));
      cursor = page.cursor;
      if (!page.hasMore) return found;
    }
  };

  // The tests run in order: the first two need the standby following, the last promotes it.
  it('a read waiting for a position the standby has not replayed goes to the primary after its wait (250 ms), not never', async () => {
    // A standby promoted (or stopped replaying) never reaches a position the primary wrote after: such a read
    // once waited for ever when REPLICA_MAX_WAIT_MS was unset (as on this cluster), and four of them held every
    // heavy-request turn of the node, action batches included (the chaos suite's standby-promoted). Any
    // client can also send a position far ahead; the wait must end all the same.
    const metrics = async () => (await fetch(`${cluster.nodes[0]!.url}/metrics`)).text();
    const behindBefore = metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'behind' });
    const started = Date.now();
    const answer = await alice.raw('/api/sync?cursor=0&limit=1', { headers: { 'holdfast-min-position': 'FFFF/0' }, signal: AbortSignal.timeout(20_000) });
    expect(answer.status).toBe(200);
    // 250 ms of waiting, then the primary; 5 s is a margin for a slow machine (the unbounded wait never answered).
    expect(Date.now() - started).toBeLessThan(5000);
    expect(metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'behind' })).toBe(behindBefore + 1);
  }, 60_000);

  it('a standby that hangs (every process of it SIGSTOPped): reads go to the primary within about a second, and actions are not held', async () => {
    const metrics = async () => (await fetch(`${cluster.nodes[0]!.url}/metrics`)).text();
    const postmaster = Number(readFileSync(join(cluster.postgres.standbyDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const pids = [
      postmaster,
      ...execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number),
    ];
    const downBefore = metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'replica-down' });
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      // The node asks whether its standby follows at most once a second: past that, it asks the stopped one.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const started = Date.now();
      for (const headers of [{}, { 'holdfast-min-position': '0/1' }] as Record<string, string>[]) {
        const answer = await alice.raw('/api/sync?cursor=0&limit=1', { headers, signal: AbortSignal.timeout(20_000) });
        expect(answer.status).toBe(200);
      }
      const [target] = await alice.conversations('?status=open');
      const sent = await alice.postActions([createWorkspaceAction('send', target!.id, { text: `while the standby hangs ${Date.now()}` })]);
      expect(sent.status).toBe(200);
      // About a second for the question the standby never answers; 8 s is a margin for a slow machine.
      expect(Date.now() - started).toBeLessThan(8000);
      // The node's metrics answer too (its replica gauges skip the standby that does not answer): a scrape
      // that waited on it would have Prometheus call the node down.
      const scraped = Date.now();
      expect(metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'replica-down' })).toBeGreaterThan(downBefore);
      expect(Date.now() - scraped).toBeLessThan(8000);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
  }, 60_000);

  it("a write made after the promotion reaches another agent's reads: they go to the primary, and the node says why", async () => {
    const [target] = await alice.conversations('?status=open');
    const metrics = async () => (await fetch(`${cluster.nodes[0]!.url}/metrics`)).text();
    await cluster.postgres.promoteStandby();
    // The node asks at most once a second whether its replica still follows: a second for it to see.
    await expect.poll(async () => metricSum(await metrics(), 'holdfast_replica_following'), { timeout: 10_000 }).toBe(0);
    const text = `after the promotion ${Date.now()}`;
    expect((await alice.postActions([createWorkspaceAction('send', target!.id, { text })])).status).toBe(200);
    expect(await bodies(bob)).toContain(text);
    expect(metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'replica-promoted' })).toBeGreaterThan(0);
    // Rebuilt from the primary, it is a standby again and serves reads once more.
    await cluster.postgres.rebuildStandby();
    await expect.poll(async () => metricSum(await metrics(), 'holdfast_replica_following'), { timeout: 30_000 }).toBe(1);
    await bodies(bob);
    expect(metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'replica', reason: 'no-write' })).toBeGreaterThan(0);
  }, 120_000);
});
