import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { protocolLimits } from '../../shared/index.js';
import { ActionEngine } from '../actions/ActionEngine.js';
import type { Database } from '../db/Database.js';
import { ChangeFeed } from '../workspace/ChangeFeed.js';
import { conversationApplier, existingConversations } from '../workspace/conversationApplier.js';
import { MediaSigner } from '../workspace/MediaSigner.js';
import { ApiError } from './ApiError.js';
import { authenticate } from './authenticate.js';
import { actionRoutes } from './routes/actionRoutes.js';
import { eventRoutes } from './routes/eventRoutes.js';
import { mediaRoutes } from './routes/mediaRoutes.js';
import { readRoutes } from './routes/readRoutes.js';
import { publicSessionRoutes, sessionRoutes } from './routes/sessionRoutes.js';
import type { ServerContext } from './ServerContext.js';

export type ServerOptions = {
  db: Database;
  /** The built app (Vite's dist/); served with an SPA fallback when present. */
  staticDir?: string;
  logger?: boolean;
  sessionTtlHours?: number;
  maxBodyBytes?: number;
  maxActionsPerBatch?: number;
  sseHeartbeatMs?: number;
  changePollMs?: number;
};

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const {
    db,
    staticDir,
    logger = false,
    sessionTtlHours = 24 * 14,
    maxBodyBytes = protocolLimits.maxBodyBytes,
    maxActionsPerBatch = protocolLimits.maxActionsPerBatch,
    sseHeartbeatMs = 15_000,
    changePollMs = 2000,
  } = options;

  const feed = new ChangeFeed({ pollIntervalMs: changePollMs });
  const key = await db.query<{ value: string }>(`SELECT value FROM server_settings WHERE key = 'media_signing_key'`);
  const context: ServerContext = {
    db,
    feed,
    signer: new MediaSigner(key.rows[0]!.value),
    engine: new ActionEngine({
      db,
      applier: conversationApplier,
      existingTargets: existingConversations,
      onChange: (tenantId) => feed.notify(tenantId),
    }),
    sessionTtlHours,
    maxActionsPerBatch,
    sseHeartbeatMs,
  };

  const app = Fastify({ logger, bodyLimit: maxBodyBytes });
  // The API speaks JSON only: anything else is a 415, not a string that later fails a schema.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('session', null);
  app.decorateRequest('token', null);
  app.addHook('onClose', async () => feed.close());
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = error instanceof ApiError ? error : fromFastifyError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(apiError.status).send(apiError.toBody());
  });

  await app.register(async (api) => {
    publicSessionRoutes(api, context);
    mediaRoutes(api, context);
  });
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate(db));
    sessionRoutes(api, context);
    readRoutes(api, context);
    actionRoutes(api, context);
    eventRoutes(api, context);
  });

  const hasApp = staticDir !== undefined && existsSync(join(staticDir, 'index.html'));
  if (hasApp) {
    // cacheControl off: @fastify/static would otherwise overwrite ours with `public, max-age=0`.
    await app.register(fastifyStatic, { root: staticDir, wildcard: false, index: false, cacheControl: false, setHeaders: assetHeaders });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    // Deep links such as /conversations/<id> load the app, which routes on the client.
    if (hasApp && request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/media/') && !/\.\w+$/.test(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send(new ApiError('not-found').toBody());
  });
  return app;
}

function assetHeaders(response: { setHeader(name: string, value: string): void }, path: string) {
  // Content-hashed build output can be cached for good; the shell and the service worker must revalidate.
  // Assets are public code, readable from any origin: a CDN that pulls from here passes these headers on,
  // and the cascade needs CORS to check what it is served (and Timing-Allow-Origin to time it).
  if (/[\\/]assets[\\/]/.test(path)) {
    response.setHeader('cache-control', 'public, max-age=31536000, immutable');
    response.setHeader('access-control-allow-origin', '*');
    response.setHeader('timing-allow-origin', '*');
  } else response.setHeader('cache-control', 'no-cache');
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
  return new ApiError('internal');
}
