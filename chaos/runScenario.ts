import { TestApi } from '../tests/support/testApi.js';
import { deviceDigest, divergence, serverDigest } from '../tests/support/stateDigest.js';
import { AlertWatch, matches } from './AlertWatch.js';
import type { ChaosAgent } from './ChaosAgent.js';
import type { ChaosStage } from './ChaosStage.js';
import type { Check, Scenario } from './scenarios.js';
import type { TimelineEvent } from './Timeline.js';
import { sleep, waitFor } from './waitFor.js';

export type ScenarioResult = {
  scenario: string;
  form: 'short' | 'full';
  checks: Check[];
  figures: {
    faultMs: number;
    clicks: number;
    worstClickToScreenMs: number;
    /** From the fault to the first page that said so (undefined: no page noticed). */
    detectMs: number | undefined;
    /** From the heal to every outbox empty. */
    recoverMs: number | undefined;
    /** From every outbox empty to every device holding the server's state. */
    convergeMs: number | undefined;
    repliesLost: number;
    repliesDoubled: number;
    newDeviceReadyMs: number[];
    /** Each alert that became active during the scenario: from the fault to pending and to firing. */
    alerts: { name: string; pendingMs: number; firingMs: number | undefined }[];
  };
  timeline: TimelineEvent[];
};

/** The agents of every scenario, each on a conversation of their own. */
const agentEmails = ['alice@example.com', 'bob@example.com'];
/** The most a click may take to show on screen, fault or not: the agent never waits on the network. */
const clickToScreenGoalMs = 100;
const stepPauseMs = 700;

/** Whether every device's outbox is empty (the scenario's agents and any device that arrived during the fault). */
async function outboxesEmpty(stage: ChaosStage): Promise<boolean> {
  return (await Promise.all(stage.agents.map((agent) => agent.pending()))).every((pending) => pending === 0);
}

/**
 * Whether every device holds the server's state; throws which device differs (printed by waitFor).
 * `fromPrimary`: the server's state as the primary holds it (reads carrying its current WAL position),
 * not as a replica that may have stopped following it would answer.
 */
