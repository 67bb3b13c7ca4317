import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { draftReport, type IncidentEvent, type IncidentRecording, reportMarkdown, reportSections, seriesNames, ticketsPlaceholder } from 'holdfast/server';

/**
 * Outage reports drafted from incidents `npm run chaos` recorded (fixtures/: the recording JSON each run
 * writes beside its report, kept as they came). Each figure is computed here again, from the recording's
 * own lines, and must be the report's.
 */
const fixtures = join(import.meta.dirname, 'fixtures');
const recordings = readdirSync(fixtures)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, recording: JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as IncidentRecording }));

const find = (events: IncidentEvent[], source: string, kind: string) =>
  [...events].sort((a, b) => a.at - b.at).find((event) => event.source.startsWith(source) && event.kind === kind);

describe('outage reports drafted from recorded chaos runs', () => {
  it('has recordings to draft from', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(2);
  });

  for (const { file, recording } of recordings)
    it(`${file}: every section, and figures that are the recording's`, () => {
      const report = draftReport(recording);
      const markdown = reportMarkdown(report);
      for (const section of reportSections) expect(markdown).toContain(`## ${section}\n`);

      const fault = find(recording.events, 'chaos', 'fault injected')!;
      const healed = find(recording.events, 'chaos', 'healed')!;
      const recovered = find(recording.events, 'chaos', 'recovered')!;
      expect(report.outage.startAt).toBe(fault.at);
      expect(report.outage.endAt).toBe(recovered.at);
      expect(report.recoverMs).toBe(recovered.at - fault.at);
      expect(report.afterHealMs).toBe(recovered.at - healed.at);
      const firing = recording.events.filter((event) => event.kind === 'alert firing' && event.at >= fault.at).sort((a, b) => a.at - b.at)[0];
      expect(report.detectMs).toBe(firing ? firing.at - fault.at : undefined);
      const noticed = recording.events
        .filter((event) => event.source.startsWith('agent:') && event.kind === 'connection' && event.detail !== 'online' && event.at >= fault.at)
        .sort((a, b) => a.at - b.at)[0];
      expect(report.noticedMs).toBe(noticed ? noticed.at - fault.at : undefined);

      // Sending is affected when an action waited longer than a send takes (5 s): the longest wait from an
      // agent's "outbox waiting" to its "outbox drained", and the deepest outbox of the outage.
      const waits = recording.events
        .filter((event) => event.kind === 'outbox waiting' && event.at >= fault.at && event.at <= recovered.at)
        .map((event) => {
          const drained = recording.events.filter((later) => later.source === event.source && later.kind === 'outbox drained' && later.at >= event.at);
          return Math.min(recovered.at, ...drained.map((later) => later.at)) - event.at;
        });
      const depth = recording.series.find((series) => series.name === seriesNames.outbox);
      const deepest = Math.max(0, ...(depth?.points ?? []).filter(([at]) => at >= fault.at && at <= recovered.at).map(([, value]) => value));
      if (Math.max(0, ...waits) > 5000) expect(markdown).toContain(`, ${deepest} at once)`);
      else expect(markdown).not.toContain('Sending actions');

      // The tickets are never the system's to count.
      expect(report.ticketsRaised).toBeNull();
      expect(markdown).toContain(ticketsPlaceholder);

      // Every claim rests on lines that exist: each event it cites is in the timeline appendix, each metric
      // value is a point of its series.
      for (const claim of [...report.affected, ...report.investigations, report.outage.startedBy, report.outage.endedBy])
        for (const evidence of claim.evidence) {
          if (evidence.kind === 'event') {
            expect(report.timeline[evidence.seq]).toEqual(evidence.event);
            expect(markdown).toContain(`<a id="e${evidence.seq}"></a>`);
          } else expect(recording.series.find((series) => series.name === evidence.series)!.points).toContainEqual([evidence.at, evidence.value]);
        }

      // Preventive measures come from what fell short: each broken check is one.
      for (const check of recording.findings.checks?.filter((entry) => !entry.ok) ?? []) expect(report.preventive.join('\n')).toContain(check.name);
      expect(report.preventive.length).toBeGreaterThan(0);
    });

  it('gives the figures the runs themselves printed (npm run chaos, 2026-12-04; bench/RESULTS.md)', () => {
    const figures = (name: string) => {
      const report = draftReport(recordings.find((entry) => entry.file === `${name}.json`)!.recording);
      return {
        detect: Math.round(report.detectMs! / 100) / 10,
        afterHeal: Math.round(report.afterHealMs! / 100) / 10,
        outage: report.outage.durationMs,
        affected: report.affected.map((claim) => claim.text.split(':')[0]),
      };
    };
    // "HoldfastNodeDown … firing after 32.0 s", "every outbox empty within 35.0 s of the heal: 7.0 s", "outage 129.8 s".
    expect(figures('server-sigkill-full')).toMatchObject({
      detect: 32,
      afterHeal: 7,
      affected: ['Sending actions', 'Reading current data', 'Live updates'],
    });
    expect(Math.round(figures('server-sigkill-full').outage / 100) / 10).toBe(129.8);
    expect(figures('api-502-html-full')).toMatchObject({
      detect: 73.1,
      afterHeal: 4.2,
      affected: ['Sending actions', 'Reading current data'],
    });
    // The pages never saw it: only a new device's first load was, around the dead CDN.
    expect(figures('cdn-primary-blackholed-full')).toMatchObject({ detect: 71.1, afterHeal: 0, affected: ['Loading the app'] });
  });

  it("keeps what devices reported as text: no HTML and no link from a device's telemetry reaches the report", () => {
    const { recording } = recordings.find((entry) => entry.file === 'server-sigkill-full.json')!;
    const fault = find(recording.events, 'chaos', 'fault injected')!;
    const hostile: IncidentRecording = {
      ...recording,
      title: 'Outage <script>alert(1)</script>',
      events: [
        ...recording.events,
        { at: fault.at + 5, source: 'device:<img src=x onerror=alert(1)>', kind: 'connection', detail: '[click](javascript:alert(1))' },
      ],
    };
    // As a person reads it: rendered, the way the HTML report and /status render it.
    const html = marked.parse(reportMarkdown(draftReport(hostile)), { async: false });
    expect(html).not.toMatch(/<script|<img|href="javascript:/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('[click](javascript:alert(1))');
  });

  it("links the servers' log lines of the outage as evidence, and only those", () => {
    const { recording } = recordings.find((entry) => entry.file === 'server-sigkill-full.json')!;
    const fault = find(recording.events, 'chaos', 'fault injected')!;
    const recovered = find(recording.events, 'chaos', 'recovered')!;
    const lines: IncidentRecording['events'] = [
      { at: fault.at - 60_000, source: 'server', kind: 'log', detail: 'node1: Holdfast listening (before the outage)' },
      ...Array.from({ length: 12 }, (_, index) => ({
        at: fault.at + 1000 + index,
        source: 'server',
        kind: 'log',
        detail: `node2: database: an idle connection was closed (57P01) #${index}`,
      })),
      { at: recovered.at + 60_000, source: 'server', kind: 'log', detail: 'node1: SIGTERM: stopping (after it)' },
    ];
    const report = draftReport({ ...recording, events: [...recording.events, ...lines] });
    const claim = report.investigations.find((entry) => entry.text.startsWith('The servers logged'))!;
    expect(claim.text).toBe(
      'The servers logged 12 line(s) during it, the first 1.0 s in: "node2: database: an idle connection was closed (57P01) #0" (the first 10 are linked).',
    );
    expect(claim.evidence).toHaveLength(10);
    expect(claim.evidence.map((evidence) => (evidence.kind === 'event' ? evidence.event.detail : ''))).toEqual(
      Array.from({ length: 10 }, (_, index) => `node2: database: an idle connection was closed (57P01) #${index}`),
    );
    expect(reportMarkdown(report)).toContain('The servers logged 12 line(s)');
    // No line, no claim.
    expect(draftReport(recording).investigations.some((entry) => entry.text.startsWith('The servers logged'))).toBe(false);
  });

  it('names what fell short: a broken bound, an expected alert that never fired, an alert that fired late', () => {
    const { recording } = recordings.find((entry) => entry.file === 'server-sigkill-full.json')!;
    const fault = find(recording.events, 'chaos', 'fault injected')!;
    const shortfall: IncidentRecording = {
      ...recording,
      events: [
        ...recording.events.filter((event) => event.source !== 'prometheus'),
        { at: fault.at + 1000, source: 'prometheus', kind: 'alert pending', detail: 'HoldfastNodeDown' },
        { at: fault.at + 200_000, source: 'prometheus', kind: 'alert firing', detail: 'HoldfastNodeDown' },
      ],
      findings: {
        ...recording.findings,
        checks: [{ name: 'every outbox empty within 10.0 s of the heal', ok: false, figure: '14.2 s' }],
        expectedAlerts: ['HoldfastNodeDown', 'HoldfastEdgeFailing'],
        alertGoalMs: 120_000,
      },
    };
    const preventive = draftReport(shortfall).preventive.join('\n');
    expect(preventive).toContain('Bring "every outbox empty within 10.0 s of the heal" back within its bound: measured 14.2 s.');
    expect(preventive).toContain('HoldfastEdgeFailing never went pending');
    expect(preventive).toContain('The first alert fired after 3 min 20 s, later than the goal of 2 min 0 s: tighten HoldfastNodeDown.');

    // The pages noticed, no alert fired: the least measure is an alert that would have.
    const silent = draftReport({ ...shortfall, events: shortfall.events.filter((event) => event.source !== 'prometheus'), findings: {} });
    expect(silent.noticedMs).toBeDefined();
    expect(silent.detectMs).toBeUndefined();
    expect(silent.preventive.join('\n')).toContain('No alert fired while agents were affected');
  });
});
