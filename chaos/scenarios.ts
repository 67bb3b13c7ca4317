import pg from 'pg';
import type { AlertExpectation } from './AlertWatch.js';
import type { ChaosAgent } from './ChaosAgent.js';
import type { ChaosStage } from './ChaosStage.js';
import { leaderFrozen } from './leaderFrozen.js';
import { StreamCrowd } from './StreamCrowd.js';
import { waitFor } from './waitFor.js';

/** How long a scenario's fault lasts. */
type ScenarioForm = { faultMs: number };

/** One invariant a user relies on, whether it held, and the figure behind the verdict. */
export type Check = { name: string; ok: boolean; figure: string };

export type Scenario = {
  name: string;
  /** One line: what it breaks, as `npm run chaos -- --list` prints it. */
  breaks: string;
  /**
   * Set-up before the fault, not part of it (other devices connecting). The agents it answers work through
   * the fault beside the usual two, each on a conversation of their own.
   */
  prepare?(stage: ChaosStage, form: 'short' | 'full'): Promise<ChaosAgent[] | undefined>;
  /** Injects the fault (awaited when it answers a promise). */
  inject(stage: ChaosStage): unknown;
  /** Undoes it (awaited when it answers a promise). */
  heal(stage: ChaosStage): unknown;
  /** Called about once a second while the fault lasts (a network that flaps, a device that arrives). */
  during?(stage: ChaosStage, elapsedMs: number): void | Promise<void>;
  /**
   * Whether the agents' pages can see it: an API fault they notice; a CDN fault they must not (the cascade
   * hides it); 'either' for a blip a page may or may not have asked the server in (the figure is printed).
   */
  noticed: boolean | 'either';
  /**
   * The alerts of deploy/prometheus/alerts.yml this fault must raise: `full`, firing during the full form;
   * `short`, at least pending (their condition seen) in the short form, too short for most `for:` clauses.
   * `Name{label~part}`: the series whose label contains `part` (a CDN's own host).
   */
  alerts: { short: AlertExpectation[]; full: AlertExpectation[] };
  /**
   * Faults the framework must route around, checked before the heal: the agents' work reaches the server
   * (`sent`: every outbox empty within `recoveryMs` of the last click) and every device holds the
   * primary's state (`converged`: within `convergenceMs` of that), the fault still on.
   */
  duringFault?: { sent?: boolean; converged?: boolean };
  /** Invariants of this fault alone, checked after the common ones (when the fault was injected and healed, epoch ms). */
  checks?(stage: ChaosStage, times: { faultAt: number; healedAt: number }): Promise<Check[]>;
  /** After the heal: every outbox empty within `recoveryMs`, every device holding the server's state within `convergenceMs` after that. */
  bounds: { recoveryMs: number; convergenceMs: number };
  short: ScenarioForm;
  full: ScenarioForm;
};

/**
 * The recovery bound for faults of the API: 10 s after the heal every outbox is empty (the issue's goal
 * for the 20-second API). Convergence: 30 s after that, as the end-to-end tests state it (tests/e2e/convergence.ts).
 */
const apiBounds = { recoveryMs: 10_000, convergenceMs: 30_000 };

/**
 * Full: two minutes, long enough for the backoff to reach its longest waits. Short (inside `npm test`):
 * 10 s, still past the first read deadlines and several backoff steps, and past a 20 s request's heal.
 */
const stretch = { short: { faultMs: 10_000 }, full: { faultMs: 120_000 } };

/**
 * In the order `npm run chaos` and `npm test` run them: the CDN faults sit between API faults, so that the
 * edge alert of one (a minute's window) has mostly resolved before the next one needs it; the two faults of
 * the primary CDN are four scenarios apart, since its asset-host alert reads two minutes of devices'
 * reports (cdn-both-down's devices pass over it too: on one core, cdn-dns-broken right after it found
 * fastly.test's alert still active from before, and could not tell its own); and none comes right after
 * a server's restart, when a starved machine sheds the devices' telemetry (it is sheddable) that the CDN
 * alerts read.
 */
