import { randomUUID } from 'node:crypto';
import { createServer, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { constants as zlib } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { minPositionHeader, protocolLimits } from 'holdfast/core';
import { ActionEngine } from '../actions/ActionEngine.js';
import { purgeKnownDevices } from '../auth/knownDevices.js';
import { defaultIdleSeconds, liveSessions, purgeExpiredSessions } from '../auth/sessions.js';
import { SignInThrottle, type SignInThrottleOptions } from '../auth/SignInThrottle.js';
import type { Database } from '../db/Database.js';
import { ReadReplica } from '../db/ReadReplica.js';
import { ChangeFeed } from '../events/ChangeFeed.js';
import { StreamRegistry, type SafeguardIncident } from '../events/StreamRegistry.js';
import { ServerMetrics } from './ServerMetrics.js';
import { LoadShedder, type LoadShedderOptions } from './LoadShedder.js';
import { statusRoutes } from './routes/statusRoutes.js';
import type { ServerApp } from '../app/ServerApp.js';
import { ApiError } from './ApiError.js';
import { apiContentSecurityPolicy, baseSecurityHeaders, loadAppShell, newNonce } from './appShell.js';
import { authenticate } from './authenticate.js';
import { actionRoutes } from './routes/actionRoutes.js';
import { cspReportRoutes } from './routes/cspReportRoutes.js';
import { eventRoutes } from './routes/eventRoutes.js';
import { databaseHealth, healthRoutes } from './routes/healthRoutes.js';
import { syncRoutes } from './routes/syncRoutes.js';
import { purgeTelemetry, telemetryLimits, telemetryRoutes, type TelemetryLimits } from './routes/telemetryRoutes.js';
import { publicSessionRoutes, sessionRoutes } from './routes/sessionRoutes.js';
import { isSecure } from './sessionCookie.js';
import { errorWithoutData } from './logSerializers.js';
import { FairShare, type FairShareOptions } from './FairShare.js';
import { registerFairShare } from './fairShareHooks.js';
import type { ServerContext } from './ServerContext.js';

export type ServerOptions = {
  db: Database;
  /** A streaming standby of `db` for delta-sync reads (ReadReplica keeps read-your-writes). */
  readDb?: Database;
  /** How long a sync read waits for the standby to replay the reader's write before going to `db`; default 250 ms. */
  replicaMaxWaitMs?: number;
  /** Sent as `x-holdfast-node` on every answer: which node served, behind a load balancer. */
  nodeName?: string;
  /**
   * The app's origins that may call this API cross-origin (CORS with credentials): where the API runs in
   * several regions, the pages of each. Default none: same-origin only.
   */
  allowedOrigins?: readonly string[];
  /** The session cookie's domain, common to every region (e.g. `holdfast.example`); default: this host only. */
  cookieDomain?: string;
  /**
   * The load balancers in front of this server (addresses or CIDRs, e.g. `['127.0.0.1', '10.0.0.0/8']`):
   * from them only, `X-Forwarded-For` names the client (per-address limits) and `X-Forwarded-Proto` the
   * scheme (Secure cookies, HSTS). Default none: the connection's own address and scheme.
   */
  trustProxy?: readonly string[];
  /** Cookies always `Secure`, and HSTS on every answer, whatever the scheme a request arrived by (TLS ends before any proxy we can see). */
  cookieSecure?: boolean;
  /** The app this server runs: its actions, reads, routes and migrations. */
  app: ServerApp;
  /** The built app (Vite's dist/); served with an SPA fallback when present. */
  staticDir?: string;
  /** Log every request (pino), not only failures. Every 5xx is logged at error level, with its request id, always. */
  logRequests?: boolean;
  /** Pino's level; default `info`. `silent` turns even failures off (tests that expect them). */
  logLevel?: string;
  sessionTtlHours?: number;
  /** A session unused this long ends; default a week. */
  sessionIdleMinutes?: number;
  /** Most sessions one agent holds; signing in beyond that ends the oldest. Default 30. */
  maxSessionsPerAgent?: number;
  /** Expired sessions are deleted at start and this often; default hourly. */
  sessionPurgeIntervalMs?: number;
  maxBodyBytes?: number;
  maxActionsPerBatch?: number;
  sseHeartbeatMs?: number;
  changePollMs?: number;
  /** Open event streams allowed per agent (all their tabs and devices) and per process. */
  maxStreamsPerAgent?: number;
  maxStreamsPerProcess?: number;
  /** How often open streams re-check that their session still exists; default 5 s. */
  streamSessionCheckMs?: number;
  /** How often the safeguard's watchdog audits the counted streams against their connections; default 10 s. */
  streamAuditMs?: number;
  /** Most changes one stream sends before it answers `resync`; default 2,000. */
  maxStreamCatchUp?: number;
  /** Longest change-event data (JSON characters) that carries its page; longer ones only announce it. Default 65,536; 0: none carries. */
  maxEventCarryChars?: number;
  /** Base of the jittered Retry-After (base to 2× base seconds) when a stream is refused; default 10. */
  streamRetryAfterSeconds?: number;
  /** Sign-in attempts per address per minute; default 60 (an office floor behind one NAT signs in fine). */
  loginMaxPerAddressPerMinute?: number;
  /** Telemetry's bounds: batches per session a minute, events per tenant a day, days kept (telemetryLimitDefaults). */
  telemetry?: Partial<TelemetryLimits>;
  /** How failed sign-ins slow an account and an (account, address) down (SignInThrottle's defaults). */
  signInThrottle?: SignInThrottleOptions;
  /** A request's headers and body must arrive within this; default 30 s (slow bodies are cut off). */
  requestTimeoutMs?: number;
  /** A connection with no traffic either way is closed after this; default 75 s (streams send a heartbeat). */
  idleTimeoutMs?: number;
  /** Serve the build's source maps (`*.map`); default false: the full source is not published. */
  serveSourceMaps?: boolean;
  /** How heavy requests (sync pages, action batches) take turns between sessions and tenants; `false` turns it off (the fair-share benchmark's baseline). */
  fairShare?: Omit<FairShareOptions, 'now'> | false;
  /** When sheddable requests are refused (LoadShedder); `false` turns shedding off (the overload benchmark's baseline). */
  shedding?: LoadShedderOptions | false;
};

declare module 'fastify' {
  interface FastifyInstance {
    holdfast: ServerContext;
  }
}

/** The NOTIFY channel of changes (payload `<tenant>:<sequence>`), shared by every process of a deployment. */
export const changeChannel = 'holdfast_changes';

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const {
    db,
    app: serverApp,
    staticDir,
    logRequests = false,
    logLevel = 'info',
    sessionTtlHours = 24 * 14,
    sessionPurgeIntervalMs = 60 * 60_000,
    maxBodyBytes = protocolLimits.maxBodyBytes,
    maxActionsPerBatch = protocolLimits.maxActionsPerBatch,
    sseHeartbeatMs = 15_000,
    requestTimeoutMs = 30_000,
    idleTimeoutMs = 75_000,
    serveSourceMaps = false,
  } = options;

  // The safeguard's watchdog reports to the server's log, which exists once the app below is built.
  let reportRecovery = (incident: SafeguardIncident) => console.warn('stream safeguard recovered', incident);
  const sessions = {
    ttlSeconds: Math.round(sessionTtlHours * 3600),
    idleSeconds: options.sessionIdleMinutes === undefined ? defaultIdleSeconds : Math.round(options.sessionIdleMinutes * 60),
    maxPerAgent: options.maxSessionsPerAgent ?? 30,
  };
  const streams = new StreamRegistry({
    maxPerAgent: options.maxStreamsPerAgent,
    maxPerProcess: options.maxStreamsPerProcess,
    sessionCheckMs: options.streamSessionCheckMs,
    auditMs: options.streamAuditMs,
    liveSessions: (hashes) => liveSessions(db, hashes, sessions),
    onRecovered: (incident) => reportRecovery(incident),
  });
  // PostgreSQL: other processes' changes arrive by LISTEN/NOTIFY. PGlite: this is the only process.
  const listen = db.listen?.bind(db);
  const feed = new ChangeFeed({
    latestSequences: (tenantIds) => serverApp.changes.latestSequences(db, tenantIds),
    listen: listen && ((handlers) => listen(changeChannel, handlers)),
    pollIntervalMs: options.changePollMs ?? (db.kind === 'pglite' ? 0 : 2000),
    onPollError: (error) => console.warn('change feed: catch-up read or listener failed', error),
  });
  await feed.start();
  const metrics = new ServerMetrics(streams, db);
  metrics.watchFeed(feed);
  const reads = new ReadReplica({ primary: db, replica: options.readDb, maxWaitMs: options.replicaMaxWaitMs });
  metrics.watchReplica(reads);
  const shedder = new LoadShedder(db, options.shedding === false ? { enabled: false } : options.shedding, (record) => metrics.countShed(record));
  metrics.watchLoad(shedder);
  const fairShare = new FairShare(
    options.fairShare === false
      ? { enabled: false, maxConcurrent: 1 }
      : { ...options.fairShare, maxConcurrent: options.fairShare?.maxConcurrent ?? (db.kind === 'pglite' ? 1 : 4) },
    (outcome) => metrics.countFairShare(outcome),
  );
  const context: ServerContext = {
    db,
    reads,
    app: serverApp,
    feed,
    streams,
    metrics,
    shedder,
    fairShare,
    engine: new ActionEngine({
      db,
      applier: serverApp.applier,
      existingTargets: serverApp.existingTargets,
      createsTarget: serverApp.createsTarget,
      onChange: (tenantId) => feed.notify(tenantId),
      notifyChannel: listen ? changeChannel : undefined,
    }),
    sessions,
    crossOrigin: { allowedOrigins: options.allowedOrigins ?? [], cookieDomain: options.cookieDomain, forceSecure: options.cookieSecure },
    maxActionsPerBatch,
    sseHeartbeatMs,
    events: { maxCatchUp: options.maxStreamCatchUp ?? 2000, retryAfterSeconds: options.streamRetryAfterSeconds ?? 10, maxCarryChars: options.maxEventCarryChars ?? 64 * 1024 },
    login: {
      maxPerAddressPerMinute: options.loginMaxPerAddressPerMinute ?? 60,
      throttle: new SignInThrottle(db, options.signInThrottle),
    },
    telemetry: telemetryLimits(options.telemetry),
  };

  const app = Fastify({
    logger: { level: logLevel, serializers: { err: errorWithoutData } },
    logController: new LogController({ disableRequestLogging: !logRequests }),
    genReqId: () => randomUUID(),
    // proxy-addr's list: only these peers may say who the client is and which scheme it used.
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    bodyLimit: maxBodyBytes,
    // Node's own timers, with a 1 s check instead of its default 30 s: a body trickled byte by byte is cut
    // off near the deadline, not half a minute after it.
    serverFactory: (handler) => {
      const server = createServer({ requestTimeout: requestTimeoutMs, headersTimeout: Math.min(requestTimeoutMs, 20_000), connectionsCheckingInterval: 1000 }, handler);
      server.setTimeout(idleTimeoutMs);
      return server;
    },
    // Fastify's own error bodies for a malformed URL or a bad request line would otherwise leak through.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ err: error }, 'malformed request');
      void (reply as unknown as FastifyReply).code(400).send(new ApiError('invalid-url').toBody());
    },
    clientErrorHandler: answerClientError,
  });
  // The server's parts, for operational tooling and drills in the same process (and tests that force the safeguard stuck).
  app.decorate('holdfast', context);
  reportRecovery = (incident) => {
    context.metrics.countSafeguardRecovery(incident.recovered);
    app.log.warn({ incident }, 'stream safeguard recovered: slots of streams whose connection was gone given back');
  };
  // The API speaks JSON only: anything else is a 415, not a string that later fails a schema.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('session', null);
  app.decorateRequest('token', null);
  // Dynamic answers (the shell with its nonce, sync pages, lists) compressed per request, by
  // Accept-Encoding; the build's static files are compressed once at build time (preCompressed below), and
  // an answer that already has a Content-Encoding is left as it is. Brotli at quality 4 rather than zlib's
  // default 11: per request, 11 costs tens of milliseconds of CPU for a few percent fewer bytes. Event
  // streams are hijacked and never buffered by this.
  // First of all hooks: a shed request costs no authentication and no database work.
  await shedder.register(app);
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(fastifyCookie);
  // The API's regions: the app's pages on another region's origin call this one (ApiOrigins), with the
  // session cookie. Only the listed origins; never a wildcard with credentials.
  if (context.crossOrigin.allowedOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...context.crossOrigin.allowedOrigins],
      credentials: true,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['content-type', 'x-holdfast-request', minPositionHeader, 'last-event-id'],
      exposedHeaders: ['retry-after', 'holdfast-write-position', 'x-holdfast-node', 'x-request-id'],
      maxAge: 600,
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: () => new ApiError('rate-limited'),
  });

  // Housekeeping on every node (each statement is idempotent): expired and idle sessions, old throttle
  // counts, forgotten devices, telemetry past its retention.
  const purge = () =>
    Promise.all([purgeExpiredSessions(db, sessions), SignInThrottle.purge(db), purgeKnownDevices(db), purgeTelemetry(db, context.telemetry.retentionDays)]).then(
      ([count]) => count > 0 && app.log.info({ count }, 'purged expired sessions'),
      (error: unknown) => app.log.error({ err: error }, 'purging expired sessions failed'),
    );
  const purgeTimer = setInterval(() => void purge(), sessionPurgeIntervalMs);
  purgeTimer.unref();
  await purge();

  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    context.streams.close();
    await feed.close();
  });
  // Paths the server answers itself: never the app shell, and always under the API's strict policy.
  const serverPaths = ['/api/', '/healthz', '/readyz', '/metrics', '/status', ...(serverApp.serverPaths ?? [])];
  const isServerPath = (path: string) => serverPaths.some((prefix) => path.startsWith(prefix));
  app.addHook('onResponse', async (request, reply) => context.metrics.observe(request, reply));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (options.nodeName) reply.header('x-holdfast-node', options.nodeName);
    for (const [name, value] of Object.entries(baseSecurityHeaders)) reply.header(name, value);
    // Only over HTTPS (a browser ignores it over HTTP anyway): two years, the preload list's minimum.
    if (isSecure(request, context.crossOrigin)) reply.header('strict-transport-security', 'max-age=63072000');
    if (!reply.hasHeader('content-security-policy') && isServerPath(request.url)) reply.header('content-security-policy', apiContentSecurityPolicy);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = error instanceof ApiError ? error : fromFastifyError(error);
    if (apiError.code === 'statement-timeout') reply.header('retry-after', '5');
    if (apiError.status >= 500 && apiError.code !== 'too-many-streams' && apiError.code !== 'statement-timeout') request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return reply.code(apiError.status).send(apiError.toBody(apiError.status >= 500 ? request.id : undefined));
  });

  await app.register(async (api) => {
    publicSessionRoutes(api, context);
    cspReportRoutes(api, context);
    const health = databaseHealth(context);
    healthRoutes(api, context, health);
    statusRoutes(api, context, health);
    serverApp.publicRoutes?.(api, context);
  });
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate(db, context.crossOrigin, sessions));
    registerFairShare(api, context.fairShare);
    sessionRoutes(api, context);
    syncRoutes(api, context);
    actionRoutes(api, context);
    eventRoutes(api, context);
    telemetryRoutes(api, context);
    serverApp.routes?.(api, context);
  });

  const shell = staticDir === undefined ? null : loadAppShell(staticDir);
  if (shell && staticDir) {
    // cacheControl off: @fastify/static would otherwise overwrite ours with `public, max-age=0`. The shell
    // itself is answered below (with its nonce and policy); maps only when configured.
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      index: false,
      // The build writes `.br` and `.gz` beside each text file (scripts/precompress.mjs): sent by
      // Accept-Encoding, with `Vary: Accept-Encoding`.
      preCompressed: true,
      cacheControl: false,
      setHeaders: assetHeaders,
      allowedPath: (path) => !/^\/(index\.html|security\.json)(\.br|\.gz)?$/.test(path) && (serveSourceMaps || !/\.map(\.br|\.gz)?$/.test(path)),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Deep links (any path without a file extension) load the app, which routes on the client.
    if (shell && request.method === 'GET' && !isServerPath(path) && (path === '/index.html' || !/\.\w+$/.test(path))) {
      const nonce = newNonce();
      return reply.header('cache-control', 'no-cache').header('content-security-policy', shell.policy(nonce)).type('text/html; charset=utf-8').send(shell.html(nonce));
    }
    return reply.code(404).send(new ApiError('not-found').toBody());
  });
  return app;
}

