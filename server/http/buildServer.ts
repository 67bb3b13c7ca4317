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
import { minPositionHeader } from '../../shared/index.js';
import { ActionEngine } from '../actions/ActionEngine.js';
import { purgeKnownDevices } from '../auth/knownDevices.js';
import { liveSessions, purgeExpiredSessions } from '../auth/sessions.js';
import { SignInThrottle } from '../auth/SignInThrottle.js';
import { ReadReplica } from '../db/ReadReplica.js';
import { ChangeFeed } from '../events/ChangeFeed.js';
import { StreamRegistry, type SafeguardIncident } from '../events/StreamRegistry.js';
import { ServerMetrics } from './ServerMetrics.js';
import { LoadShedder } from './LoadShedder.js';
import { statusRoutes } from './routes/statusRoutes.js';
import type { ServerApp } from '../app/ServerApp.js';
import { ApiError } from './ApiError.js';
import { apiContentSecurityPolicy, baseSecurityHeaders, loadAppShell, newNonce, readSecurityManifest } from './appShell.js';
import { authenticate } from './authenticate.js';
import { actionRoutes } from './routes/actionRoutes.js';
import { cspReportRoutes } from './routes/cspReportRoutes.js';
import { eventRoutes } from './routes/eventRoutes.js';
import { databaseHealth, healthRoutes } from './routes/healthRoutes.js';
import { syncRoutes } from './routes/syncRoutes.js';
import { purgeTelemetry, telemetryRoutes } from './routes/telemetryRoutes.js';
import { publicSessionRoutes, sessionRoutes } from './routes/sessionRoutes.js';
import { isSecure } from './sessionCookie.js';
import { errorWithoutData } from './logSerializers.js';
import { FairShare } from './FairShare.js';
import { registerFairShare } from './fairShareHooks.js';
import type { ServerContext } from './ServerContext.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerOptions } from './serverOptions.js';

export type { ServerOptions } from './serverOptions.js';

declare module 'fastify' {
  interface FastifyInstance {
    holdfast: ServerContext;
  }
}

/** The NOTIFY channel of changes (payload `<tenant>:<sequence>`), shared by every process of a deployment. */
const changeChannel = 'holdfast_changes';

/**
 * The reference server: an app's actions, sync, events, sessions and health over Fastify, with the
 * framework's safeguards (shedding, fair shares, stream caps, sign-in throttle). Options are grouped by
 * concern; every default is in `serverDefaults` (serverOptions.ts).
 */
export async function buildServer(input: ServerOptions): Promise<FastifyInstance> {
  const options = resolveServerOptions(input);
  // The safeguard's watchdog reports to the server's log, which exists once the app below is built.
  let reportRecovery = (incident: SafeguardIncident) => console.warn('stream safeguard recovered', incident);
  const context = await serverContext(options, (incident) => reportRecovery(incident));
  const app = fastifyFor(options);
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
  await registerPlugins(app, context);
  await startHousekeeping(app, context, options.sessions.purgeIntervalMs);
  const isServerPath = answeredByServer(options.app);
  addHooks(app, context, options, isServerPath);
  await registerRoutes(app, context);
  await serveTheApp(app, options, isServerPath);
  return app;
}

