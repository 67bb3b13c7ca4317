// The CDN cascade: static assets from each host in turn, with per-host health. No DOM: page and worker.
export { AssetCascade, type AssetCascadeOptions, type CascadeEvent } from './AssetCascade.js';
export { tryHosts, type AttemptFailure, type HostTry, type HostsOutcome } from './tryHosts.js';
export { cascadeDefaults } from './cascadeDefaults.js';
export { HostHealth, hostSkipped, type HostHealthOptions, type HostState } from './HostHealth.js';
export { checkAsset, contentTypeMatches, sha256Hex, type AssetExpectation, type ManifestEntry, type Verdict } from './checkAsset.js';
export { fetchWithDeadlines, type Attempt, type Deadlines } from './fetchWithDeadlines.js';
export { BreakerStore } from './breakerStore.js';
export { assetCacheName } from './assetCacheName.js';
export { CascadeMonitor, type CascadeListener, type HostCondition, type HostReport } from './CascadeMonitor.js';
export { cascadeEventMessage, cascadeStateRequest, type BreakerSnapshot, type CascadeNotice, type PassedOver } from './cascadeNotice.js';
export { isRetriable, type AnswerReason, type FailureReason, type SkipReason } from './failureReason.js';