function assetHeaders(response: { setHeader(name: string, value: string): void }, path: string) {
  // Content-hashed build output can be cached for good; the shell and the service worker must revalidate.
  // Assets are public code, readable from any origin: a CDN that pulls from here passes these headers on,
  // and the cascade needs CORS to check what it is served (and Timing-Allow-Origin to time it).
  // Every static file has encoded variants (or may): a cache in between must key on Accept-Encoding even
  // for the identity answer, or it hands a brotli client the plain bytes (or the reverse).
  response.setHeader('vary', 'Accept-Encoding');
  if (/[\\/]assets[\\/]/.test(path)) {
    response.setHeader('cache-control', 'public, max-age=31536000, immutable');
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('timing-allow-origin', '*');
  } else response.setHeader('cache-control', 'no-cache');
}

/**
 * Errors Node's HTTP parser finds before Fastify sees a request (headers too large, a request that took
 * too long to arrive, garbage): answered in the API's own error format, then the connection is closed.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const code = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers-too-large' : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request-timeout' : 'invalid-url';
  const apiError = new ApiError(code);
  const body = JSON.stringify(apiError.toBody());
  socket.end(
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-content-type-options: nosniff\r\nconnection: close\r\n\r\n${body}`,
  );
}

function fromFastifyError(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid-json', undefined, `The request body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('body-too-large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported-media-type');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return new ApiError('invalid-json', undefined, `The request body is not valid JSON: ${error.message}`);
  if (error.statusCode === 413) return new ApiError('body-too-large');
  if (error.statusCode === 415) return new ApiError('unsupported-media-type');
  if (error.statusCode === 408) return new ApiError('request-timeout');
  if (error.statusCode === 429) return new ApiError('rate-limited');
  return new ApiError('internal');
}