/** The parts the routes share, started: streams, the change feed, metrics, reads, shedding, fair shares, the engine. */
async function serverContext(options: ResolvedServerOptions, onRecovered: (incident: SafeguardIncident) => void): Promise<ServerContext> {
  const { db, app: serverApp, streams: streamOptions } = options;
  const sessions = {
    ttlSeconds: Math.round(options.sessions.ttlHours * 3600),
    idleSeconds: Math.round(options.sessions.idleMinutes * 60),
    maxPerAgent: options.sessions.maxPerAgent,
  };
  const streams = new StreamRegistry({
    maxPerAgent: streamOptions.maxPerAgent,
    maxPerProcess: streamOptions.maxPerProcess,
    sessionCheckMs: streamOptions.sessionCheckMs,
    auditMs: streamOptions.auditMs,
    liveSessions: (hashes) => liveSessions(db, hashes, sessions),
    onRecovered,
  });
  // PostgreSQL: other processes' changes arrive by LISTEN/NOTIFY. PGlite: this is the only process.
  const listen = db.listen?.bind(db);
  const feed = new ChangeFeed({
    latestSequences: (tenantIds) => serverApp.changes.latestSequences(db, tenantIds),
    listen: listen && ((handlers) => listen(changeChannel, handlers)),
    pollIntervalMs: streamOptions.changePollMs,
    onPollError: (error) => console.warn('change feed: catch-up read or listener failed', error),
  });
  await feed.start();
  const metrics = new ServerMetrics(streams, db, { assetHosts: options.staticDir ? readSecurityManifest(options.staticDir).cdnHosts : [] });
  metrics.watchFeed(feed);
  const reads = new ReadReplica({ primary: db, replica: options.readReplica?.db, maxWaitMs: options.readReplica?.maxWaitMs });
  metrics.watchReplica(reads);
  const shedder = new LoadShedder(db, options.shedding === false ? { enabled: false } : options.shedding, (record) => metrics.countShed(record));
  metrics.watchLoad(shedder);
  const fairShare = new FairShare(options.fairShare === false ? { enabled: false, maxConcurrent: 1 } : options.fairShare, (outcome) =>
    metrics.countFairShare(outcome),
  );
  const engine = new ActionEngine({
    db,
    applier: serverApp.applier,
    existingTargets: serverApp.existingTargets,
    createsTarget: serverApp.createsTarget,
    onChange: (tenantId) => feed.notify(tenantId),
    notifyChannel: listen ? changeChannel : undefined,
  });
  const { allowedOrigins, cookieDomain, cookieSecure } = options.crossOrigin;
  return {
    db,
    reads,
    app: serverApp,
    feed,
    streams,
    metrics,
    shedder,
    fairShare,
    engine,
    sessions,
    crossOrigin: { allowedOrigins, cookieDomain, forceSecure: cookieSecure },
    maxActionsPerBatch: options.limits.maxActionsPerBatch,
    sseHeartbeatMs: streamOptions.heartbeatMs,
    events: { maxCatchUp: streamOptions.maxCatchUp, retryAfterSeconds: streamOptions.retryAfterSeconds, maxCarryChars: streamOptions.maxCarryChars },
    login: { maxPerAddressPerMinute: options.login.maxPerAddressPerMinute, throttle: new SignInThrottle(db, options.login.throttle) },
    telemetry: options.telemetry,
  };
}

/** Fastify with the server's logging, body limit, trusted proxies and Node's own timers. */
function fastifyFor(options: ResolvedServerOptions): FastifyInstance {
  const { requestMs, idleMs } = options.timeouts;
  return Fastify({
    logger: { level: options.logging.level, serializers: { err: errorWithoutData } },
    logController: new LogController({ disableRequestLogging: !options.logging.requests }),
    genReqId: () => randomUUID(),
    // proxy-addr's list: only these peers may say who the client is and which scheme it used.
    trustProxy: options.crossOrigin.trustProxy.length > 0 ? [...options.crossOrigin.trustProxy] : false,
    bodyLimit: options.limits.maxBodyBytes,
    // Node's own timers, with a 1 s check instead of its default 30 s: a body trickled byte by byte is cut
    // off near the deadline, not half a minute after it.
    serverFactory: (handler) => {
      const server = createServer({ requestTimeout: requestMs, headersTimeout: Math.min(requestMs, 20_000), connectionsCheckingInterval: 1000 }, handler);
      server.setTimeout(idleMs);
      return server;
    },
    // Fastify's own error bodies for a malformed URL or a bad request line would otherwise leak through.
    frameworkErrors: (error, request, reply) => {
      request.log.info({ err: error }, 'malformed request');
      void (reply as unknown as FastifyReply).code(400).send(new ApiError('invalid-url').toBody());
    },
    clientErrorHandler: answerClientError,
  });
}

/** Shedding first, then compression, cookies, CORS for the API's regions, and rate limits. */
async function registerPlugins(app: FastifyInstance, context: ServerContext): Promise<void> {
  // First of all hooks: a shed request costs no authentication and no database work.
  await context.shedder.register(app);
  // Dynamic answers (the shell with its nonce, sync pages, lists) compressed per request, by
  // Accept-Encoding; the build's static files are compressed once at build time (preCompressed below), and
  // an answer that already has a Content-Encoding is left as it is. Brotli at quality 4 rather than zlib's
  // default 11: per request, 11 costs tens of milliseconds of CPU for a few percent fewer bytes. Event
  // streams are hijacked and never buffered by this.
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
}

