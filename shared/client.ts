// The framework core's client-side names (page and service worker): local store, sync, connectivity.
// Kept apart from index.ts so the server never compiles against browser storage types.
export { openVersionedDatabase, type Migration, type VersionedDatabaseOptions } from './store/openVersionedDatabase.js';
export { releaseInBackForwardCache, type BackForwardCachePage } from './store/backForwardCache.js';
export { LocalDataMarker, type LocalDataLoss, type LocalDataMark, type MarkerStorage } from './store/LocalDataMarker.js';
export { ExternalStore } from './store/ExternalStore.js';
export { DeltaSync, type DeltaSyncOptions, type PullResult, type SyncPageLike } from './sync/DeltaSync.js';
export { minPositionHeader, eventReadPosition } from './sync/readPosition.js';
export { pushedPage } from './sync/pushedPage.js';
export {
  ReachabilityMonitor,
  type Reachability,
  type ReachabilityOptions,
  type ReachabilityPlatform,
} from './connectivity/ReachabilityMonitor.js';
export { fullJitterDelay, type BackoffOptions } from './policy/backoff.js';
export * from './outbox/index.js';
// The envelope's types and helpers; the schemas themselves (zod) stay out of the page's bundle.
export * from './envelope.js';
export * from './cascade/index.js';
export { browserReachabilityPlatform } from './connectivity/browserReachabilityPlatform.js';
export { jsonApi, apiRequestError, apiRequestHeaders, type Fetcher, type JsonApiOptions, type JsonRequest } from './http/jsonApi.js';
export { ApiOrigins, type ApiOriginsOptions } from './http/ApiOrigins.js';
export { firstAnswering } from './http/firstAnswering.js';
export { wipeLocalData, askServiceWorkerToWipe, type WipeLocalDataOptions } from './store/wipeLocalData.js';
export { ServiceWorkerUpdates, type ServiceWorkerUpdatesOptions, type UpdateState } from './update/ServiceWorkerUpdates.js';
export { skipWaitingMessage, isSkipWaitingMessage } from './update/skipWaitingMessage.js';
export { readEventStream, type EventStreamOptions } from './realtime/readEventStream.js';
export { SharedEventStream, type SharedEventStreamOptions } from './realtime/SharedEventStream.js';
export { SheddableCalls, type SheddableCallsOptions, type SheddableState } from './policy/SheddableCalls.js';
export { sheddableRefused, checkSheddable } from './policy/checkSheddable.js';
export type { TelemetryEvent, TelemetryKind, TelemetryDetail } from './core/telemetry.js';
export { TelemetryReporter, type TelemetryReporterOptions } from './telemetry/TelemetryReporter.js';
// The composition root apps are built on.
export { createOfflineClient, type OfflineClient, type OfflineClientState, type EventStreamState } from './offline/createOfflineClient.js';
export { type OfflineClientOptions } from './offline/offlineClientOptions.js';
export { offlineEndpoints } from './offline/offlineEndpoints.js';
export { reachabilityVerdict } from './offline/reachabilityVerdict.js';
