import { fileURLToPath } from 'node:url';
import { ApiError, coreMigrations, type ChangeModel, type Database, type MigrationSet, type ServerApp } from 'holdfast/server';
import { workspaceActions } from '../shared/index.js';
import { conversationApplier, existingConversations } from './conversationApplier.js';
import { mediaUrlDefaults, MediaSigner } from './MediaSigner.js';
import { loadMediaKeys } from './mediaKeys.js';
import { countChangesAfter, latestSequences, syncSince, type SyncPage } from './readModels.js';
import { demoAccountRoutes } from './routes/demoAccountRoutes.js';
import { mediaRoutes } from './routes/mediaRoutes.js';
import { readRoutes } from './routes/readRoutes.js';
import { presenceRoutes } from './routes/presenceRoutes.js';
import { conversationNotFound } from './workspaceErrors.js';

/**
 * The workspace's migrations, then the framework's core set: the workspace's 001 made the core tables
 * before the core set existed, and the core set's IF NOT EXISTS leaves them as they are.
 */
export const workspaceMigrations: readonly MigrationSet[] = [{ directory: fileURLToPath(new URL('./migrations', import.meta.url)) }, coreMigrations];

/** The agent workspace's server side, composed on the framework's server. */
export async function workspaceServerApp(db: Database): Promise<ServerApp> {
  const ttl = Number(process.env.MEDIA_URL_TTL_SECONDS ?? mediaUrlDefaults.ttlSeconds);
  if (!Number.isFinite(ttl) || ttl <= 0) throw new Error(`MEDIA_URL_TTL_SECONDS must be a positive number, got "${process.env.MEDIA_URL_TTL_SECONDS}".`);
  const signer = new MediaSigner({ keys: await loadMediaKeys(db), ttlSeconds: ttl });
  // A rotation (npm run rotate-media-key) reaches every node within a minute.
  const reload = setInterval(
    () =>
      void loadMediaKeys(db).then(
        (keys) => signer.useKeys(keys),
        () => undefined,
      ),
    60_000,
  );
  reload.unref();
  const changes: ChangeModel<SyncPage> = {
    page: (queryable, tenantId, cursor, limit) => syncSince(queryable, tenantId, cursor, limit, signer),
    itemCount: (page) => page.conversations.length + page.messages.length,
    latestSequences,
    countChangesAfter,
  };
  return {
    name: 'agent workspace',
    actions: workspaceActions,
    applier: conversationApplier,
    existingTargets: existingConversations,
    missingTargets: (ids) => new ApiError(conversationNotFound, { conversationIds: ids }),
    changes,
    routes: (api) => {
      readRoutes(api, db, signer);
      presenceRoutes(api, db);
    },
    publicRoutes: (api) => {
      mediaRoutes(api, db, signer);
      demoAccountRoutes(api, db);
    },
    serverPaths: ['/media/'],
    migrations: workspaceMigrations,
  };
}