export const scenarios: readonly Scenario[] = [
  {
    name: 'api-slow',
    breaks: 'the API answers in 20 s for a stretch (a proxy holds every /api/ request and the probe 20 s)',
    inject: (stage) => {
      // The whole platform is slow: the API, its health probe and its metrics, as the front door serves them.
      stage.proxy.delayed = /^\/(api\/|readyz|metrics)/;
      stage.proxy.apiDelayMs = 20_000;
    },
    heal: (stage) => {
      stage.proxy.apiDelayMs = 0;
    },
    noticed: true,
    alerts: { short: ['HoldfastEdgeFailing'], full: ['HoldfastEdgeFailing'] },
    bounds: apiBounds,
    // A page calls the server slow once a read misses its 5 s deadline and a probe is late too (about 8 s):
    // the short form lasts long enough for that.
    short: { faultMs: 15_000 },
    full: stretch.full,
  },
  {
    name: 'cdn-primary-blackholed',
    breaks: 'the primary CDN accepts connections and never answers; a new device signs in during it',
    inject: (stage) => {
      stage.fastly.mode = 'blackhole';
    },
    during: (stage, elapsedMs) => (elapsedMs < 1000 ? stage.newDevice() : undefined),
    heal: (stage) => {
      stage.fastly.mode = 'healthy';
    },
    noticed: false,
    alerts: { short: ['HoldfastAssetHostDown{host~fastly.test}'], full: ['HoldfastAssetHostDown{host~fastly.test}'] },
    bounds: apiBounds,
    short: { faultMs: 8000 },
    full: { faultMs: 90_000 },
  },
  {
    name: 'cdn-both-down',
    breaks: 'both CDNs refuse connections; the origin serves the assets; a new device signs in during it',
    inject: (stage) => {
      stage.fastly.mode = 'refused';
      stage.azure.mode = 'refused';
    },
    during: (stage, elapsedMs) => (elapsedMs < 1000 ? stage.newDevice() : undefined),
    heal: (stage) => {
      stage.fastly.mode = 'healthy';
      stage.azure.mode = 'healthy';
    },
    noticed: false,
    alerts: { short: ['HoldfastAssetHostDown{host~azure.test}'], full: ['HoldfastAssetHostDown{host~azure.test}'] },
    bounds: apiBounds,
    short: { faultMs: 8000 },
    full: { faultMs: 90_000 },
  },
  {
    name: 'api-502-html',
    breaks: 'the load balancer answers every API request, the readiness probe and the metrics with 502 and an HTML error page',
    inject: (stage) => stage.faults.set('502', stage.proxy.fail(/^\/(api\/|readyz|metrics)/, 502, 'html').stop),
    heal: (stage) => stage.faults.take('502')(),
    noticed: true,
    alerts: { short: ['HoldfastEdgeFailing'], full: ['HoldfastEdgeFailing'] },
    bounds: apiBounds,
    // 15 s: a fifth of a minute's scrapes failed, what the edge alert needs to be pending.
    short: { faultMs: 15_000 },
    full: stretch.full,
  },
  {
    name: 'node-sigkill',
    breaks: 'one of the two API nodes behind HAProxy is SIGKILLed (no clean-up) and started again after the stretch',
    inject: (stage) => stage.cluster.nodes[0]!.process.kill(),
    heal: (stage) => stage.cluster.nodes[0]!.process.start(),
    // HAProxy retries what the dead node dropped on the other one, and its health check takes the node out
    // within 2 s: the agents must not see it.
    noticed: false,
    alerts: { short: ['HoldfastNodeDown'], full: ['HoldfastNodeDown'] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: stretch.full,
  },
  {
    name: 'listen-killed',
    breaks: "every node's LISTEN connection to PostgreSQL is terminated (pg_terminate_backend), twice, 5 s apart",
    inject: (stage) => terminateListeners(stage),
    during: (stage, elapsedMs) => (elapsedMs >= 5000 && elapsedMs < 6000 ? terminateListeners(stage) : undefined),
    heal: () => {},
    // Each node listens again at once and reads what it missed: live updates go on, the agents see nothing.
    noticed: false,
    alerts: { short: [], full: [] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: { faultMs: 30_000 },
  },
  {
    name: 'cdn-dns-broken',
    breaks: "the primary CDN's name stops resolving (NOTFOUND from the resolver of devices that look it up anew); a new device signs in during it",
    inject: (stage) => {
      stage.dnsBroken = true;
    },
    during: (stage, elapsedMs) => (elapsedMs < 1000 ? stage.newDevice() : undefined),
    heal: (stage) => {
      stage.dnsBroken = false;
    },
    noticed: false,
    alerts: { short: ['HoldfastAssetHostDown{host~fastly.test}'], full: ['HoldfastAssetHostDown{host~fastly.test}'] },
    bounds: apiBounds,
    short: { faultMs: 8000 },
    full: { faultMs: 90_000 },
  },
  {
    name: 'db-primary-restart',
    breaks: 'the PostgreSQL primary is stopped (every session ended) and started again on the same data after the stretch',
    inject: (stage) => stage.cluster.postgres.stopPrimary(),
    heal: (stage) => stage.cluster.postgres.startPrimary(),
    // Every node's /readyz fails, HAProxy has no node to send to: the whole API answers 503.
    noticed: true,
    alerts: { short: ['HoldfastDatabaseUnreachable'], full: ['HoldfastDatabaseUnreachable', 'HoldfastEdgeFailing'] },
    bounds: { recoveryMs: 35_000, convergenceMs: 30_000 },
    short: { faultMs: 15_000 },
    full: stretch.full,
  },
  {
    name: 'region-down',
    breaks: 'every API node of the region is SIGKILLed at once (HAProxy has none left) and started again on the same data after the stretch',
    inject: (stage) => Promise.all(stage.cluster.nodes.map((node) => node.process.kill())),
    heal: (stage) => Promise.all(stage.cluster.nodes.map((node) => node.process.start())),
    noticed: true,
    alerts: { short: ['HoldfastNodeDown'], full: ['HoldfastNodeDown', 'HoldfastEdgeFailing'] },
    // An API that was gone is found again by the pages' probes, whose backoff is capped at 30 s
    // (ReachabilityMonitor) so that 10,000 pages do not come back at once (bench:reconnect-storm).
    bounds: { recoveryMs: 35_000, convergenceMs: 30_000 },
    ...stretch,
  },
  {
    name: 'reconnect-storm',
    breaks: 'every API node restarted at once (SIGTERM, started again) while hundreds of other devices hold event streams: all lose theirs at the same moment',
    prepare: async (stage, form) => {
      const size = crowdSize[form];
      stage.crowd = await StreamCrowd.start(stage.url, crowdEmails, size, stage.timeline);
      const crowd = stage.crowd;
      if ((await waitFor(() => crowd.openCount >= size, 60_000)) === undefined)
        throw new Error(`Only ${crowd.openCount} of ${size} streams of the crowd opened within 60 s.`);
      return undefined;
    },
    // The restart runs while the agents work (awaited before the checks).
    inject: (stage) => {
      stage.background.push(
        (async () => {
          await Promise.all(stage.cluster.nodes.map((node) => node.process.stop()));
          stage.timeline.mark('chaos', 'every node stopped');
          await Promise.all(stage.cluster.nodes.map((node) => node.process.start()));
          stage.timeline.mark('chaos', 'every node started again');
        })(),
      );
    },
    heal: () => {},
    checks: async (stage, { faultAt }) => {
      const crowd = stage.crowd!;
      // Every stream back within the reader's longest wait (30 s, its backoff cap), plus HAProxy's health
      // checks taking the nodes back (a few seconds) and a margin, counted from the nodes' own restart.
      const boundMs = 45_000;
      const backAt = stage.timeline.first((event) => event.kind === 'every node started again', faultAt)?.at;
      await waitFor(() => crowd.openCount >= crowd.size, (backAt ?? Date.now()) + boundMs - Date.now());
      const open = crowd.openCount;
      const backMs = backAt === undefined || crowd.allOpenAt === undefined ? undefined : crowd.allOpenAt - backAt;
      // Full jitter spreads the crowd's reconnects over the restarted nodes: without it every stream would
      // come back in the same second. Counted as the nodes see them, streams admitted: attempts answered by
      // HAProxy before it has a node up again cost the nodes nothing (they are the figure's second number).
      const from = backAt ?? faultAt;
      const peak = StreamCrowd.peakPerSecond(crowd.opened, from);
      const peakAttempts = StreamCrowd.peakPerSecond(crowd.attempts, from);
      crowd.stop();
      stage.crowd = undefined;
      return [
        {
          name: `every stream of the crowd open again within ${boundMs / 1000} s of the restart`,
          ok: open === crowd.size,
          figure: `${open} of ${crowd.size} open${open === crowd.size && backMs !== undefined ? ` (all by ${(backMs / 1000).toFixed(1)} s)` : ''}`,
        },
        {
          name: "the crowd's reconnects spread out over the restarted nodes: no second with more than half of its streams coming back",
          ok: peak <= crowd.size / 2,
          figure: `at most ${peak} of ${crowd.size} streams opened in one second after the restart (attempts: at most ${peakAttempts} in one second, ${crowd.attempts.length} in all)`,
        },
      ];
    },
    // A restart of a few seconds: a page may or may not have asked in it.
    noticed: 'either',
    alerts: { short: [], full: [] },
    bounds: { recoveryMs: 35_000, convergenceMs: 30_000 },
    short: { faultMs: 10_000 },
    full: { faultMs: 60_000 },
  },
  {
    name: 'safeguard-stuck',
    breaks:
      "the stream safeguard forced stuck on every node (DRILLS=on, SIGUSR2: every free slot leaked, as a release that never runs leaves them) and the agents' event streams cut: every new stream is refused",
    inject: async (stage) => {
      for (const node of stage.cluster.nodes) process.kill(node.process.pid!, 'SIGUSR2');
      // Each node says so when it has leaked its slots; then the streams open now are cut, and must come back.
      const leaked = () => stage.timeline.events.filter((event) => event.source === 'server' && event.detail?.includes('drill (SIGUSR2)')).length;
      const before = leaked();
      await waitFor(() => leaked() >= before + stage.cluster.nodes.length, 10_000, undefined, 100);
      stage.timeline.mark('chaos', 'event streams cut', String(stage.proxy.cut(/^\/api\/events/)));
    },
    // The safeguard's own watchdog mends it (one audit, 10 s): nothing to heal.
    heal: () => {},
    checks: async (stage, { faultAt }) => {
      // Refused streams wait out the server's Retry-After (10–20 s) after the audit gave the slots back.
      const boundMs = 45_000;
      const agents = stage.agents.filter((agent) => agent.state);
      const reopened = () =>
        agents.map((agent) => {
          const events = stage.timeline.events.filter(
            (event) => event.source === `agent:${agent.email}` && event.kind === 'event stream' && event.at >= faultAt,
          );
          return { agent, lost: events.some((event) => event.detail === 'lost'), last: events.at(-1) };
        });
      await waitFor(() => reopened().every((entry) => entry.last?.detail === 'open'), faultAt + boundMs - Date.now());
      const entries = reopened();
      return [
        {
          name: `every page's live updates lost to the cut and back within ${boundMs / 1000} s of the fault`,
          ok: entries.length > 0 && entries.every((entry) => entry.lost && entry.last?.detail === 'open'),
          figure: entries
            .map(
              (entry) =>
                `${entry.agent.email.split('@')[0]}: ${!entry.lost ? 'never lost' : entry.last?.detail === 'open' ? `back after ${((entry.last.at - faultAt) / 1000).toFixed(1)} s` : 'not back'}`,
            )
            .join('; '),
        },
      ];
    },
    // A stream refused with 503 and Retry-After is a busy server's answer, not a lost one: the pages stay online.
    noticed: false,
    duringFault: { sent: true },
    alerts: { short: ['HoldfastStreamSafeguardRecovered'], full: ['HoldfastStreamSafeguardRecovered'] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: { faultMs: 30_000 },
  },
  {
    name: 'storage-full',
    breaks:
      "one agent's device runs out of storage mid-work (its disk, a small tmpfs, filled by another database of the origin until the browser refuses, and kept full); space is made after the stretch",
    prepare: async (stage) => [await stage.smallDiskAgent(smallDiskEmail)],
    inject: (stage) => smallDiskDevice(stage).fillStorage(),
    // Whatever the page frees to make room (its cached images) is taken again at once, as a download
    // under way would: what it cannot keep must be refused, not just delayed.
    during: async (stage) => {
      await smallDiskDevice(stage).fillStorage();
    },
    heal: (stage) => smallDiskDevice(stage).freeStorage(),
    checks: async (stage, { faultAt }) => {
      const device = smallDiskDevice(stage);
      const refused = device.actions.filter((action) => action.refused && action.at >= faultAt);
      // The device leaves with its scenario (its browser and disk closed at the stage's stop).
      stage.agents.splice(stage.agents.indexOf(device), 1);
      await device.leave();
      return [
        {
          name: 'the full device refused what it could not keep (the fault was real)',
          ok: refused.length > 0,
          figure: `${refused.length} of ${device.actions.filter((action) => action.at >= faultAt).length} clicks refused on screen`,
        },
      ];
    },
    // Nothing about the server: the pages stay online.
    noticed: false,
    alerts: { short: [], full: [] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: { faultMs: 60_000 },
  },
  leaderFrozen,
  {
    name: 'client-clock-jump',
    breaks: "one agent's device clock is set back 3 hours mid-work (replies held for her 4-s undo window as it happens), and forward again at the heal",
    // A device of its own, whose agent keeps her undo window (replies held 4 s) and whose pages' clock can be set.
    prepare: async (stage) => [await stage.agent(clockEmail, { undoWindowMs: 4000, settableClock: true })],
    inject: async (stage) => {
      const offset = await clockDevice(stage).setClock(-clockJumpMs);
      if (Math.abs(offset + clockJumpMs) > 60_000) throw new Error(`The device's clock reads ${offset} ms from the true time, not -${clockJumpMs}.`);
    },
    heal: (stage) => clockDevice(stage).setClock(0),
    checks: async (stage) => {
      const device = clockDevice(stage);
      stage.agents.splice(stage.agents.indexOf(device), 1);
      await device.leave();
      return [];
    },
    // Nothing about the server: the pages stay online. What must hold: her held replies leave once their
    // window is over (not three hours later), and what she does after them too.
    noticed: false,
    duringFault: { sent: true },
    alerts: { short: [], full: [] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: { faultMs: 60_000 },
  },
  {
    name: 'sheddable-slow',
    breaks: 'the database work of presence and telemetry (sheddable) waits on a lock held on their tables for the stretch',
    inject: async (stage) => {
      // A transaction holding the tables, as a long migration or a runaway batch job does.
      const holder = new pg.Client({ connectionString: stage.cluster.databaseUrl, application_name: 'chaos-lock-holder' });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE presence, client_events IN ACCESS EXCLUSIVE MODE');
      stage.faults.set('lock', () => void holder.query('ROLLBACK').finally(() => holder.end()));
    },
    heal: (stage) => stage.faults.take('lock')(),
    // Presence and telemetry give up after their statement timeout; what an agent does never waits on them.
    noticed: false,
    duringFault: { sent: true },
    alerts: { short: [], full: [] },
    bounds: apiBounds,
    short: { faultMs: 10_000 },
    full: stretch.full,
  },
  {
    name: 'standby-promoted',
    breaks: 'the read replica is promoted (pg_ctl promote) while the primary still takes every write; rebuilt from the primary after the stretch',
    inject: (stage) => stage.cluster.postgres.promoteStandby(),
    heal: (stage) => stage.cluster.postgres.rebuildStandby(),
    noticed: false,
    // Reads that would have gone to the replica must show what the primary holds, fault or not.
    duringFault: { sent: true, converged: true },
    alerts: { short: ['HoldfastReplicaPromoted'], full: ['HoldfastReplicaPromoted'] },
    bounds: apiBounds,
    short: { faultMs: 15_000 },
    full: stretch.full,
  },
  {
    name: 'network-flapping',
    breaks: 'the network between agents and API drops every other 1.5 s: connections reset as they arrive, open ones cut',
    inject: (stage) => {
      stage.proxy.cutting = true;
    },
    during: (stage, elapsedMs) => {
      stage.proxy.cutting = Math.floor(elapsedMs / 1500) % 2 === 0;
    },
    heal: (stage) => {
      stage.proxy.cutting = false;
    },
    noticed: true,
    alerts: { short: [], full: ['HoldfastEdgeFailing'] },
    bounds: apiBounds,
    ...stretch,
  },
];

/**
 * The crowd of the reconnect storm: 200 streams inside `npm test` (a floor of 40 agents with a few tabs
 * and phones each), 600 in the full form; on the seeded agents' sessions (the stage raises the per-agent
 * stream cap for it: four agents stand in for a floor).
 */
const crowdSize = { short: 200, full: 600 };
const crowdEmails = ['alice@example.com', 'bob@example.com', 'dana@example.com', 'eli@example.com'];

/** The agent whose device's clock is set back (client-clock-jump), and by how much. */
const clockEmail = 'dana@example.com';
const clockJumpMs = 3 * 3_600_000;

function clockDevice(stage: ChaosStage): ChaosAgent {
  const device = stage.agents.find((agent) => agent.email === clockEmail);
  if (!device) throw new Error(`No device of ${clockEmail} on the stage.`);
  return device;
}

/** The agent whose device has the small disk (storage-full). */
const smallDiskEmail = 'eli@example.com';

function smallDiskDevice(stage: ChaosStage): ChaosAgent {
  const device = stage.agents.find((agent) => agent.email === smallDiskEmail);
  if (!device) throw new Error(`No small-disk device for ${smallDiskEmail} on the stage.`);
  return device;
}

/** Ends every node's LISTEN connection on the primary, as a network cut or an operator would. */
async function terminateListeners(stage: ChaosStage): Promise<void> {
  const { rows } = await stage.db.query<{ ended: boolean }>(
    "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'holdfast-listener'",
  );
  // Two nodes, one listener each: fewer means a node was not listening (a bug this scenario would hide).
  if (rows.length < stage.cluster.nodes.length) throw new Error(`Only ${rows.length} LISTEN connection(s) to end, for ${stage.cluster.nodes.length} nodes.`);
  stage.timeline.mark('chaos', 'LISTEN connections terminated', String(rows.length));
}

export function scenarioNamed(name: string): Scenario | undefined {
  return scenarios.find((scenario) => scenario.name === name);
}
