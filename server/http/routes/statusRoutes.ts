import type { FastifyInstance } from 'fastify';
import { marked } from 'marked';
import { formatDuration, formatTime } from '../../incidents/draftReport.js';
import { IncidentStore } from '../../incidents/IncidentStore.js';
import { newNonce } from '../appShell.js';
import { escapeHtml } from '../escapeHtml.js';
import type { ServerContext } from '../ServerContext.js';
import type { DatabaseHealth } from './healthRoutes.js';

type Check = { name: string; ok: boolean; detail: string };

/**
 * GET /status — the server's own status page: API, database, event streams, the stream safeguard and its
 * recent incidents, readable at a glance, refreshing itself every 10 s. Plain HTML written here, with no
 * script and no asset from the build, so it still works when the app's bundle is broken or a CDN is down.
 *
 * Public, so cheap and discreet: the database state comes from the shared check read at most once a second
 * (healthRoutes' databaseHealth), each address may load it 60 times a minute, and a database failure shows
 * as "unreachable", never with the driver's message (it can name hosts, users and databases).
 */
export function statusRoutes(app: FastifyInstance, context: ServerContext, health: () => Promise<DatabaseHealth>) {
  const incidents = new IncidentStore(context.db);
  // Published incidents change when an operator publishes one: read at most every 10 s, whatever the traffic.
  let published: { at: number; list: Promise<Awaited<ReturnType<IncidentStore['published']>> | null> } | undefined;
  const publishedIncidents = () => {
    if (!published || Date.now() - published.at > 10_000) published = { at: Date.now(), list: incidents.published(10).catch(() => null) };
    return published.list;
  };
  const rateLimit = app.rateLimit({ max: 60, timeWindow: 60_000 });

  app.get('/status/incidents/:id', { preHandler: rateLimit }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const incident = await incidents.publishedReport(id).catch(() => undefined);
    if (!incident) return reply.code(404).type('text/plain; charset=utf-8').send('No published incident has this id.');
    const nonce = newNonce();
    // The operator's published report. Marked does not sanitise, so the CSP carries the weight: no script,
    // no request of any kind (default-src 'none'), only this page's own style.
    const body = marked.parse(incident.markdown, { async: false });
    return reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(incident.title)} · Holdfast status</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1d2530}h1{font-size:1.5rem}code{font-size:.85em}</style>
</head><body><p><a href="/status">← Status</a></p>${body}</body></html>`);
  });

  app.get('/status', { preHandler: rateLimit }, async (_request, reply) => {
    const checks: Check[] = [{ name: 'API', ok: true, detail: 'answering' }];
    const database = await health();
    checks.push(
      database.reachable
        ? {
            name: 'Database',
            ok: database.applied >= database.expected,
            detail: `${context.db.kind}, ${database.applied} of ${database.expected} migrations applied`,
          }
        : { name: 'Database', ok: false, detail: 'unreachable' },
    );
    const { streams } = context;
    checks.push({ name: 'Event streams', ok: streams.size < streams.maxPerProcess, detail: `${streams.size} open of at most ${streams.maxPerProcess}` });
    const safeguardIncidents = [...streams.incidents].reverse();
    const lastHour = safeguardIncidents.filter((incident) => Date.now() - Date.parse(incident.at) < 3_600_000);
    checks.push({
      name: 'Stream safeguard',
      ok: lastHour.length === 0,
      detail: lastHour.length === 0 ? 'sound' : `recovered ${lastHour.length} time(s) in the last hour`,
    });

    const nonce = newNonce();
    const allOk = checks.every((check) => check.ok);
    const rows = checks
      .map(
        (check) =>
          `<tr><th scope="row">${escapeHtml(check.name)}</th><td class="${check.ok ? 'ok' : 'bad'}">${check.ok ? 'OK' : 'Problem'}</td><td>${escapeHtml(check.detail)}</td></tr>`,
      )
      .join('');
    const reports = await publishedIncidents();
    const reportItems =
      reports === null
        ? '<p>Incident reports cannot be read now.</p>'
        : reports.length === 0
          ? '<p>No incident reports published.</p>'
          : `<ul>${reports.map((incident) => `<li><a href="/status/incidents/${escapeHtml(incident.id)}">${escapeHtml(incident.title)}</a>: ${escapeHtml(formatTime(incident.startedAt))}, ${escapeHtml(formatDuration(incident.endedAt - incident.startedAt))}</li>`).join('')}</ul>`;
    const incidentItems =
      safeguardIncidents.length === 0
        ? '<p>None since the server started.</p>'
        : `<ul>${safeguardIncidents.map((incident) => `<li><time datetime="${escapeHtml(incident.at)}">${escapeHtml(incident.at)}</time>: the stream safeguard gave back ${incident.recovered} slot(s) of streams whose connection was gone</li>`).join('')}</ul>`;
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10"><title>${allOk ? 'All systems working' : 'Problems'} · Holdfast status</title>
<style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem;color:#1d2530}
h1{font-size:1.5rem}.summary{padding:.75rem 1rem;border-radius:6px;font-weight:600}.summary.ok{background:#e3f4e8}.summary.bad{background:#fdecea}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #dde2e8}td.ok{color:#1c7a3a;font-weight:600}td.bad{color:#b3261e;font-weight:600}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}</style>
</head><body><h1>Holdfast status</h1>
<p class="summary ${allOk ? 'ok' : 'bad'}" role="status">${allOk ? 'All systems working' : 'Something needs attention'}</p>
<table><caption class="visually-hidden">Components</caption><tbody>${rows}</tbody></table>
<h2>Incident reports</h2>${reportItems}
<h2>Stream safeguard, since the server started</h2>${incidentItems}
<p><small>Checked ${escapeHtml(new Date().toISOString())}; this page refreshes every 10 s.</small></p>
</body></html>`;
    return reply
      .code(allOk ? 200 : 503)
      .header('cache-control', 'no-store')
      .header('content-security-policy', `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`)
      .type('text/html; charset=utf-8')
      .send(html);
  });
}
