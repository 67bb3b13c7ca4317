import { type Claim, type Evidence, formatDuration, formatTime, formatValue, type OutageReport } from './draftReport.js';

/** What the ticket count says until a person writes it: publishing refuses a report that still says it. */
export const ticketsPlaceholder = '_To be filled in by a person: the system cannot know how many support tickets were raised._';

/** The sections of every report, in the fixed order (a test checks each is there). */
export const reportSections = [
  'Description',
  'Outage time',
  'Number of support tickets raised',
  'Affected functionality',
  'Explanation of the problem',
  'Investigations',
  'Preventive measures and actions',
  'Timeline',
] as const;

/** Where a metric can be looked at again: the chart of the HTML report, and Prometheus's graph when its address is known. */
export type EvidenceLinks = { prometheusUrl?: string };

/**
 * Text from the recording as Markdown that stays text: a device's telemetry (a host name, a state) is any
 * signed-in client's to write, so nothing in it may become HTML or a link in the report.
 */
const plain = (text: string) =>
  text.replace(/[&<>[\]]/g, (character) => (character === '[' || character === ']' ? `\\${character}` : `&#${character.charCodeAt(0)};`));

const anchor = (name: string) =>
  `chart-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-$/, '')}`;
export const chartAnchor = anchor;

function evidenceText(evidence: Evidence, links: EvidenceLinks): string {
  if (evidence.kind === 'event') {
    const { event, seq } = evidence;
    return `[${formatTime(event.at)} ${plain(event.source)}: ${plain(event.kind)}${event.detail ? ` (${plain(event.detail)})` : ''}](#e${seq})`;
  }
  const graph =
    links.prometheusUrl && evidence.promql
      ? ` ([Prometheus](${links.prometheusUrl}/graph?g0.expr=${encodeURIComponent(evidence.query)}&g0.tab=0&g0.end_input=${encodeURIComponent(new Date(evidence.at + 60_000).toISOString())}&g0.range_input=10m))`
      : '';
  return `[${evidence.series} = ${formatValue(evidence.series, evidence.value)} at ${formatTime(evidence.at)}](#${anchor(evidence.series)})${evidence.promql ? ' from' : ':'} \`${evidence.query}\`${graph}`;
}

function claim(claim: Claim, links: EvidenceLinks): string {
  const evidence = claim.evidence.map((entry) => `  - ${evidenceText(entry, links)}`).join('\n');
  return `- ${plain(claim.text)}${evidence ? `\n${evidence}` : ''}`;
}

/** The report as Markdown, in the fixed format, marked a draft; the timeline is its appendix, each line an anchor the evidence links to. */
export function reportMarkdown(report: OutageReport, links: EvidenceLinks = {}): string {
  const { outage } = report;
  const lines = [
    `# ${plain(report.title)}`,
    '',
    '**Draft**, written by the system from the recorded data. A person checks it, fills in the support tickets, edits what needs it, and publishes it.',
    '',
    `## ${reportSections[0]}`,
    '',
    plain(report.description),
    '',
    `## ${reportSections[1]}`,
    '',
    `From ${formatTime(outage.startAt)} to ${formatTime(outage.endAt)}: **${formatDuration(outage.durationMs)}**.`,
    '',
    claim({ ...outage.startedBy, text: `Start: ${outage.startedBy.text}` }, links),
    claim({ ...outage.endedBy, text: `End: ${outage.endedBy.text}` }, links),
    `- Time to detect (to the first alert firing): **${report.detectMs === undefined ? 'not detected by any alert' : formatDuration(report.detectMs)}**; the first page noticed: ${report.noticedMs === undefined ? 'no page noticed' : `after ${formatDuration(report.noticedMs)}`}.`,
    `- Time to recover: **${formatDuration(report.recoverMs)}**${report.afterHealMs === undefined ? '' : ` (${formatDuration(report.afterHealMs)} after the heal)`}.`,
    '',
    `## ${reportSections[2]}`,
    '',
    ticketsPlaceholder,
    '',
    `## ${reportSections[3]}`,
    '',
    ...report.affected.map((entry) => claim(entry, links)),
    '',
    `## ${reportSections[4]}`,
    '',
    plain(report.explanation.join(' ')),
    '',
    `## ${reportSections[5]}`,
    '',
    ...report.investigations.map((entry) => claim(entry, links)),
    '',
    `## ${reportSections[6]}`,
    '',
    ...report.preventive.map((measure) => `- ${plain(measure)}`),
    '',
    `## ${reportSections[7]}`,
    '',
    ...report.timeline.map(
      (event, seq) =>
        `- <a id="e${seq}"></a>${formatTime(event.at)} (${formatDuration(Math.abs(event.at - outage.startAt))} ${event.at < outage.startAt ? 'before' : 'in'}) **${plain(event.source)}**: ${plain(event.kind)}${event.detail ? ` (${plain(event.detail)})` : ''}`,
    ),
    '',
  ];
  return lines.join('\n');
}