/**
 * Housekeeping on every node (each statement is idempotent): expired and idle sessions, old throttle
 * counts, forgotten devices, telemetry past its retention. Once now, then every `intervalMs`.
 */
async function startHousekeeping(app: FastifyInstance, context: ServerContext, intervalMs: number): Promise<void> {
  const { db, sessions } = context;
  const purge = () =>
    Promise.all([
      purgeExpiredSessions(db, sessions),
      SignInThrottle.purge(db),
      purgeKnownDevices(db),
      purgeTelemetry(db, context.telemetry.retentionDays),
    ]).then(
      ([count]) => count > 0 && app.log.info({ count }, 'purged expired sessions'),
      (error: unknown) => app.log.error({ err: error }, 'purging expired sessions failed'),
    );
  const purgeTimer = setInterval(() => void purge(), intervalMs);
  purgeTimer.unref();
  await purge();
  app.addHook('onClose', async () => {
    clearInterval(purgeTimer);
    context.streams.close();
    await context.feed.close();
  });
}

/** Paths the server answers itself: never the app shell, and always under the API's strict policy. */
function answeredByServer(serverApp: ServerApp): (path: string) => boolean {
  const serverPaths = ['/api/', '/healthz', '/readyz', '/metrics', '/status', ...(serverApp.serverPaths ?? [])];
  return (path) => serverPaths.some((prefix) => path.startsWith(prefix));
}

/** Metrics, the headers every answer carries, and errors in the API's own format. */
function addHooks(app: FastifyInstance, context: ServerContext, options: ResolvedServerOptions, isServerPath: (path: string) => boolean): void {
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
    if (apiError.status >= 500 && apiError.code !== 'too-many-streams' && apiError.code !== 'statement-timeout')
      request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
    return reply.code(apiError.status).send(apiError.toBody(apiError.status >= 500 ? request.id : undefined));
  });
}

/** The public routes (sign-in, reports, health), then everything behind a session. */
async function registerRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const serverApp = context.app;
  await app.register(async (api) => {
    publicSessionRoutes(api, context);
    cspReportRoutes(api, context);
    const health = databaseHealth(context);
    context.metrics.watchDatabase(health);
    healthRoutes(api, context, health);
    statusRoutes(api, context, health);
    serverApp.publicRoutes?.(api, context);
  });
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate(context.db, context.crossOrigin, context.sessions));
    registerFairShare(api, context.fairShare);
    sessionRoutes(api, context);
    syncRoutes(api, context);
    actionRoutes(api, context);
    eventRoutes(api, context);
    telemetryRoutes(api, context);
    serverApp.routes?.(api, context);
  });
}

/** The built app, when there is one: its files, and its shell (with a nonce) for every deep link. */
async function serveTheApp(app: FastifyInstance, options: ResolvedServerOptions, isServerPath: (path: string) => boolean): Promise<void> {
  const { staticDir, serveSourceMaps } = options;
  const shell = staticDir === undefined ? null : loadAppShell(staticDir);
  if (shell && staticDir) {
    // cacheControl off: @fastify/static would otherwise overwrite ours with `public, max-age=0`. The shell
    // itself is answered below (with its nonce and policy); maps only when configured.
    await app.register(fastifyStatic, {
      root: staticDir,
      wildcard: false,
      index: false,
      // The build writes `.br` and `.gz` beside each text file (holdfast/build's precompressPlugin): sent by
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
      return reply
        .header('cache-control', 'no-cache')
        .header('content-security-policy', shell.policy(nonce))
        .type('text/html; charset=utf-8')
        .send(shell.html(nonce));
    }
    return reply.code(404).send(new ApiError('not-found').toBody());
  });
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
  if (error instanceof SyntaxError || error.statusCode === 400)
    return new ApiError('invalid-json', undefined, `The request body is not valid JSON: ${error.message}`);
  if (error.statusCode === 413) return new ApiError('body-too-large');
  if (error.statusCode === 415) return new ApiError('unsupported-media-type');
  if (error.statusCode === 408) return new ApiError('request-timeout');
  if (error.statusCode === 429) return new ApiError('rate-limited');
  return new ApiError('internal');
}
