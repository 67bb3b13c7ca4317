import type { IncidentEvent, IncidentRecording, IncidentSeries } from './incident.js';

/** What a claim rests on: a line of the timeline, or a metric's value at a moment (and the query behind it). */
export type Evidence =
  | { kind: 'event'; seq: number; event: IncidentEvent }
  | { kind: 'metric'; series: string; query: string; promql: boolean; at: number; value: number };

/** A sentence of a report, with what it rests on. */
export type Claim = { text: string; evidence: Evidence[] };

/**
 * An outage report in the fixed format (description, outage time, support tickets, affected
 * functionality, explanation, investigations, preventive measures), every figure computed from the
 * recording. The ticket count is never known here: it stays null for a person to fill in.
 */
export type OutageReport = {
  title: string;
  description: string;
  /** The window the recording covers (wider than the outage: the calm before it, the recovery after). */
  window: { from: number; to: number };
  outage: { startAt: number; endAt: number; durationMs: number; startedBy: Claim; endedBy: Claim };
  ticketsRaised: null;
  /** From the start to the first alert firing (operators told); undefined: no alert fired. */
  detectMs: number | undefined;
  /** From the start to the first page that said so; undefined: no page noticed. */
  noticedMs: number | undefined;
  /** From the start to the end of the outage. */
  recoverMs: number;
  /** A chaos run's: from the heal to the end (every outbox empty). */
  afterHealMs: number | undefined;
  affected: Claim[];
  explanation: string[];
  investigations: Claim[];
  preventive: string[];
  /** The timeline, in order (evidence refers to it by `seq`). */
  timeline: IncidentEvent[];
  series: IncidentSeries[];
};

/** The series a report reads, by name: the same names the recorders store (collectSeries, the chaos runner). */
export const seriesNames = {
  requests: 'Requests per second',
  errors: 'Server errors (share of answers)',
  edge: 'Front door answering (share of scrapes)',
  p99: 'p99 answer time (s)',
  streams: 'Event streams open',
  breakers: 'Devices reporting an asset host down',
  outbox: 'Actions waiting in outboxes',
} as const;

/** Past these, a series shows the incident: errors above 5%, the front door below 100%, p99 above 2.5 s (alerts.yml's thresholds). */
const impaired: Partial<Record<string, (value: number) => boolean>> = {
  [seriesNames.errors]: (value) => value > 0.05,
  [seriesNames.edge]: (value) => value < 1,
  [seriesNames.p99]: (value) => value > 2.5,
  [seriesNames.breakers]: (value) => value > 0,
  [seriesNames.outbox]: (value) => value > 0,
};

/** An action sent within this long of the click was not held up: it is how long a send takes. */
const slowSendMs = 5000;

/** The server log lines one claim links to, at most (a crash loop may log thousands). */
const maxLogEvidence = 10;

