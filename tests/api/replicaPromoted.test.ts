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
    // 250 ms of waiting, then the primary; 20 s is a margin for a slow machine, not the bound.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(metricSum(await metrics(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'behind' })).toBe(behindBefore + 1);
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
