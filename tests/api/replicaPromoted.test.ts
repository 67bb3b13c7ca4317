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
