// The reference server's public names (`holdfast/server`). An app's server side imports only these:
// its ServerApp (actions' apply, reads, routes, migrations) and a two-line main (runServer).
export { buildServer } from './http/buildServer.js';
export { serverDefaults, type ServerOptions } from './http/serverOptions.js';
export { runServer, runSeed, type RunServerOptions } from './runServer.js';
export { readConfig, type ServerConfig } from './config.js';
export type { ServerApp, ChangeModel, ChangePage, Viewer } from './app/ServerApp.js';
export type { ServerContext } from './http/ServerContext.js';
export {
  ActionEngine,
  MissingTargetsError,
  type ActorContext,
  type BatchApplier,
  type HandlerOutcome,
  type TargetLookup,
  type ActionEngineOptions,
} from './actions/ActionEngine.js';
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
// Incidents: one timeline each, in PostgreSQL; outage reports drafted from it (`incident` command, npm run chaos).
export { IncidentStore } from './incidents/IncidentStore.js';
export { draftReport, seriesNames, type Claim, type Evidence, type OutageReport } from './incidents/draftReport.js';
export { reportMarkdown, reportSections, ticketsPlaceholder, type EvidenceLinks } from './incidents/reportMarkdown.js';
export { reportHtml } from './incidents/reportHtml.js';
export { recordWindow, type WindowOptions } from './incidents/recordWindow.js';
export { collectSeries, alertEvents, incidentQueries } from './incidents/collectSeries.js';
export { incidentCommand, incidentUsage, writeDraft } from './incidents/incidentCommand.js';
export type { Incident, IncidentCheck, IncidentEvent, IncidentFindings, IncidentRecording, IncidentSeries, IncidentSource } from './incidents/incident.js';
// Types the names above mention: what a route finds in the ServerContext, and the options' parts.
export type { ActionEnvelope, ActionResult, ApiErrorBody } from '../shared/index.js';
export type { DatabaseListener, ListenHandlers, PoolStats } from './db/Database.js';
export type { PostgresOptions } from './db/openPostgres.js';
export type { ReadReplica } from './db/ReadReplica.js';
export type { ChangeFeed } from './events/ChangeFeed.js';
export type { StreamRegistry } from './events/StreamRegistry.js';
export type { ServerMetrics } from './http/ServerMetrics.js';
export type { LoadShedder } from './http/LoadShedder.js';
export type { FairShare, FairShareOptions } from './http/FairShare.js';
export type { SignInThrottle, SignInThrottleOptions } from './auth/SignInThrottle.js';
export type { SessionIdle, SessionLimits } from './auth/sessions.js';
export type { CrossOriginPolicy } from './http/sessionCookie.js';
export type { TelemetryLimits } from './http/routes/telemetryRoutes.js';
export type { RejectionCode } from '../shared/index.js';
export type { Admission, OpenStream, SafeguardIncident, StreamRegistryOptions } from './events/StreamRegistry.js';
export type { ChangeFeedOptions } from './events/ChangeFeed.js';
export type { FairShareOutcome, Who } from './http/FairShare.js';
export type { ReadReplicaOptions, ReadRoute } from './db/ReadReplica.js';
export type { Reservation, SignInAttempt, ThrottleRule } from './auth/SignInThrottle.js';
export type { ShedRecord } from './http/LoadShedder.js';
export type { StreamOwner } from './events/StreamRegistry.js';
export type { ThrottleKey } from './auth/SignInThrottle.js';