async function converged(stage: ChaosStage, api: TestApi, fromPrimary: boolean): Promise<boolean> {
  const position = fromPrimary ? (await stage.db.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn : undefined;
  const server = await serverDigest(api, position);
  for (const agent of stage.agents) {
    const device = await deviceDigest(agent.page);
    const behind = divergence(device, server);
    if (behind.length > 0) {
      // How each differs (the first three): a version behind, or the same version with other messages.
      const how = behind
        .slice(0, 3)
        .map(
          (id) =>
            `${id.slice(0, 8)} v${device[id]?.version ?? '-'}/${server[id]?.version ?? '-'}${device[id]?.messages === server[id]?.messages ? '' : ' messages'}`,
        );
      throw new Error(`converging: ${agent.email} differs on ${behind.length} conversation(s): ${how.join(', ')} (device/server)`);
    }
  }
  return true;
}

/**
 * Runs one scenario on a running stage: the agents work, the fault is injected and lasts `faultMs` while
 * they keep working, it heals, and then the invariants are checked and their figures taken — every reply
 * on the server once and in order, every click on screen within 100 ms, every outbox empty and every
 * device holding the server's state within the scenario's bounds. `say` gets a line of progress at a time.
 */
export async function runScenario(
  stage: ChaosStage,
  scenario: Scenario,
  form: 'short' | 'full',
  say: (line: string) => void,
  { clickToScreenBoundMs = clickToScreenGoalMs }: { clickToScreenBoundMs?: number } = {},
): Promise<ScenarioResult> {
  const { faultMs } = scenario[form];
  const timelineFrom = stage.timeline.events.length;
  const api = await TestApi.signIn(stage.apiUrl, agentEmails[0]!);
  const agents: ChaosAgent[] = [];
  for (const email of agentEmails) agents.push(stage.agents.find((agent) => agent.email === email) ?? (await stage.agent(email)));
  // Set-up of the scenario's own (other devices connecting; a device of its own that works beside these).
  agents.push(...((await scenario.prepare?.(stage, form)) ?? []));
  const open = (await api.conversations('?status=open')).slice(0, agents.length);
  if (open.length < agents.length) throw new Error('The seeded tenant has too few open conversations for the agents.');
  await Promise.all(agents.map((agent, index) => agent.openConversation(open[index]!.id)));
  for (const agent of agents) agent.watch();
  const label = `${scenario.name}:${Date.now().toString(36)}`;

  // Work before the fault, so every page is connected and warm (its clicks are not counted: a page's first
  // render of a conversation is not the fault's doing).
  for (const agent of agents) await agent.step(label);
  const firstAction = new Map(agents.map((agent) => [agent, agent.actions.length]));

  // An alert this fault must raise may still be active from the fault before (the edge alert's window is a
  // minute long): it must resolve first, or it could not be told apart from this fault's. Not for ever: an
  // alert with several series (a host each) is told apart by series, and a device that went away leaves
  // its last report (a breaker open) for minutes.
  const expectedAlerts = scenario.alerts[form];
  const stillActive = async () =>
    (await stage.prometheus.alerts())
      .filter((alert) => expectedAlerts.some((expected) => matches(expected, alert.name, alert.labels)))
      .map((alert) => alert.name);
  const before = expectedAlerts.length > 0 ? await stillActive() : [];
  if (before.length > 0) {
    say(`waiting for ${[...new Set(before)].join(', ')} of the fault before to resolve`);
    await waitFor(async () => (await stillActive()).length === 0, form === 'short' ? 45_000 : 90_000, say, 1000);
  }

  const faultAt = stage.timeline.mark('chaos', 'fault injected', scenario.name).at;
  const alertWatch = new AlertWatch(stage.prometheus, stage.timeline, faultAt);
  say(`fault: ${scenario.breaks}`);
  await scenario.inject(stage);
  const working = agents.map(async (agent) => {
    while (Date.now() - faultAt < faultMs) {
      await agent.step(label);
      await sleep(stepPauseMs);
    }
  });
  let reported = 0;
  while (Date.now() - faultAt < faultMs) {
    const elapsed = Date.now() - faultAt;
    await scenario.during?.(stage, elapsed);
    if (elapsed - reported >= 5000) {
      reported = elapsed;
      say(
        `${(elapsed / 1000).toFixed(0)} s into the fault: ${agents.map((agent) => `${agent.email.split('@')[0]} ${agent.state?.reachability ?? '?'}, ${agent.state?.pending ?? '?'} waiting`).join('; ')}`,
      );
    }
    await sleep(1000);
  }
  await Promise.all(working);
  // Faults the framework must route around: the work reaches the server, and every device holds the
  // primary's state, before the heal.
  const lastClickAt = Date.now();
  const sentDuringAt = scenario.duringFault?.sent ? await waitFor(() => outboxesEmpty(stage), scenario.bounds.recoveryMs, say) : undefined;
  const convergedDuringAt =
    scenario.duringFault?.converged && sentDuringAt !== undefined
      ? await waitFor(() => converged(stage, api, true), scenario.bounds.convergenceMs, say)
      : undefined;
  await scenario.heal(stage);
  const healedAt = stage.timeline.mark('chaos', 'healed', scenario.name).at;
  say('healed; waiting for every outbox to empty');
  await Promise.all(stage.background.splice(0));

  const recoveredAt = await waitFor(() => outboxesEmpty(stage), 60_000, say);
  if (recoveredAt) stage.timeline.mark('chaos', 'recovered', 'every outbox empty', recoveredAt);
  const convergedAt = recoveredAt ? await waitFor(() => converged(stage, api, false), 60_000, say) : undefined;
  if (convergedAt) stage.timeline.mark('chaos', 'converged', 'every device holds the server state', convergedAt);
  // Devices report what only they saw (a CDN's failures) through their telemetry, batched for 5 s and sent
  // by the worker's queue: an alert on it may come after the checks above. It gets 30 s more.
  if (expectedAlerts.length > 0)
    await waitFor(async () => expectedAlerts.every((name) => alertWatch.seen(name, form === 'short' ? 'pending' : 'firing')), 30_000, say, 1000);
  const watched = await alertWatch.stop();
  const alertsSeen = watched.map((alert) => ({
    name: `${alert.name}${alert.labels.host ? `{host=${alert.labels.host}}` : ''}`,
    pendingMs: alert.pendingAt - faultAt,
    firingMs: alert.firingAt === undefined ? undefined : alert.firingAt - faultAt,
  }));

  // What the server holds of each agent's replies: each once, in the order they were written.
  let lost = 0;
  let doubled = 0;
  // Replies a device refused on screen (it could not keep them) that reached the server all the same.
  let refusedYetApplied = 0;
  const outOfOrder: string[] = [];
  const actions = agents.flatMap((agent) => agent.actions.slice(firstAction.get(agent)));
  for (const agent of agents) {
    const replies = agent.actions.slice(firstAction.get(agent)).filter((action) => action.kind === 'reply');
    if (replies.length === 0) continue;
    const { messages } = await api.conversation(replies[0]!.conversationId);
    const bodies = messages.map((message) => message.body).filter((body) => body.startsWith(`${label} ${agent.email}`));
    for (const reply of replies) {
      const count = bodies.filter((body) => body === reply.text).length;
      if (reply.refused) {
        if (count > 0) refusedYetApplied++;
        continue;
      }
      if (count === 0) lost++;
      if (count > 1) doubled++;
    }
    const written = replies.filter((reply) => !reply.refused).map((reply) => reply.text ?? '');
    const onServer = [...new Set(bodies)].filter((body) => written.includes(body));
    if (JSON.stringify(onServer) !== JSON.stringify(written.filter((text) => onServer.includes(text)))) outOfOrder.push(agent.email);
  }
  const worstClick = Math.max(0, ...actions.map((action) => action.clickToScreenMs));
  const notShown = actions.filter((action) => action.clickToScreenMs === Number.POSITIVE_INFINITY).length;
  const noticed = stage.timeline.first((event) => event.source.startsWith('agent:') && event.kind === 'connection' && event.detail !== 'online', faultAt);
  const detectMs = noticed && noticed.at <= healedAt ? noticed.at - faultAt : undefined;
  const recoverMs = recoveredAt === undefined ? undefined : recoveredAt - healedAt;
  const convergeMs = convergedAt === undefined || recoveredAt === undefined ? undefined : convergedAt - recoveredAt;
  const ms = (value: number | undefined) => (value === undefined ? 'never' : `${(value / 1000).toFixed(1)} s`);

  const refused = actions.filter((action) => action.refused);
  const checks: Check[] = [
    {
      name: 'no reply lost',
      ok: lost === 0,
      figure: `${lost} lost of ${actions.filter((action) => action.kind === 'reply' && !action.refused).length}`,
    },
    { name: 'no reply applied twice', ok: doubled === 0, figure: `${doubled} doubled` },
    {
      name: 'order per conversation kept',
      ok: outOfOrder.length === 0,
      figure: outOfOrder.length === 0 ? 'in order' : `out of order: ${outOfOrder.join(', ')}`,
    },
    {
      name: `every click on screen within ${clickToScreenBoundMs} ms`,
      ok: worstClick <= clickToScreenBoundMs,
      figure:
        notShown > 0
          ? `${notShown} of ${actions.length} clicks never shown (10 s): ${stage.timeline.events
              .slice(timelineFrom)
              .filter((event) => event.kind === 'click not shown' || event.kind === 'click failed')
              .map((event) => `${event.source} ${event.kind}: ${event.detail}`)
              .join('; ')}`
          : `worst ${worstClick.toFixed(0)} ms of ${actions.length} clicks`,
    },
    ...(refused.length > 0
      ? [
          {
            name: 'what a device could not save was refused on screen, and never reached the server',
            ok: refusedYetApplied === 0,
            figure: `${refused.length} refused on screen (${refused.filter((action) => action.kind === 'reply').length} replies), ${refusedYetApplied} reached the server anyway`,
          },
        ]
      : []),
    ...(scenario.noticed === 'either'
      ? []
      : [
          {
            name: scenario.noticed ? 'the pages noticed the fault' : 'the pages never saw the fault',
            ok: scenario.noticed ? detectMs !== undefined : detectMs === undefined,
            figure: detectMs === undefined ? 'not noticed' : `noticed after ${ms(detectMs)}`,
          },
        ]),
    ...(scenario.duringFault?.sent
      ? [
          {
            name: `every outbox empty within ${ms(scenario.bounds.recoveryMs)} of the last click, the fault still on`,
            ok: sentDuringAt !== undefined,
            figure: sentDuringAt === undefined ? 'not before the heal' : ms(sentDuringAt - lastClickAt),
          },
        ]
      : []),
    ...(scenario.duringFault?.converged
      ? [
          {
            name: `every device holds the primary's state within ${ms(scenario.bounds.convergenceMs)} after that, the fault still on`,
            ok: convergedDuringAt !== undefined,
            figure: convergedDuringAt === undefined || sentDuringAt === undefined ? 'not before the heal' : ms(convergedDuringAt - sentDuringAt),
          },
        ]
      : []),
    {
      name: `every outbox empty within ${ms(scenario.bounds.recoveryMs)} of the heal`,
      ok: recoverMs !== undefined && recoverMs <= scenario.bounds.recoveryMs,
      figure: ms(recoverMs),
    },
    {
      name: `every device holds the server's state within ${ms(scenario.bounds.convergenceMs)} after that`,
      ok: convergeMs !== undefined && convergeMs <= scenario.bounds.convergenceMs,
      figure: ms(convergeMs),
    },
  ];
  // A node the scenario did not kill must not die of the fault (a database gone, a connection cut): what
  // its process said last is the figure.
  const died = stage.cluster.nodes.filter((node) => !node.process.running);
  checks.push({
    name: 'every API node still running',
    ok: died.length === 0,
    figure:
      died.length === 0
        ? `${stage.cluster.nodes.length} of ${stage.cluster.nodes.length}`
        : died.map((node) => `${node.name} exited: ${node.process.output.trim().split('\n').slice(-3).join(' | ').slice(0, 600)}`).join('; '),
  });
  if (scenario.checks) checks.push(...(await scenario.checks(stage, { faultAt, healedAt })));
  if (expectedAlerts.length > 0) {
    const raised = (expected: string) =>
      watched.some((alert) => matches(expected, alert.name, alert.labels) && (form === 'short' || alert.firingAt !== undefined));
    checks.push({
      name: `Prometheus raised ${expectedAlerts.join(', ')} (${form === 'short' ? 'pending at least' : 'firing'})`,
      ok: expectedAlerts.every((name) => raised(name)),
      figure:
        alertsSeen
          .map(
            (alert) =>
              `${alert.name} pending after ${ms(alert.pendingMs)}, ${alert.firingMs === undefined ? 'not firing' : `firing after ${ms(alert.firingMs)}`}`,
          )
          .join('; ') || 'no alert',
    });
  }
  if (stage.newDevices.length > 0)
    checks.push({
      name: 'a new device signed in during the fault and synced',
      ok: stage.newDevices.every((device) => device.readyMs <= faultMs + 60_000),
      figure: stage.newDevices.map((device) => ms(device.readyMs)).join(', '),
    });
  const result: ScenarioResult = {
    scenario: scenario.name,
    form,
    checks,
    figures: {
      faultMs,
      clicks: actions.length,
      worstClickToScreenMs: worstClick,
      detectMs,
      recoverMs,
      convergeMs,
      repliesLost: lost,
      repliesDoubled: doubled,
      newDeviceReadyMs: stage.newDevices.map((device) => device.readyMs),
      alerts: alertsSeen,
    },
    timeline: stage.timeline.events.slice(timelineFrom),
  };
  // A device that came for this scenario leaves with it.
  for (const device of stage.newDevices.splice(0)) {
    const index = stage.agents.findIndex((agent) => agent.email === device.email);
    if (index >= 0) await stage.agents.splice(index, 1)[0]!.leave();
  }
  return result;
}
