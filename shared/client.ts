// holdfast/client: what an app's page and worker use. The composition root (createOfflineClient) and the
// state it hands out, local storage that survives the browser (versioned databases, the eviction marker,
// the sign-out wipe), the API's regions, updates, sheddable calls, telemetry and the CDN cascade's
// monitor. The parts the root wires (the outbox, its replay, delta sync, the event stream, reachability,
// the cascade's engine) are holdfast/internal: for tests, benchmarks and the framework's own worker parts.
// Kept apart from index.ts so the server never compiles against browser storage types.

// The composition root apps are built on, and what it shows.
export { createOfflineClient } from './offline/createOfflineClient.js';
export type { EventStreamState, OfflineClient, OfflineClientState } from './offline/offlineClient.js';
export type { OfflineClientOptions } from './offline/offlineClientOptions.js';
export { offlineEndpoints } from './offline/offlineEndpoints.js';
export { reachabilityVerdict } from './offline/reachabilityVerdict.js';
export type { Reachability } from './connectivity/ReachabilityMonitor.js';
export type { SyncPageLike } from './sync/DeltaSync.js';
export type { EnqueueOptions } from './outbox/Outbox.js';
export type { OutboxSnapshot, SettledActions } from './outbox/OutboxClient.js';
export type { FailedAction, OutboxEntry, OutboxHealth, PauseReason, ReplayStats } from './outbox/outboxTypes.js';
export { isHeld } from './outbox/outboxTypes.js';
export type { TargetOverlay } from './outbox/PendingOverlay.js';
export type { CompactionRule, CompactionVerdict } from './outbox/compactPending.js';
export { outboxDatabaseName, outboxDatabasePrefix } from './outbox/outboxDatabase.js';
export { minPositionHeader } from './sync/readPosition.js';

// The envelope: ids, errors, limits, text rules, action specs (their schemas stay out of the page's bundle).
export { newActionId } from './core/actionId.js';
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './core/HoldfastError.js';
export { protocolLimits } from './core/protocolLimits.js';
export { hasUnstorableCharacters, isVisiblyEmpty, normalizeText } from './core/textRules.js';
export type { ActionEnvelope, ActionResult, ActionBatchResponse, ApiErrorBody, RejectionCode } from './core/protocol.js';
export { compactionRuleOf, type ActionSpec, type AnyActionSpec, type PayloadSchemaKit } from './core/ActionSpec.js';
export { fullJitterDelay, type BackoffOptions } from './policy/backoff.js';

// Local storage that survives the browser, and leaves with the user.
export { openVersionedDatabase, type Migration, type VersionedDatabaseOptions } from './store/openVersionedDatabase.js';
export { releaseInBackForwardCache, type BackForwardCachePage } from './store/backForwardCache.js';
export { LocalDataMarker, type LocalDataLoss, type LocalDataMark, type MarkerStorage } from './store/LocalDataMarker.js';
export { ExternalStore } from './store/ExternalStore.js';
export { wipeLocalData, askServiceWorkerToWipe, type WipeLocalDataOptions } from './store/wipeLocalData.js';

// The API: requests, regions, calls that may be shed.
export { jsonApi, apiRequestHeaders, type Fetcher, type JsonApiOptions, type JsonRequest } from './http/jsonApi.js';
export { ApiOrigins, type ApiOriginsOptions } from './http/ApiOrigins.js';
export { firstAnswering } from './http/firstAnswering.js';
export { SheddableCalls, type SheddableCallsOptions, type SheddableState } from './policy/SheddableCalls.js';
export { checkSheddable } from './policy/checkSheddable.js';

// Updates and telemetry.
export { ServiceWorkerUpdates, type ServiceWorkerUpdatesOptions, type UpdateState } from './update/ServiceWorkerUpdates.js';
export type { TelemetryEvent, TelemetryKind, TelemetryDetail } from './core/telemetry.js';
export { telemetryLimits, telemetrySentAtHeader } from './core/telemetry.js';
export { TelemetryReporter, type TelemetryReporterOptions } from './telemetry/TelemetryReporter.js';

// The CDN cascade as a page watches it.
export { CascadeMonitor, type CascadeListener, type HostCondition, type HostReport } from './cascade/CascadeMonitor.js';
export { cascadeEventMessage, cascadeStateRequest, type BreakerSnapshot, type CascadeNotice, type PassedOver } from './cascade/cascadeNotice.js';
export type { AnswerReason, FailureReason, SkipReason } from './cascade/failureReason.js';
export { assetCacheName } from './cascade/assetCacheName.js';
export type { ManifestEntry } from './cascade/checkAsset.js';

// Types the names above mention (an options object's platform, a result's parts), for apps to name them too.
export type { AppliedAction } from './outbox/outboxChange.js';
export type { DrainResult, ReplayProgress } from './outbox/OutboxReplayer.js';
export type { OutboxClientPlatform } from './outbox/OutboxClient.js';
export type { ReachabilityPlatform } from './connectivity/ReachabilityMonitor.js';
export type { HostState } from './cascade/HostHealth.js';
export type { storableText } from './core/textSchemas.js';
export type { telemetryKinds } from './core/telemetry.js';
export type { TextSchemaOptions } from './core/textSchemas.js';
