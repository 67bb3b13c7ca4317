import type { DemoResponse } from './DemoBackend.js';
import { DemoBackendClient } from './DemoBackendClient.js';
import { apiOriginList } from '../client/api/apiOriginList.js';
import { demoNamespace } from '../client/state/localNamespace.js';
import { demoFlagKey, setMediaResolver } from './demoMode.js';
import { realUnsentActions } from './realUnsentActions.js';

/** Where the demo keeps its database (PGlite's IndexedDB database is `/pglite/` + this). */
const demoDatabase = 'holdfast-demo';
const tokenKey = 'holdfast.demoToken';
/** How often the demo's other agents and customers do something (`holdfast.demoColleaguesEveryMs` overrides: tests, a sales call in a hurry). */
const colleaguesEveryMs = Number(localStorage.getItem('holdfast.demoColleaguesEveryMs')) || 45_000;

let running: DemoBackendClient | null = null;

/** The demo did not start: real agents' actions in this browser have not reached the server yet. */
export class DemoRefused extends Error {
  constructor(readonly unsent: number) {
    super(`${unsent} action(s) of a real agent in this browser have not reached the server yet.`);
  }
}

/** Every origin the app's requests may go to: this page's, and the API's regions (API_ORIGINS). */
const interceptedOrigins = new Set([window.location.origin, ...apiOriginList]);
const interceptedPath = (path: string) => path.startsWith('/api/') || path.startsWith('/media/') || path === '/readyz' || path === '/healthz';

/**
 * Starts the demo: the backend's worker (loaded only here: PGlite and the server's code never enter the
 * normal app's bundle), and the page's requests to `/api/…` and `/media/…` answered by it instead of a
 * server. Every part of the app stays as it is — its API client, outbox, sync and event stream all go
 * through `fetch`, which this replaces for those paths only (the service worker, the shell and the assets
 * are untouched, so the demo also works offline once loaded).
 *
 * Sealed off from real work: it refuses to start (DemoRefused) while a real agent's actions wait in this
 * browser; it answers requests for every origin the app may call, so none reaches a real API with the
 * browser's cookies; and its session, databases and outboxes are named apart (state/localNamespace.ts).
 */
export async function startDemo(): Promise<void> {
  if (running) return;
  const unsent = await realUnsentActions();
  if (unsent > 0) throw new DemoRefused(unsent);
  await finishReset();
  const client = new DemoBackendClient(new Worker(new URL('./demoBackendWorker.ts', import.meta.url), { type: 'module', name: 'holdfast-demo-backend' }));
  running = client;
  const ready = client.open(`idb://${demoDatabase}`, { colleaguesEveryMs });
  const network = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    // Only the URL is looked at first: a Request made from `input` would take over a request's body, which
    // the network call below could then not send.
    const url = new URL(input instanceof Request ? input.url : String(input), window.location.href);
    const ours = interceptedOrigins.has(url.origin) && interceptedPath(url.pathname);
    if (!ours) return network(input, init);
    const request = new Request(input, init);
    await ready;
    if (url.pathname === '/api/events') return eventStream(client, request.signal);
    if (url.pathname === '/readyz' || url.pathname === '/healthz') return Response.json({ ok: true });
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
    const answer = await client.request({ method: request.method, path: url.pathname + url.search, token: localStorage.getItem(tokenKey), body });
    if (url.pathname === '/api/login' && answer.status === 200) {
      // The browser's session is a cookie on a server; here the page keeps the demo token, as the cookie would.
      const { token, ...rest } = answer.body as { token: string };
      localStorage.setItem(tokenKey, token);
      return toResponse({ ...answer, body: rest });
    }
    if (url.pathname === '/api/logout') localStorage.removeItem(tokenKey);
    return toResponse(answer);
  };
  const objectUrls = new Map<string, Promise<string>>();
  setMediaResolver((mediaUrl) => {
    let objectUrl = objectUrls.get(mediaUrl);
    if (!objectUrl) {
      objectUrl = fetch(mediaUrl).then(async (response) => {
        if (!response.ok) throw new Error(`media ${response.status}`);
        return URL.createObjectURL(await response.blob());
      });
      objectUrls.set(mediaUrl, objectUrl);
    }
    return objectUrl;
  });
}

/**
 * Back to the seed. The page reloads first and the reset happens at the next start, before anything opens
 * the databases: deleting one that this page holds open would make its own version-change handling reload
 * the page halfway through.
 */
export function resetDemo(): void {
  sessionStorage.setItem(resetKey, '1');
  window.location.reload();
}

const resetKey = 'holdfast.demoReset';

/** The demo's session, under its own key (app/client/state/session.ts): the real agent's is never touched. */
const demoSessionKey = `holdfast.${demoNamespace}.session`;

/** The visitor's demo data gone: the demo's database (reseeded when it opens), its local stores and outboxes, its session. */
async function finishReset(): Promise<void> {
  if (sessionStorage.getItem(resetKey) !== '1') return;
  const names = (await indexedDB.databases()).map((database) => database.name ?? '');
  const ours = names.filter(
    (name) =>
      name === `/pglite/${demoDatabase}` || name.startsWith(`holdfast-workspace-${demoNamespace}:`) || name.startsWith(`holdfast-outbox:${demoNamespace}:`),
  );
  await Promise.all(ours.map((name) => deleteDatabase(name)));
  localStorage.removeItem(tokenKey);
  localStorage.removeItem(demoSessionKey);
  // Its local-data markers (app/client/state/localData.ts) too: a reset is no eviction to report.
  for (const key of Object.keys(localStorage)) if (key.startsWith(`holdfast.${demoNamespace}.local-data:`)) localStorage.removeItem(key);
  sessionStorage.removeItem(resetKey);
}

/**
 * Leaves the demo (a normal deployment): back to the real app, where an agent signed in before is still
 * signed in. The demo's database stays for a later visit.
 */
export function leaveDemo(): void {
  localStorage.removeItem(demoFlagKey);
  localStorage.removeItem(tokenKey);
  localStorage.removeItem(demoSessionKey);
  window.location.assign('/');
}

function toResponse({ status, contentType, body }: DemoResponse): Response {
  const payload = body instanceof Uint8Array ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : (payload as BodyInit), { status, headers: { 'content-type': contentType } });
}

/** The event stream, as the server would send it: `ready`, then a `change` whenever the demo's data changes. */
function eventStream(client: DemoBackendClient, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('event: ready\ndata: {}\n\n'));
      stop = client.onChange(() => controller.enqueue(encoder.encode('event: change\ndata: {}\n\n')));
      signal.addEventListener('abort', () => {
        stop();
        controller.close();
      });
    },
    cancel() {
      stop();
    },
  });
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/**
 * Raw IndexedDB rather than idb's deleteDB: importing idb here would split it out of the workspace's chunk
 * into one of its own, one more request on every sign-in.
 */
function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}
