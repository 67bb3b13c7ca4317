import type { Page } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import type { Cluster } from '../../deploy/cluster/Cluster.js';
import { createWorkspaceAction } from '../../app/shared/index.js';
import { metricSum } from '../support/metricSum.js';
import { startTestCluster, stopTestCluster } from '../support/testCluster.js';
import { TestApi } from '../support/testApi.js';
import { expectConverged } from './convergence.js';
import { expect, expectAllSent, test } from './fixtures.js';
import { openConversations, readyPage, serverBodies } from './outboxSupport.js';

/**
 * `npm run cluster` under an agent floor: HAProxy, three server nodes, a PostgreSQL primary and a
 * streaming standby — real processes all — with four agents in four browser contexts.
 */
let cluster: Cluster;
test.beforeAll(async () => {
  test.setTimeout(600_000);
  // A standby that applies every commit 100 ms late: what an agent hears of must reach the screen all the same.
  cluster = await startTestCluster({ standbyApplyDelayMs: 100 });
});
test.afterAll(async () => {
  test.setTimeout(120_000);
  await stopTestCluster(cluster);
});

const agents = ['alice', 'bob', 'dana', 'eli'] as const;
const perAgent = 250;
const conversationsPerAgent = 5;

/** Queues replies `from`…`to - 1` of this agent, round robin over its conversations, from inside the page. */
function queueRange(page: Page, ids: readonly string[], from: number, to: number, prefix: string): Promise<string[]> {
  return page.evaluate(
    async ([ids, from, to, prefix]) => {
      const queued: Promise<string>[] = [];
      for (let index = from; index < to; index++)
        queued.push(window.holdfast!.act('send', ids[index % ids.length]!, { text: `${prefix}${String(index).padStart(4, '0')}` }));
      return Promise.all(queued);
    },
    [ids, from, to, prefix] as const,
  );
}

test('1,000 actions from four agents while one node is SIGKILLed and another restarted: exactly 1,000 effects, each conversation in order, and changes written on any node reach every agent live', async ({
  browser,
}) => {
  test.setTimeout(600_000);
  const api = await TestApi.signIn(cluster.url, 'alice@example.com');
  const open = await openConversations(api, agents.length * conversationsPerAgent + 1);
  const shared = open.at(-1)!;
  const contexts = await Promise.all(agents.map(() => browser.newContext({ baseURL: cluster.url })));
  const pages: Page[] = [];
  for (const [index, agent] of agents.entries()) pages.push(await readyPage(contexts[index]!, `${agent}@example.com`));
  const ids = agents.map((_, index) => open.slice(index * conversationsPerAgent, (index + 1) * conversationsPerAgent).map((conversation) => conversation.id));
  const prefix = `cluster-${Date.now()}-`;

  // Live across nodes: a reply written on each node, straight to that node, reaches every agent's open
  // conversation through its event stream, wherever HAProxy placed that stream.
  for (const page of pages) await page.goto(`/conversations/${shared.id}`);
  for (const node of cluster.nodes) {
    const direct = new TestApi(node.url, api.token);
    expect((await direct.postActions([createWorkspaceAction('send', shared.id, { text: `${prefix}written on ${node.name}` })])).status).toBe(200);
  }
  for (const page of pages) {
    for (const node of cluster.nodes)
      await expect(page.getByRole('list', { name: 'Messages' })).toContainText(`${prefix}written on ${node.name}`, { timeout: 30_000 });
  }
  // One stream per agent (its leader tab), wherever HAProxy placed it.
  const openStreams = async () =>
    (await Promise.all(cluster.nodes.map(async (node) => metricSum(await (await fetch(`${node.url}/metrics`)).text(), 'holdfast_event_streams_open')))).reduce(
      (sum, count) => sum + count,
      0,
    );
  await expect.poll(openStreams, { timeout: 30_000 }).toBe(agents.length);

  // The first half, then the failures while it replays, then the second half.
  await Promise.all(pages.map((page, index) => queueRange(page, ids[index]!, 0, perAgent / 2, `${prefix}${agents[index]}-`)));
  await expect
    .poll(async () => (await Promise.all(ids.flat().map((id) => serverBodies(api, id, prefix)))).flat().length, { timeout: 60_000, intervals: [100] })
    .toBeGreaterThan(50);
  const [killed, restarted] = cluster.nodes;
  await killed!.process.kill();
  await restarted!.process.stop();
  await Promise.all(pages.map((page, index) => queueRange(page, ids[index]!, perAgent / 2, perAgent, `${prefix}${agents[index]}-`)));
  await restarted!.process.start();
  for (const page of pages) await expectAllSent(page, 240_000);

  // Exactly 1,000 effects: every reply once, in the order its agent sent it, in every conversation.
  let total = 0;
  for (const [agentIndex, agent] of agents.entries()) {
    for (const [which, id] of ids[agentIndex]!.entries()) {
      const expected = Array.from({ length: perAgent }, (_, index) => index)
        .filter((index) => index % conversationsPerAgent === which)
        .map((index) => `${prefix}${agent}-${String(index).padStart(4, '0')}`);
      const bodies = await serverBodies(api, id, `${prefix}${agent}-`);
      expect(bodies).toEqual(expected);
      total += bodies.length;
    }
  }
  expect(total).toBe(agents.length * perAgent);

  // After the failures, still live: a reply on the surviving node reaches every agent.
  await killed!.process.start();
  const survivor = new TestApi(cluster.nodes[2]!.url, api.token);
  await survivor.postActions([createWorkspaceAction('send', shared.id, { text: `${prefix}after the failures` })]);
  for (const page of pages) await expect(page.getByRole('list', { name: 'Messages' })).toContainText(`${prefix}after the failures`, { timeout: 60_000 });
  // Every agent's device holds what the database holds, after a node's death and another's restart.
  for (const page of pages) await expectConverged(page, survivor);
  await Promise.all(contexts.map((context) => context.close()));
});
