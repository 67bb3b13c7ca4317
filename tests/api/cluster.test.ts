import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Cluster } from '../../deploy/cluster/Cluster.js';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { startTestCluster, stopTestCluster } from '../support/testCluster.js';
import { SseClient } from '../support/sseClient.js';
import { TestApi } from '../support/testApi.js';

type Result = { id: string; status: string };
type SyncPage = { messages: { body: string }[]; cursor: string; hasMore: boolean };

/**
 * The cluster of `npm run cluster` — HAProxy, three server nodes, a PostgreSQL primary and a standby that
 * applies every commit 100 ms late (lag on purpose) — driven over HTTP as clients drive it.
 */
describe('HAProxy, three nodes, a primary and a lagging standby', () => {
  let cluster: Cluster;
  let alice: TestApi;

  beforeAll(async () => {
    cluster = await startTestCluster({ standbyApplyDelayMs: 100 });
    alice = await TestApi.signIn(cluster.url, 'alice@example.com');
  }, 300_000);
  afterAll(() => stopTestCluster(cluster), 120_000);

  it('the same action posted at once to every node applies exactly once: every loser is told "duplicate", never a 5xx', async () => {
    const nodes = cluster.nodes.map((node) => new TestApi(node.url, alice.token));
    const [target] = await alice.conversations('?status=open');
    const rounds = 200;
    const prefix = `race-${Date.now()}-`;
    const outcomes: string[][] = [];
    for (let round = 0; round < rounds; round++) {
      // Two actions in the batch, so a node may lose the race on one and win nothing, or lose both.
      const batch = [0, 1].map((part) => createWorkspaceAction('send', target!.id, { text: `${prefix}${round}-${part}` }));
      const answers = await Promise.all(nodes.map((node) => node.postActions(batch)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const results = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { results: Result[] }).results));
      for (const part of [0, 1]) outcomes.push(results.map((result) => result[part]!.status).sort());
    }
    expect(outcomes).toEqual(Array(rounds * 2).fill(['applied', 'duplicate', 'duplicate']));
    const { messages } = await alice.conversation(target!.id);
    const bodies = messages.map((message) => message.body).filter((body) => body.startsWith(prefix));
    expect(bodies).toHaveLength(rounds * 2);
    expect(new Set(bodies).size).toBe(rounds * 2);
    // Within the conversation, in the order the rounds were sent.
    expect(bodies).toEqual(Array.from({ length: rounds }, (_, round) => [`${prefix}${round}-0`, `${prefix}${round}-1`]).flat());
  }, 120_000);

  it('read-your-writes: 1,000 write-then-read pairs through HAProxy against the lagging standby give 0 stale reads, and the standby serves a good share of them', async () => {
    const conversations = (await alice.conversations('?status=open')).slice(0, 20);
    const standby = new pg.Client({ connectionString: cluster.readDatabaseUrl });
    await standby.connect();
    const metricsBefore = await Promise.all(cluster.nodes.map(async (node) => (await fetch(`${node.url}/metrics`)).text()));
    const prefix = `ryw-${Date.now()}-`;
    let stale = 0;
    let staleWithoutPosition = 0;
    const pairs = 1000;
    const writers = 20;
    // Each writer a device of its own (a session: the server gives each one heavy request at a time), signed
    // in one after another: concurrent sign-ins of one account from one address are counted as guesses
    // until their passwords are checked (SignInThrottle), as they should be.
    const devices: TestApi[] = [];
    for (let writer = 0; writer < writers; writer++) devices.push(await TestApi.signIn(cluster.url, 'alice@example.com'));
    await Promise.all(
      conversations.slice(0, writers).map(async (conversation, writer) => {
        const alice = devices[writer]!;
        // From the newest change on: each read after a write is then one short page.
        let cursor = '0';
        for (
          let page = await alice.json<SyncPage>('/api/sync?cursor=0&limit=5000');
          ;
          page = await alice.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`)
        ) {
          cursor = page.cursor;
          if (!page.hasMore) break;
        }
        for (let index = writer; index < pairs; index += writers) {
          const text = `${prefix}${index}`;
          const write = await alice.postActions([createWorkspaceAction('send', conversation.id, { text })]);
          expect(write.status).toBe(200);
          const position = write.headers.get('holdfast-write-position');
          expect(position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
          // The control: the same read without the write's position may be served stale by the standby.
          const blind = await alice.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`);
          if (!blind.messages.some((message) => message.body === text)) staleWithoutPosition++;
          const page = await alice.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`, { headers: { 'holdfast-min-position': position! } });
          if (!page.messages.some((message) => message.body === text)) stale++;
          cursor = page.cursor;
        }
      }),
    );
    await standby.end();
    expect(stale).toBe(0);
    // The lag was real: without the position, reads right after a write missed it.
    expect(staleWithoutPosition).toBeGreaterThan(pairs / 2);
    const metricsAfter = await Promise.all(cluster.nodes.map(async (node) => (await fetch(`${node.url}/metrics`)).text()));
    const served = (labels: Record<string, string>) =>
      metricsAfter.reduce(
        (sum, text, index) =>
          sum + metricSum(text, 'holdfast_sync_reads_total', labels) - metricSum(metricsBefore[index]!, 'holdfast_sync_reads_total', labels),
        0,
      );
    // Every position-carrying read was routed by it: the standby once it caught up, the primary when it
    // did not within the wait.
    console.log(
      `read-your-writes: ${served({ served: 'replica', reason: 'caught-up' })} reads served by the standby after it caught up, ${served({ reason: 'behind' })} by the primary; ${staleWithoutPosition} of ${pairs} stale without the position`,
    );
    expect(served({ reason: 'caught-up' }) + served({ reason: 'behind' })).toBe(pairs);
    expect(served({ served: 'replica', reason: 'caught-up' })).toBeGreaterThan(pairs / 5);
  }, 300_000);

  it('a change announced on the event stream is in the pull the announcement prompts, even from the lagging standby: 0 stale of 100, where pulls without the position miss most', async () => {
    const [target] = await alice.conversations('?status=open');
    const bob = await TestApi.signIn(cluster.url, 'bob@example.com');
    // Bob listens on one node; Alice writes through another: the change reaches Bob's node by NOTIFY.
    const stream = await SseClient.open(`${cluster.nodes[0]!.url}/api/events`, { authorization: `Bearer ${bob.token}` });
    const writer = new TestApi(cluster.nodes[1]!.url, alice.token);
    const reader = new TestApi(cluster.nodes[2]!.url, bob.token);
    await stream.until((client) => client.events.some((event) => event.event === 'ready'));
    const ready = stream.events.find((event) => event.event === 'ready')!;
    expect(JSON.parse(ready.data).position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    const prefix = `announced-${Date.now()}-`;
    const rounds = 100;
    let cursor = ready.id!;
    let stale = 0;
    let staleWithoutPosition = 0;
    for (let round = 0; round < rounds; round++) {
      const text = `${prefix}${round}`;
      expect((await writer.postActions([createWorkspaceAction('send', target!.id, { text })])).status).toBe(200);
      const announced = () => stream.events.find((event) => event.event === 'change' && event.data.includes(text));
      await stream.until(() => announced() !== undefined);
      const { position } = JSON.parse(announced()!.data) as { position: string };
      expect(position).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      // What the client did before: pull blind on the announcement.
      const blind = await reader.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`);
      if (!blind.messages.some((message) => message.body === text)) staleWithoutPosition++;
      const page = await reader.json<SyncPage>(`/api/sync?cursor=${cursor}&limit=5000`, { headers: { 'holdfast-min-position': position } });
      if (!page.messages.some((message) => message.body === text)) stale++;
      cursor = page.cursor;
    }
    stream.close();
    console.log(`announced changes: ${stale} of ${rounds} stale with the event's position, ${staleWithoutPosition} without`);
    expect(stale).toBe(0);
    expect(staleWithoutPosition).toBeGreaterThan(rounds / 2);
  }, 180_000);

  it('a browser carries its write position by cookie; a malformed position header is a 400 and reads nothing', async () => {
    const [target] = await alice.conversations('?status=open');
    const write = await alice.postActions([createWorkspaceAction('send', target!.id, { text: `cookie-${Date.now()}` })]);
    const cookie = write.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/holdfast_written=[0-9A-F]+%2F[0-9A-F]+|holdfast_written=[0-9A-F]+\/[0-9A-F]+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const bad = await alice.raw('/api/sync?cursor=0&limit=1', { headers: { 'holdfast-min-position': 'not-a-position' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid-request');
    // A cookie that is not a position (the client cannot mend it): the read is answered, by the primary.
    const unreadable = async () =>
      (
        await Promise.all(
          cluster.nodes.map(async (node) =>
            metricSum(await (await fetch(`${node.url}/metrics`)).text(), 'holdfast_sync_reads_total', { served: 'primary', reason: 'unreadable-position' }),
          ),
        )
      ).reduce((sum, count) => sum + count, 0);
    const before = await unreadable();
    const garbled = await alice.raw('/api/sync?cursor=0&limit=1', { headers: { cookie: 'holdfast_written=garbage' } });
    expect(garbled.status).toBe(200);
    expect(await unreadable()).toBe(before + 1);
  });

  it('replica lag is a metric on every node', async () => {
    for (const node of cluster.nodes) {
      const text = await (await fetch(`${node.url}/metrics`)).text();
      expect(text).toMatch(/^holdfast_replica_lag_bytes \d+/m);
      expect(text).toMatch(/^holdfast_replica_lag_seconds [\d.e+-]+/m);
    }
  });
});
