// holdfast/internal: the parts holdfast/client's composition root wires, for tests, benchmarks and the
// framework's own worker parts. Browser-safe (no Node); the server's internals are holdfast/internal/server.
// Not a stable API: names here may change with any release.
export { DeltaSync, type DeltaSyncOptions, type PullResult } from './sync/DeltaSync.js';
export { eventReadPosition } from './sync/readPosition.js';
export { pushedPage } from './sync/pushedPage.js';
export { ReachabilityMonitor, type ReachabilityOptions, type ReachabilityPlatform } from './connectivity/ReachabilityMonitor.js';
export { browserReachabilityPlatform } from './connectivity/browserReachabilityPlatform.js';
export { apiRequestError } from './http/jsonApi.js';
export { skipWaitingMessage, isSkipWaitingMessage } from './update/skipWaitingMessage.js';
export { readEventStream, type EventStreamOptions } from './realtime/readEventStream.js';
export { SharedEventStream, type SharedEventStreamOptions } from './realtime/SharedEventStream.js';
export { LeaderLease, leaseDefaults, type LeaderLeaseOptions } from './leadership/LeaderLease.js';
export { sheddableRefused } from './policy/checkSheddable.js';

// The outbox: durable queue, replay, compaction, batching.
export { Outbox, type OutboxOptions } from './outbox/Outbox.js';
export { appliedActions, type AppliedAction, type OutboxChange } from './outbox/outboxChange.js';
export {
  OutboxReplayer,
  serverCouldNotApplyCode,
  type DrainResult,
  type OutboxReplayerOptions,
  type PoisonOptions,
  type ReplayProgress,
  type ReplayQueue,
} from './outbox/OutboxReplayer.js';
export { OutboxReplayLeader, type OutboxReplayLeaderOptions } from './outbox/OutboxReplayLeader.js';
export { openOutboxDatabase, outboxMigrations, type OutboxDatabase, type OutboxDatabaseOptions, type OutboxSchema } from './outbox/outboxDatabase.js';
export { compactPending } from './outbox/compactPending.js';
export { planBatch, type BatchLimits, type BatchPlan } from './outbox/planBatch.js';
export { httpBatchTransport, parseRetryAfter, type BatchOutcome, type BatchTransport, type HttpTransportOptions } from './outbox/postActionBatch.js';
export { outboxLockName, outboxChannelName, backgroundSyncTag, backgroundSyncTagPrefix } from './outbox/outboxNames.js';
export { saveReplayCredentials, readReplayCredentials, clearReplayCredentials, type ReplayCredentials } from './outbox/replayCredentials.js';
export { replayInServiceWorker, probeFor, type BackgroundReplayOptions } from './outbox/replayInServiceWorker.js';
export { OutboxClient, followOutboxChange, type OutboxClientOptions, type OutboxClientPlatform } from './outbox/OutboxClient.js';
export { browserOutboxPlatform } from './outbox/browserOutboxPlatform.js';
export { PendingOverlay } from './outbox/PendingOverlay.js';

// The CDN cascade's engine.
export { AssetCascade, type AssetCascadeOptions, type CascadeEvent } from './cascade/AssetCascade.js';
export { tryHosts, type AttemptFailure, type HostTry, type HostsOutcome } from './cascade/tryHosts.js';
export { cascadeDefaults } from './cascade/cascadeDefaults.js';
export { HostHealth, hostSkipped, type HostHealthOptions, type HostState } from './cascade/HostHealth.js';
export { checkAsset, contentTypeMatches, sha256Hex, type AssetExpectation, type Verdict } from './cascade/checkAsset.js';
export { fetchWithDeadlines, type Attempt, type Deadlines } from './cascade/fetchWithDeadlines.js';
export { BreakerStore } from './cascade/breakerStore.js';
export { isRetriable } from './cascade/failureReason.js';