const isPage = (event: IncidentEvent) => event.source.startsWith('agent:') || event.source.startsWith('device:');
const noticed = (event: IncidentEvent) => isPage(event) && event.kind === 'connection' && event.detail !== 'online';
const outboxWaiting = (event: IncidentEvent) => isPage(event) && event.kind === 'outbox waiting';
const alertEvent = (kind: string) => (event: IncidentEvent) => event.source === 'prometheus' && event.kind === kind;
const chaosMark = (kind: string) => (event: IncidentEvent) => event.source === 'chaos' && event.kind === kind;

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${seconds} s`;
}

export function formatTime(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/**
 * Drafts the outage report of a recording. The outage begins at the fault a chaos run marked, or, for a
 * real incident's window, at the first sign of it in the data (a page that lost the server, an action
 * waiting, an alert pending, a metric past its threshold); it ends when the chaos run saw every outbox
 * empty, or at the last sign of it. Every claim names the timeline lines or metric values it rests on.
 */
export function draftReport(recording: IncidentRecording): OutageReport {
  const timeline = [...recording.events].sort((a, b) => a.at - b.at);
  const ref = (event: IncidentEvent): Evidence => ({ kind: 'event', seq: timeline.indexOf(event), event });
  const first = (where: (event: IncidentEvent) => boolean, after = Number.NEGATIVE_INFINITY) => timeline.find((event) => event.at >= after && where(event));
  const series = new Map(recording.series.map((entry) => [entry.name, entry]));
  const metric = (name: string, [at, value]: [number, number]): Evidence => {
    const { query, origin } = series.get(name)!;
    return { kind: 'metric', series: name, query, promql: origin === 'prometheus', at, value };
  };

  // The first and last point of each series past its threshold, inside the window.
  const impairedPoints = recording.series.flatMap((entry) => {
    const past = impaired[entry.name];
    const points = past ? entry.points.filter(([at, value]) => at >= recording.startedAt && at <= recording.endedAt && past(value)) : [];
    return points.length > 0 ? [{ name: entry.name, first: points[0]!, last: points[points.length - 1]! }] : [];
  });

  const fault = first(chaosMark('fault injected'));
  const healed = first(chaosMark('healed'));
  const recovered = first(chaosMark('recovered'));
  const signs = timeline.filter((event) => noticed(event) || outboxWaiting(event) || alertEvent('alert pending')(event));
  let startedBy: Claim;
  let startAt: number;
  if (fault) {
    startAt = fault.at;
    startedBy = { text: `The fault was injected (${fault.detail ?? 'chaos run'}).`, evidence: [ref(fault)] };
  } else {
    const firstSign = signs[0];
    const firstMetric = [...impairedPoints].sort((a, b) => a.first[0] - b.first[0])[0];
    if (!firstSign && !firstMetric) startAt = recording.startedAt;
    else if (firstSign && (!firstMetric || firstSign.at <= firstMetric.first[0])) startAt = firstSign.at;
    else startAt = firstMetric!.first[0];
    startedBy =
      firstSign && firstSign.at === startAt
        ? { text: 'The first sign of it in the data.', evidence: [ref(firstSign)] }
        : firstMetric
          ? { text: `${firstMetric.name} past its threshold.`, evidence: [metric(firstMetric.name, firstMetric.first)] }
          : { text: 'Nothing in the data shows it: the window as given.', evidence: [] };
  }

  let endAt: number;
  let endedBy: Claim;
  if (recovered) {
    endAt = recovered.at;
    endedBy = { text: 'Every outbox was empty again.', evidence: [ref(recovered)] };
  } else {
    const ends = timeline.filter(
      (event) =>
        event.at >= startAt &&
        ((isPage(event) && ((event.kind === 'connection' && event.detail === 'online') || event.kind === 'outbox drained')) ||
          alertEvent('alert resolved')(event)),
    );
    const lastEnd = ends[ends.length - 1];
    const lastMetric = [...impairedPoints].sort((a, b) => b.last[0] - a.last[0])[0];
    if (lastEnd && (!lastMetric || lastEnd.at >= lastMetric.last[0])) {
      endAt = lastEnd.at;
      endedBy = { text: 'The last sign of recovery in the data.', evidence: [ref(lastEnd)] };
    } else if (lastMetric) {
      endAt = lastMetric.last[0];
      endedBy = { text: `${lastMetric.name} last past its threshold.`, evidence: [metric(lastMetric.name, lastMetric.last)] };
    } else {
      endAt = recording.endedAt;
      endedBy = { text: 'The end of the window as given.', evidence: [] };
    }
  }
  endAt = Math.max(endAt, startAt);

  const firstNoticed = first(noticed, startAt);
  const firstFiring = first(alertEvent('alert firing'), startAt);
  const fired = [...new Set(timeline.filter(alertEvent('alert firing')).map((event) => event.detail ?? '?'))];
  const pendingOnly = [...new Set(timeline.filter(alertEvent('alert pending')).map((event) => event.detail ?? '?'))].filter((name) => !fired.includes(name));

  // Affected functionality, each from its evidence.
  const affected: Claim[] = [];
  // An action is in an outbox for a moment every time an agent acts: only a wait longer than that counts.
  const waits = timeline
    .filter((event) => outboxWaiting(event) && event.at >= startAt && event.at <= endAt)
    .map((event) => {
      const drained = timeline.find((later) => later.at >= event.at && later.source === event.source && later.kind === 'outbox drained');
      return { event, ms: (drained?.at ?? endAt) - event.at };
    });
  const longest = waits.reduce<(typeof waits)[number] | undefined>((max, wait) => (!max || wait.ms > max.ms ? wait : max), undefined);
  const depth = series.get(seriesNames.outbox);
  const deepest = depth?.points
    .filter(([at]) => at >= startAt && at <= endAt)
    .reduce<[number, number] | undefined>((max, point) => (!max || point[1] > max[1] ? point : max), undefined);
  if (longest && longest.ms > slowSendMs)
    affected.push({
      text: `Sending actions: they waited in outboxes (up to ${formatDuration(longest.ms)}${deepest ? `, ${deepest[1]} at once` : ''}) and were sent once the server answered.`,
      evidence: [ref(longest.event), ...(deepest && deepest[1] > 0 ? [metric(seriesNames.outbox, deepest)] : [])],
    });
  if (firstNoticed)
    affected.push({
      text: `Reading current data: pages said the server was ${firstNoticed.detail} and showed what they held until it answered again.`,
      evidence: [ref(firstNoticed)],
    });
  const streams = series.get(seriesNames.streams);
  if (streams && streams.points.length > 0) {
    const before = streams.points.filter(([at]) => at < startAt).at(-1)?.[1];
    const lowest = streams.points
      .filter(([at]) => at >= startAt && at <= endAt)
      .reduce<[number, number] | undefined>((min, point) => (!min || point[1] < min[1] ? point : min), undefined);
    if (before !== undefined && lowest && lowest[1] < before)
      affected.push({
        text: `Live updates: event streams fell from ${before} to ${lowest[1]}; pages caught up when they reconnected.`,
        evidence: [metric(seriesNames.streams, lowest)],
      });
  }
  const assetAlert = timeline.find((event) => event.source === 'prometheus' && event.detail === 'HoldfastAssetHostDown');
  const breakers = impairedPoints.find((point) => point.name === seriesNames.breakers);
  if (assetAlert || breakers)
    affected.push({
      text: 'Loading the app: devices fetched assets from the next host of the cascade, more slowly.',
      evidence: [...(assetAlert ? [ref(assetAlert)] : []), ...(breakers ? [metric(seriesNames.breakers, breakers.first)] : [])],
    });
  if (affected.length === 0)
    affected.push({ text: 'Nothing agents use: no page lost the server, no action waited, no asset host was reported down.', evidence: [] });

  const since = (at: number) => `${formatDuration(at - startAt)} in`;
  const explanation: string[] = [];
  if (recording.findings.fault) explanation.push(`Injected on purpose by a chaos run: ${recording.findings.fault}.`);
  else explanation.push('Drafted from the data alone: a person confirms the cause and writes it here.');
  if (firstNoticed)
    explanation.push(`Pages first noticed it ${since(firstNoticed.at)} (${firstNoticed.source.replace(/^(agent|device):/, '')}: ${firstNoticed.detail}).`);
  else explanation.push('No page noticed it: what agents use kept working.');
  if (firstFiring) explanation.push(`The first alert, ${firstFiring.detail}, fired ${since(firstFiring.at)}.`);
  else explanation.push(pendingOnly.length > 0 ? `No alert fired; ${pendingOnly.join(', ')} went pending only.` : 'No alert fired.');
  if (healed) explanation.push(`The fault was healed ${since(healed.at)}.`);
  explanation.push(`The outage ended ${since(endAt)}: ${endedBy.text.toLowerCase().replace(/\.$/, '')}.`);

  const investigations: Claim[] = [];
  if (firstNoticed) investigations.push({ text: `Pages noticed ${since(firstNoticed.at)}.`, evidence: [ref(firstNoticed)] });
  for (const name of [...fired, ...pendingOnly]) {
    const pending = first((event) => alertEvent('alert pending')(event) && event.detail === name);
    const firing = first((event) => alertEvent('alert firing')(event) && event.detail === name);
    investigations.push({
      text: `${name} went pending ${pending ? since(pending.at) : '(before the window)'}${firing ? ` and fired ${since(firing.at)}` : ', and never fired'}.`,
      evidence: [pending, firing].filter((event): event is IncidentEvent => event !== undefined).map(ref),
    });
  }
  for (const entry of recording.series) {
    const inside = entry.points.filter(([at]) => at >= startAt && at <= endAt);
    if (inside.length === 0) continue;
    const low = entry.name === seriesNames.edge || entry.name === seriesNames.requests || entry.name === seriesNames.streams;
    const extreme = inside.reduce((best, point) => ((low ? point[1] < best[1] : point[1] > best[1]) ? point : best));
    // Only what shows the incident: a series past its threshold, or traffic and streams that fell by half.
    const before = entry.points.filter(([at]) => at < startAt).at(-1)?.[1];
    const past = impaired[entry.name];
    const shows = past ? past(extreme[1]) && entry.name !== seriesNames.outbox : before !== undefined && extreme[1] < before / 2;
    if (!shows && !(entry.name === seriesNames.outbox && longest && longest.ms > slowSendMs)) continue;
    investigations.push({
      text: `${entry.name}: ${low ? 'lowest' : 'highest'} ${formatValue(entry.name, extreme[1])}, ${since(extreme[0])}.`,
      evidence: [metric(entry.name, extreme)],
    });
  }
  // What the servers said while it lasted (warnings and errors, starts and stops): each line is evidence.
  const logged = timeline.filter((event) => event.source === 'server' && event.kind === 'log' && event.at >= startAt && event.at <= endAt);
  if (logged.length > 0)
    investigations.push({
      text: `The servers logged ${logged.length} line(s) during it, the first ${since(logged[0]!.at)}: "${logged[0]!.detail ?? ''}"${
        logged.length > maxLogEvidence ? ` (the first ${maxLogEvidence} are linked)` : ''
      }.`,
      evidence: logged.slice(0, maxLogEvidence).map(ref),
    });
  const failedChecks = (recording.findings.checks ?? []).filter((check) => !check.ok);
  for (const check of failedChecks) investigations.push({ text: `A promise was broken: ${check.name} (${check.figure}).`, evidence: [] });

  const preventive: string[] = [];
  for (const check of failedChecks) preventive.push(`Bring "${check.name}" back within its bound: measured ${check.figure}.`);
  for (const expected of recording.findings.expectedAlerts ?? []) {
    // `Name{label~part}` (chaos/scenarios.ts): the timeline names alerts, not their series.
    const name = expected.replace(/\{.*\}$/, '');
    if (!fired.includes(name))
      preventive.push(
        pendingOnly.includes(name)
          ? `${name} went pending but never fired: shorten its \`for:\` or add a faster rule for this (deploy/prometheus/alerts.yml).`
          : `${name} never went pending: its rule does not see this fault; add one that does (deploy/prometheus/alerts.yml).`,
      );
  }
  const goal = recording.findings.alertGoalMs;
  if (firstFiring && goal !== undefined && firstFiring.at - startAt > goal)
    preventive.push(
      `The first alert fired after ${formatDuration(firstFiring.at - startAt)}, later than the goal of ${formatDuration(goal)}: tighten ${firstFiring.detail}.`,
    );
  if (!firstFiring && (firstNoticed || (longest && longest.ms > slowSendMs)))
    preventive.push(
      'No alert fired while agents were affected: add an alert that would have caught it (deploy/prometheus/alerts.yml), at the least on the first metric above that moved.',
    );
  if (preventive.length === 0)
    preventive.push(
      firstFiring
        ? `Nothing fell short: ${firstFiring.detail} caught it ${since(firstFiring.at)}. Keep the scenario and the alert as they are.`
        : 'Nothing fell short and agents were not affected. Keep watching: the least measure is an alert on the first sign above.',
    );

  const description = `${recording.title}: ${affected[0]!.text.split(':')[0]!.toLowerCase()} affected for ${formatDuration(endAt - startAt)}${firstFiring ? `, detected by ${firstFiring.detail} after ${formatDuration(firstFiring.at - startAt)}` : ', no alert fired'}.`;

  return {
    title: recording.title,
    description,
    window: { from: recording.startedAt, to: recording.endedAt },
    outage: { startAt, endAt, durationMs: endAt - startAt, startedBy, endedBy },
    ticketsRaised: null,
    detectMs: firstFiring ? firstFiring.at - startAt : undefined,
    noticedMs: firstNoticed ? firstNoticed.at - startAt : undefined,
    recoverMs: endAt - startAt,
    afterHealMs: healed ? endAt - healed.at : undefined,
    affected,
    explanation,
    investigations,
    preventive,
    timeline,
    series: recording.series,
  };
}

export function formatValue(name: string, value: number): string {
  if (name === seriesNames.errors || name === seriesNames.edge) return `${(value * 100).toFixed(value === 0 || value === 1 ? 0 : 1)}%`;
  if (name === seriesNames.p99) return `${value.toFixed(2)} s`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
