import type { IncidentEvent, IncidentSeries } from './incident.js';
import { seriesNames } from './draftReport.js';

/**
 * The charts of a report as PromQL over the jobs of deploy/prometheus/prometheus.yml. `rateWindow`: the
 * range of each rate(), a few scrape intervals (15 s scrapes: 1m; the chaos stage's 1 s scrapes: 5s).
 */
export function incidentQueries(rateWindow: string): { name: string; query: string }[] {
  const requests = `sum(rate(holdfast_http_requests_total{job="holdfast"}[${rateWindow}]))`;
  return [
    { name: seriesNames.requests, query: requests },
    // `or vector(0)`: no 5xx series at all (none answered yet) is a rate of 0, not a gap in the chart.
    { name: seriesNames.errors, query: `(sum(rate(holdfast_http_requests_total{job="holdfast",status="5xx"}[${rateWindow}])) or vector(0)) / ${requests}` },
    { name: seriesNames.edge, query: 'avg(up{job="holdfast-edge"})' },
    {
      name: seriesNames.p99,
      query: `histogram_quantile(0.99, sum by (le) (rate(holdfast_http_request_duration_seconds_bucket{job="holdfast",route!="/api/events"}[${rateWindow}])))`,
    },
    { name: seriesNames.streams, query: 'sum(holdfast_event_streams_open{job="holdfast"})' },
    { name: seriesNames.breakers, query: 'sum(holdfast_client_breakers_open{job="holdfast"}) or vector(0)' },
  ];
}

type Matrix = { metric: Record<string, string>; values: [number, string][] }[];

async function queryRange(prometheusUrl: string, query: string, from: number, to: number, stepSeconds: number): Promise<Matrix> {
  const params = new URLSearchParams({ query, start: String(from / 1000), end: String(to / 1000), step: String(stepSeconds) });
  const response = await fetch(`${prometheusUrl}/api/v1/query_range?${params}`, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`Prometheus at ${prometheusUrl} answered ${response.status} for ${query}: ${(await response.text()).slice(0, 200)}`);
  const body = (await response.json()) as { data: { result: Matrix } };
  return body.data.result;
}

/** Each chart's points over [from, to] from Prometheus (points that are not numbers, such as 0/0, left out). */
export async function collectSeries(prometheusUrl: string, from: number, to: number, stepSeconds: number, rateWindow: string): Promise<IncidentSeries[]> {
  return Promise.all(
    incidentQueries(rateWindow).map(async ({ name, query }) => {
      const [first] = await queryRange(prometheusUrl, query, from, to, stepSeconds);
      const points = (first?.values ?? [])
        .map(([at, value]) => [Math.round(at * 1000), Number(value)] as [number, number])
        .filter(([, value]) => Number.isFinite(value));
      return { name, query, origin: 'prometheus' as const, points };
    }),
  );
}

/**
 * The alerts over [from, to] as timeline events, from Prometheus's own `ALERTS` series: when each went
 * pending, fired and resolved (to within a step). For a real incident's window, where nobody watched live.
 */
export async function alertEvents(prometheusUrl: string, from: number, to: number, stepSeconds: number): Promise<IncidentEvent[]> {
  const events: IncidentEvent[] = [];
  const byName = new Map<string, Map<number, 'pending' | 'firing'>>();
  for (const entry of await queryRange(prometheusUrl, 'max by (alertname, alertstate) (ALERTS)', from, to, stepSeconds)) {
    const name = entry.metric.alertname ?? '?';
    const state = entry.metric.alertstate === 'firing' ? 'firing' : 'pending';
    const steps = byName.get(name) ?? new Map<number, 'pending' | 'firing'>();
    byName.set(name, steps);
    for (const [at] of entry.values) {
      const ms = Math.round(at * 1000);
      if (steps.get(ms) !== 'firing') steps.set(ms, state);
    }
  }
  for (const [name, steps] of byName) {
    let previous: 'pending' | 'firing' | undefined;
    let lastAt = 0;
    for (const at of [...steps.keys()].sort((a, b) => a - b)) {
      const state = steps.get(at)!;
      if (previous !== undefined && at - lastAt > stepSeconds * 1000 * 1.5) {
        events.push({ at: lastAt + stepSeconds * 1000, source: 'prometheus', kind: 'alert resolved', detail: name });
        previous = undefined;
      }
      if (previous === undefined) events.push({ at, source: 'prometheus', kind: 'alert pending', detail: name });
      if (state === 'firing' && previous !== 'firing') events.push({ at, source: 'prometheus', kind: 'alert firing', detail: name });
      previous = state;
      lastAt = at;
    }
    if (previous !== undefined && lastAt + stepSeconds * 1000 * 1.5 < to)
      events.push({ at: lastAt + stepSeconds * 1000, source: 'prometheus', kind: 'alert resolved', detail: name });
  }
  return events.sort((a, b) => a.at - b.at);
}
