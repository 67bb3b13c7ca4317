import { apiRequestHeaders, type Fetcher } from '../http/jsonApi.js';
import type { ReachabilityPlatform } from '../connectivity/ReachabilityMonitor.js';
import { browserReachabilityPlatform } from '../connectivity/browserReachabilityPlatform.js';
import { browserOutboxPlatform } from '../outbox/browserOutboxPlatform.js';
import type { CompactionRule } from '../outbox/compactPending.js';
import type { OutboxClientPlatform, SettledActions } from '../outbox/OutboxClient.js';
import type { SyncPageLike } from '../sync/DeltaSync.js';
import { offlineEndpoints } from './offlineEndpoints.js';

export type OfflineClientOptions<Page extends SyncPageLike> = {
  /**
   * Names this user's outbox database, its lock, channel and sync tag, the event stream's channel and the
   * replay credentials: one per app, tenant and user (e.g. `notes:<tenant>:<member>`). Never change it for
   * existing users: their queued actions are found by it.
   */
  scope: string;
  network?: {
    /** Sends a call, given its path; default: the global fetch of `url(path)`. ApiOrigins' fetch sends each to the region in rotation. */
    fetch?: Fetcher;
    /** Makes a path a URL (ApiOrigins.url), for the event stream and the default fetch; default: the page's origin. */
    url?: (path: string) => string;
    /** The API's regions, for the worker's replay (ApiOrigins.list). */
    origins?: readonly string[];
    /** Sent with every call; default: the reference server's CSRF header (apiRequestHeaders). */
    headers?: Record<string, string>;
    /** A sync page's deadline, or a function asked at each request; default 5 s. */
    readTimeoutMs?: number | (() => number);
  };
  /** Default: offlineEndpoints. `events: null`: no event stream; the client polls every `sync.pollMs` (as it does while a stream is down). */
  endpoints?: { actions?: string; events?: string | null; health?: string };
  sync: {
    /** One page of changes after `cursor`; `first` when the device holds nothing yet; `minPosition` for read replicas. */
    fetchPage(cursor: string, signal: AbortSignal, hints: { first: boolean; minPosition?: string }): Promise<Page>;
    /** Stores a page: its data and its cursor in one IndexedDB transaction, the stored cursor only forward. */
    applyPage(page: Page): Promise<void>;
    /** The stored cursor, undefined when nothing is stored. */
    readStoredCursor(): Promise<string | undefined>;
    /** Whether an event's data is a page of this app (a pushed page); anything else prompts a pull. */
    isPage(value: Record<string, unknown>): boolean;
    /** Fetch the next page while one is stored; default true. */
    prefetch?: boolean;
    /** How often to pull while online without an event stream, or while the stream is down; default 5 s. */
    pollMs?: number;
  };
  compaction?: CompactionRule;
  /** An older release's name for the target field, read from actions it queued (OutboxClientOptions). */
  legacyTargetField?: string;
  /** Storage full as an action is queued: free what can be fetched again (a media cache), then it retries. */
  makeRoom?: () => Promise<void>;
  /** The server applied, refused or dropped queued actions (their state, for the app's local copy). */
  onSettled?: (settled: SettledActions) => void;
  /** The server refused the session: the replay credentials are already cleared. */
  onSessionExpired?: () => void;
  /** Connected again (online, a stream reconnected or told to resync): what was missed may be fetched. */
  onReconnected?: () => void;
  /** Save the replay credentials at start, for Background Sync with every tab closed; default true (false in a demo). */
  backgroundReplay?: boolean;
  /** The browser's parts (default: the page's); a test or another runtime passes its own. */
  platform?: {
    reachability?: (probe: ReachabilityPlatform['probe']) => ReachabilityPlatform;
    outbox?: OutboxClientPlatform;
  };
  signOut: {
    /** Ends the server's session (POST /api/logout); its failure offline does not stop the wipe. */
    endSession(): Promise<unknown>;
    /** The app's own IndexedDB databases for this user (the outbox's is added). */
    databases(): readonly string[];
    /** Caches holding this user's data, deleted too (e.g. cached images). */
    isUserDataCache?: (cacheName: string) => boolean;
    /** Asks the app's worker to drop what it holds for the user (sw/wipeOnSignOut). */
    workerMessage?: string;
  };
};

/** The options with every default filled in: where the client's defaults are set (the default url and fetch are in createOfflineClient). */
export function offlineClientDefaults<Page extends SyncPageLike>(options: OfflineClientOptions<Page>) {
  return {
    ...options,
    network: { headers: apiRequestHeaders, readTimeoutMs: 5000, ...options.network },
    endpoints: { ...offlineEndpoints, ...options.endpoints },
    sync: { prefetch: true, pollMs: 5000, ...options.sync },
    onSettled: options.onSettled ?? (() => {}),
    onSessionExpired: options.onSessionExpired ?? (() => {}),
    onReconnected: options.onReconnected ?? (() => {}),
    backgroundReplay: options.backgroundReplay ?? true,
    signOut: { isUserDataCache: () => false, ...options.signOut },
    platform: { reachability: browserReachabilityPlatform, outbox: browserOutboxPlatform(), ...options.platform },
  };
}
