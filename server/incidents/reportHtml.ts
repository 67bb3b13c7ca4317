import { marked } from 'marked';
import { escapeHtml } from '../http/escapeHtml.js';
import { formatTime, type OutageReport } from './draftReport.js';
import { chartAnchor, type EvidenceLinks, reportMarkdown } from './reportMarkdown.js';

/** The charts of a report: each series over the incident, with the outage shaded. */
function chartSvg(echarts: typeof import('echarts'), report: OutageReport, name: string, points: [number, number][]): string {
  // Server-side rendering to SVG (ECharts' `ssr`): a static page, no script, no canvas.
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 720, height: 220 });
  try {
    chart.setOption({
      animation: false,
      title: { text: name, left: 8, textStyle: { fontSize: 13 } },
      grid: { left: 56, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'time', min: report.window.from, max: report.window.to },
      yAxis: { type: 'value', scale: false },
      series: [
        {
          type: 'line',
          step: 'end',
          showSymbol: false,
          data: withGaps(points),
          markArea: { itemStyle: { color: 'rgba(179, 38, 30, 0.12)' }, data: [[{ xAxis: report.outage.startAt }, { xAxis: report.outage.endAt }]] },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * The points with a break where samples stop (a scrape target that was down, a page that was not read):
 * a gap wider than three times the usual spacing is drawn as a gap, not as the last value held across it.
 */
function withGaps(points: [number, number][]): [number, number | null][] {
  const spacings = points
    .slice(1)
    .map(([at], index) => at - points[index]![0])
    .sort((a, b) => a - b);
  const usual = spacings[Math.floor(spacings.length / 2)] ?? 0;
  const drawn: [number, number | null][] = [];
  for (const [index, point] of points.entries()) {
    const previous = points[index - 1];
    if (previous && usual > 0 && point[0] - previous[0] > 3 * usual) drawn.push([previous[0] + usual, null]);
    drawn.push(point);
  }
  return drawn;
}

/**
 * The report as one static HTML page: the Markdown rendered (marked), then a chart for each series of the
 * incident (request rate, error rate, p99, outbox depth, breakers, streams), drawn by ECharts into inline
 * SVG. No script and nothing fetched, so it opens anywhere, from a file or an attachment. What devices
 * reported is escaped in the Markdown already; the page's own policy allows no script and no request at all.
 */
export async function reportHtml(report: OutageReport, links: EvidenceLinks = {}): Promise<string> {
  // Loaded here, not with the server: only whoever draws a report needs the charting library (an optional
  // peer of the package: 60 MB a server does not need).
  const echarts = await import('echarts').catch((error: unknown) => {
    throw new Error(`Drawing an outage report's charts needs ECharts: npm install echarts (${(error as Error).message})`);
  });
  const body = marked.parse(reportMarkdown(report, links), { async: false });
  const charts = report.series
    .filter((series) => series.points.length > 0)
    .map(
      (series) =>
        `<figure id="${chartAnchor(series.name)}">${chartSvg(echarts, report, series.name, series.points)}<figcaption><code>${escapeHtml(series.query)}</code></figcaption></figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'">
<title>${escapeHtml(report.title)} · outage report (draft)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:52rem;padding:0 1rem;color:#1d2530}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}code{font-size:.85em;background:#f2f4f7;padding:0 .2em}
figure{margin:1rem 0}figcaption{font-size:.8rem;color:#5a6472}li{margin:.2rem 0}</style>
</head><body>
${body}
<h2>Charts</h2>
<p>The outage, ${escapeHtml(formatTime(report.outage.startAt))} to ${escapeHtml(formatTime(report.outage.endAt))}, is shaded.</p>
${charts || '<p>No metrics were recorded for this incident.</p>'}
</body></html>
`;
}
