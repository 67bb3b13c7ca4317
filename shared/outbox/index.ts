// The outbox: durable queue, replay, compaction, batching. Client-side only (IndexedDB, Web Locks).
export { Outbox, type EnqueueOptions, type OutboxOptions } from './Outbox.js';
export { appliedActions, type AppliedAction, type OutboxChange } from './outboxChange.js';
export { OutboxReplayer, serverCouldNotApplyCode, type DrainResult, type OutboxReplayerOptions, type PoisonOptions, type ReplayProgress, type ReplayQueue } from './OutboxReplayer.js';
export { OutboxReplayLeader, type OutboxReplayLeaderOptions } from './OutboxReplayLeader.js';
export { openOutboxDatabase, deleteOutboxDatabase, outboxDatabaseName, outboxDatabasePrefix, outboxMigrations, type OutboxDatabase, type OutboxDatabaseOptions, type OutboxSchema } from './outboxDatabase.js';
export { compactPending, type CompactionRule, type CompactionVerdict } from './compactPending.js';
export { planBatch, type BatchLimits, type BatchPlan } from './planBatch.js';
export { httpBatchTransport, parseRetryAfter, type BatchOutcome, type BatchTransport, type HttpTransportOptions } from './postActionBatch.js';
export type { FailedAction, OutboxEntry, OutboxHealth, PauseReason, ReplayStats } from './outboxTypes.js';
export { outboxLockName, outboxChannelName, backgroundSyncTag, backgroundSyncTagPrefix } from './outboxNames.js';
export { saveReplayCredentials, readReplayCredentials, clearReplayCredentials, type ReplayCredentials } from './replayCredentials.js';
export { replayInServiceWorker, probeFor, type BackgroundReplayOptions } from './replayInServiceWorker.js';
export { OutboxClient, followOutboxChange, type OutboxClientOptions, type OutboxClientPlatform, type OutboxSnapshot, type SettledActions } from './OutboxClient.js';
export { browserOutboxPlatform } from './browserOutboxPlatform.js';
export { PendingOverlay, type TargetOverlay } from './PendingOverlay.js';
