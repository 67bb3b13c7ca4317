// The server's runtime-neutral parts: no Node built-ins, no Fastify, no file system. What an app's backend
// needs to run somewhere other than the server process — the workspace's in-browser demo runs its action
// engine, migrations and error answers on PGlite in a worker. holdfast/server names the same parts, each
// from its own file, for the server process.
export {
  ActionEngine,
  MissingTargetsError,
  type ActorContext,
  type ActionEngineOptions,
  type BatchApplier,
  type HandlerOutcome,
  type TargetLookup,
} from './actions/ActionEngine.js';
export { tenantMemberIds } from './actions/tenantMemberIds.js';
export { applyMigrations, type MigrationSource } from './db/applyMigrations.js';
export { coreMigrationSources } from './db/coreMigrationSources.js';
export { pgliteDatabase } from './db/pgliteDatabase.js';
export type { Database, Executor, Queryable, Row } from './db/Database.js';
export { ApiError, type AppErrorDefinition } from './http/ApiError.js';
export { parseOr400 } from './http/parse.js';
export { maxCounted, syncQuery } from './http/routes/syncQuery.js';
// Types the names above mention.
export type { ActionEnvelope, ActionResult, ApiErrorBody } from '../shared/index.js';
export type { ApiErrorCode } from './http/ApiError.js';
export type { DatabaseListener, ListenHandlers, PoolStats } from './db/Database.js';
export type { RejectionCode } from '../shared/index.js';
