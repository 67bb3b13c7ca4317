// The framework's service-worker parts (Workbox underneath). An app composes its worker from them in a
// short entry of its own (the workspace's: app/worker/sw.ts); nothing here knows the app.
export { serveAppShell, type AppShellOptions } from './serveAppShell.js';
export { cacheMedia, defaultMediaLimits, type MediaCacheOptions } from './cacheMedia.js';
export { routeAssetsThroughCascade, type AssetCascadeRouteOptions } from './routeAssetsThroughCascade.js';
export { replayOutboxOnSync, type OutboxSyncOptions } from './replayOutboxOnSync.js';
export { wipeOnSignOut, type WipeOptions } from './wipeOnSignOut.js';
export { collectTelemetry, type TelemetryOptions, type TelemetryCollector } from './collectTelemetry.js';
// Types the names above mention.
export type { BackgroundReplayOptions } from '../shared/internal.js';
export type { ManifestEntry, TelemetryEvent } from '../shared/client.js';
export type { CompactionRule, TelemetryDetail, TelemetryKind } from '../shared/client.js';
export type { ActionEnvelope, CompactionVerdict, telemetryKinds } from '../shared/client.js';
