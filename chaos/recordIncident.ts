import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  collectSeries,
  draftReport,
  type IncidentRecording,
  IncidentStore,
  type OutageReport,
  reportSections,
  seriesNames,
  ticketsPlaceholder,
  writeDraft,
} from 'holdfast/server';
import type { ChaosStage } from './ChaosStage.js';
import type { ScenarioResult } from './runScenario.js';
import type { Scenario } from './scenarios.js';

/** The time before the fault a report shows: the calm it broke. */
const leadMs = 15_000;

/**
 * Stores a scenario's incident in PostgreSQL (its timeline: the runner's marks, what each page saw, the
 * alerts; its metrics from the stage's Prometheus; the outbox depth the agents' pages reported; the checks
 * and the alerts it expected), drafts its outage report from what was stored, and writes the draft to
 * `outDir` as Markdown and HTML. The same path a real incident takes (`npm run incident -- draft`).
 */
export async function recordIncident(
  stage: ChaosStage,
  scenario: Scenario,
  result: ScenarioResult,
  outDir: string,
): Promise<{ id: string; report: OutageReport; markdown: string; files: string[] }> {
  const fault = result.timeline.find((event) => event.source === 'chaos' && event.kind === 'fault injected');
  const from = (fault?.at ?? result.timeline[0]?.at ?? Date.now()) - leadMs;
  const to = Math.max(from, ...result.timeline.map((event) => event.at)) + 2000;
  const series = await collectSeries(stage.prometheus.url, from, to, 1, '5s');
  series.push({ name: seriesNames.outbox, query: "the agents' pages: actions waiting, summed", origin: 'devices', points: summedDepth(stage, from, to) });
  const store = new IncidentStore(stage.db);
  const recording: IncidentRecording = {
    title: `Chaos: ${scenario.name} (${result.form} form)`,
    source: 'chaos',
    startedAt: from,
    endedAt: to,
    findings: {
      fault: scenario.breaks,
      checks: result.checks,
      // In the full form the alerts must fire within the fault (their rules' `for:` included); the short
      // form is shorter than most `for:` clauses, so no alert is expected to fire there.
      ...(result.form === 'full' ? { expectedAlerts: scenario.alerts.full, alertGoalMs: scenario.full.faultMs } : {}),
    },
    events: result.timeline,
    series,
  };
  const id = await store.record(recording);
  const files = await writeDraft(store, id, outDir, stage.prometheus.url);
  // The recording itself, to draw the report again or to keep as a test's fixture.
  files.push(join(outDir, `incident-${id}.json`));
  writeFileSync(files[2]!, `${JSON.stringify(recording)}\n`);
  const stored = await store.load(id);
  return { id, report: draftReport(stored!), markdown: stored!.reportMarkdown ?? '', files };
}

/** The agents' outbox depths summed at every moment one of them was read, within [from, to]. */
function summedDepth(stage: ChaosStage, from: number, to: number): [number, number][] {
  const samples = stage.agents
    .flatMap((agent, index) => agent.depth.filter(([at]) => at >= from && at <= to).map(([at, depth]) => ({ at, index, depth })))
    .sort((a, b) => a.at - b.at);
  const latest = new Map<number, number>();
  return samples.map(({ at, index, depth }) => {
    latest.set(index, depth);
    return [at, [...latest.values()].reduce((sum, value) => sum + value, 0)];
  });
}

/**
 * Whether the drafted report tells what the run measured: its outage starts at the fault, its recovery
 * after the heal is the run's, the first page it says noticed is the run's, its time to detect is the first
 * alert that fired, and it has every section with the ticket count left to a person.
 */
export function reportAgrees(result: ScenarioResult, report: OutageReport, markdown: string): { name: string; ok: boolean; figure: string } {
  const fault = result.timeline.find((event) => event.source === 'chaos' && event.kind === 'fault injected');
  const firstFiring = result.timeline.find((event) => event.source === 'prometheus' && event.kind === 'alert firing');
  const problems: string[] = [];
  if (report.outage.startAt !== fault?.at) problems.push(`outage starts at ${report.outage.startAt}, the fault at ${fault?.at}`);
  if (report.afterHealMs !== result.figures.recoverMs) problems.push(`recovery ${report.afterHealMs} ms, measured ${result.figures.recoverMs} ms`);
  if (result.figures.detectMs !== undefined && report.noticedMs !== result.figures.detectMs)
    problems.push(`noticed after ${report.noticedMs} ms, measured ${result.figures.detectMs} ms`);
  const expectedDetect = firstFiring && fault ? firstFiring.at - fault.at : undefined;
  if (report.detectMs !== expectedDetect) problems.push(`time to detect ${report.detectMs} ms, first alert firing after ${expectedDetect} ms`);
  for (const section of reportSections) if (!markdown.includes(`## ${section}\n`)) problems.push(`no section "${section}"`);
  if (!markdown.includes(ticketsPlaceholder)) problems.push('the ticket count is not left to a person');
  return {
    name: 'the drafted outage report tells what was measured',
    ok: problems.length === 0,
    figure: problems.length === 0 ? `outage ${(report.outage.durationMs / 1000).toFixed(1)} s, every section` : problems.join('; '),
  };
}
