import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database } from '../db/Database.js';
import { draftReport, formatTime } from './draftReport.js';
import { IncidentStore } from './IncidentStore.js';
import { recordWindow } from './recordWindow.js';
import { reportHtml } from './reportHtml.js';
import { reportMarkdown } from './reportMarkdown.js';

export const incidentUsage = `incident draft --from <time> --to <time> --title "<one line>" [--prometheus <url>] [--out <folder>]
    records a real incident from the stored telemetry of that window (and Prometheus's metrics and alerts, if
    given), drafts its outage report, and writes it as Markdown and HTML (default folder: reports/)
  incident publish <id> --file <edited.md>
    publishes the report as a person edited it (refused while the support tickets are not filled in)
  incident list
    every incident, draft or published`;

/**
 * The operator's `incident` command on an app's database (the workspace's `npm run incident -- …`): draft
 * a report from a window, publish an edited one, list them. Bad input changes nothing and says why.
 */
export async function incidentCommand(db: Database, args: string[], log: (line: string) => void = console.log): Promise<void> {
  const [verb, ...rest] = args;
  const store = new IncidentStore(db);
  if (verb === 'draft') {
    const { values } = parseArgs({
      args: rest,
      options: { from: { type: 'string' }, to: { type: 'string' }, title: { type: 'string' }, prometheus: { type: 'string' }, out: { type: 'string' } },
    });
    const recording = await recordWindow(db, {
      from: Date.parse(values.from ?? ''),
      to: Date.parse(values.to ?? ''),
      title: values.title ?? '',
      prometheusUrl: values.prometheus,
    });
    const id = await store.record(recording);
    const written = await writeDraft(store, id, values.out ?? 'reports', values.prometheus);
    log(`Incident ${id} recorded (${recording.events.length} events, ${recording.series.length} series); its draft report: ${written.join(', ')}`);
  } else if (verb === 'publish') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { file: { type: 'string' } } });
    const id = positionals[0];
    if (!id || !values.file) throw new Error('publish needs the incident id and --file with the edited report.');
    await store.publish(id, readFileSync(values.file, 'utf8'));
    log(`Incident ${id} published: /status lists it.`);
  } else if (verb === 'list') {
    const incidents = await store.list();
    if (incidents.length === 0) log('No incidents recorded.');
    for (const incident of incidents)
      log(`${incident.id}  ${incident.status.padEnd(9)}  ${formatTime(incident.startedAt)} → ${formatTime(incident.endedAt)}  ${incident.title}`);
  } else throw new Error(`Unknown incident command "${verb ?? ''}". Usage:\n  ${incidentUsage}`);
}

/**
 * Drafts the report of a recorded incident, keeps it as its draft, and writes it to `outDir` as
 * `incident-<id>.md` and `.html`; answers the two paths.
 */
export async function writeDraft(store: IncidentStore, id: string, outDir: string, prometheusUrl?: string): Promise<string[]> {
  const incident = await store.load(id);
  if (!incident) throw new Error(`No incident ${id}.`);
  const report = draftReport(incident);
  const markdown = reportMarkdown(report, { prometheusUrl });
  await store.saveDraft(id, markdown);
  mkdirSync(resolve(outDir), { recursive: true });
  const paths = [join(resolve(outDir), `incident-${id}.md`), join(resolve(outDir), `incident-${id}.html`)];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, await reportHtml(report, { prometheusUrl }));
  return paths;
}
