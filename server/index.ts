// The reference server's public names (`holdfast/server`). An app's server side imports only these:
// its ServerApp (actions' apply, reads, routes, migrations) and a two-line main (runServer).
export { buildServer } from './http/buildServer.js';
export { serverDefaults, type ServerOptions } from './http/serverOptions.js';
export { runServer, runSeed, type RunServerOptions } from './runServer.js';
export { readConfig, type ServerConfig } from './config.js';
export type { ServerApp, ChangeModel, ChangePage } from './app/ServerApp.js';
export type { ServerContext } from './http/ServerContext.js';
export { ActionEngine, MissingTargetsError, type ActorContext, type BatchApplier, type HandlerOutcome, type TargetLookup, type ActionEngineOptions } from './actions/ActionEngine.js';
export { tenantMemberIds } from './actions/tenantMemberIds.js';
export type { Database, Executor, Queryable, Row } from './db/Database.js';
export { migrate, migrationNames, coreMigrations, readMigrationSources, type MigrationSet } from './db/migrate.js';
export { applyMigrations, type MigrationSource } from './db/applyMigrations.js';
export { openDatabase, type OpenDatabaseOptions } from './db/openDatabase.js';
export { openPglite } from './db/openPglite.js';
export { openPostgres } from './db/openPostgres.js';
export { ApiError, type ApiErrorCode, type AppErrorDefinition } from './http/ApiError.js';
export { sessionOf } from './http/authenticate.js';
export { parseOr400 } from './http/parse.js';
export { hashPassword, verifyPassword } from './auth/passwords.js';
export { addAgent, minPasswordLength, type NewAgent } from './auth/addAgent.js';
export type { Session } from './auth/sessions.js';
export { sheddable, withStatementTimeout, criticalityOf, type Criticality } from './http/criticality.js';
export type { LoadShedderOptions, PressureReason } from './http/LoadShedder.js';
