import type { Page } from 'playwright-core';
import { TestApi } from '../tests/support/testApi.js';
import type { ChaosAgent } from './ChaosAgent.js';
import type { ChaosStage } from './ChaosStage.js';
import { allocateMarker, releaseMarker, rendererProcessOf } from './rendererProcess.js';
import { waitFor } from './waitFor.js';
import type { Check, Scenario } from './scenarios.js';

/** The agent with a second tab (the one that leads, and is stopped). */
const agentEmail = 'alice@example.com';

/** The tab the fault stops, and its renderer process, while the scenario runs. */
let frozen: { tab: Page; pid: number } | undefined;
let leaderTab: Page | undefined;

function agentOf(stage: ChaosStage): ChaosAgent {
  const agent = stage.agents.find((candidate) => candidate.email === agentEmail);
  if (!agent) throw new Error(`No device of ${agentEmail} on the stage.`);
  return agent;
}

const leads = (page: Page) => page.evaluate(() => window.holdfast?.stream().leading === true);

/**
 * A leader tab that stops dead. Chromium freezes background tabs (Page Lifecycle), and a tab hangs or is
 * stopped by the system; either way its scripts stop while it keeps its Web Locks, with no `freeze` event
 * to let go of them first. Playwright's headless Chromium does nothing on DevTools' freeze command
 * (microsoft/playwright#35207), so the tab's renderer process is stopped outright (SIGSTOP): nothing of it
 * runs, as in a freeze, and the browser keeps its locks.
 *
 * The staging: the agent's device opens a second tab, which queues for the replay and stream locks; the
 * agent's working tab then follows a link (runScenario opens her conversation), letting go of both, so
 * the second tab leads. That tab, in a renderer process of its own (checked: neither the working tab's
 * nor the worker's), is stopped; the working tab goes on. SIGCONT at the heal.
 */
export const leaderFrozen: Scenario = {
  name: 'leader-frozen',
  breaks:
    "the tab leading an agent's replay and event stream stops dead (its renderer SIGSTOPped: frozen or hung, its Web Locks kept) while another tab of hers works",
  prepare: async (stage) => {
    leaderTab = await agentOf(stage).openTab('/');
    return undefined;
  },
  inject: async (stage) => {
    const agent = agentOf(stage);
    const tab = leaderTab!;
    // The working tab has just let go of the locks (runScenario followed a link in it): the second tab leads.
    if ((await waitFor(async () => (await leads(tab)) && !(await leads(agent.page)), 20_000)) === undefined)
      throw new Error('The second tab did not take the lead from the working tab within 20 s.');
    const pid = await rendererProcessOf(
      (mb) => tab.evaluate(allocateMarker, mb),
      () => tab.evaluate(releaseMarker),
    );
    const working = await rendererProcessOf(
      (mb) => agent.page.evaluate(allocateMarker, mb),
      () => agent.page.evaluate(releaseMarker),
    );
    const worker = agent.context.serviceWorkers()[0];
    const workerPid = worker
      ? await rendererProcessOf(
          (mb) => worker.evaluate(allocateMarker, mb),
          () => worker.evaluate(releaseMarker),
        )
      : undefined;
    if (pid === working || pid === workerPid)
      throw new Error(
        `The leader tab shares its process (${pid}) with the ${pid === working ? 'working tab' : 'service worker'}: stopping it would stop more than one tab.`,
      );
    process.kill(pid, 'SIGSTOP');
    frozen = { tab, pid };
    stage.faults.set('sigstop', () => process.kill(pid, 'SIGCONT'));
    stage.timeline.mark('chaos', 'leader tab stopped', `renderer ${pid} (working tab ${working}, worker ${workerPid ?? 'not running'})`);
  },
  heal: (stage) => {
    stage.faults.take('sigstop')();
    stage.timeline.mark('chaos', 'leader tab running again', String(frozen?.pid));
  },
  checks: async (stage, { faultAt, healedAt }) => {
    const agent = agentOf(stage);
    const tab = frozen!.tab;
    frozen = undefined;
    leaderTab = undefined;
    // The working tab's longest wait with work queued in the fault: its takeover of the replay.
    let waitedFrom: number | undefined;
    let longestWaitMs = 0;
    for (const [at, pending] of agent.depth.filter(([at]) => at >= faultAt && at <= healedAt)) {
      if (pending > 0) waitedFrom ??= at;
      else if (waitedFrom !== undefined) {
        longestWaitMs = Math.max(longestWaitMs, at - waitedFrom);
        waitedFrom = undefined;
      }
    }
    if (waitedFrom !== undefined) longestWaitMs = Math.max(longestWaitMs, healedAt - waitedFrom);
    // Once running, the stopped tab follows the tab that took over, and what it is given to send reaches
    // the server once: being taken over left it working, not stuck or leading beside the new leader.
    const api = await TestApi.signIn(stage.apiUrl, agentEmail);
    const boundMs = 30_000;
    const text = `written in the tab that was stopped, ${Date.now().toString(36)}`;
    let since = 'not tried';
    // Asked once: a second try after an error could queue it twice.
    let asked = false;
    const settledAt = await waitFor(
      async () => {
        if (!asked) {
          asked = true;
          await tab.evaluate(([id, body]) => window.holdfast!.act('send', id, { text: body }), [agent.conversationId, text] as const);
        }
        const copies = (await api.conversation(agent.conversationId)).messages.filter((message) => message.body === text).length;
        const [tabLeads, workingLeads] = [await leads(tab), await leads(agent.page)];
        since = copies !== 1 ? `${copies} copies of its reply on the server` : tabLeads || !workingLeads ? 'it still leads' : '';
        return since === '';
      },
      boundMs,
      (line) => (since = line.split('\n')[0]!),
      500,
    );
    await tab.close().catch(() => undefined);
    // The takeover's 10 s of silence, its 2-s checks and a replay, with a margin; under the short form's
    // 20 s of fault, so that a working tab that never took over fails it.
    const takeoverBoundMs = 14_000;
    const checks: Check[] = [
      {
        name: `the working tab took the lead over: its work never waited more than ${takeoverBoundMs / 1000} s`,
        ok: longestWaitMs <= takeoverBoundMs,
        figure: `longest wait with work queued ${(longestWaitMs / 1000).toFixed(1)} s`,
      },
      {
        name: `the stopped tab, running again, follows the new leader, and its reply reaches the server once within ${boundMs / 1000} s`,
        ok: settledAt !== undefined,
        figure: settledAt === undefined ? since : `after ${((settledAt - healedAt) / 1000).toFixed(1)} s`,
      },
    ];
    return checks;
  },
  // The working tab stays online and sends through it; the stopped one shows nothing while stopped.
  noticed: false,
  // Both must hold before the heal: the working tab's work sent, and live changes (the other agent's) on it.
  duringFault: { sent: true, converged: true },
  alerts: { short: [], full: [] },
  bounds: { recoveryMs: 10_000, convergenceMs: 30_000 },
  // Past the takeover (10 s of silence) and a few replays after it.
  short: { faultMs: 20_000 },
  full: { faultMs: 60_000 },
};
