import type { ApiOrigins } from 'holdfast/client';
import type { Agent } from '../../shared/client.js';
import type { ApiClient } from '../api/ApiClient.js';

export type WorkspaceStoreOptions = {
  api: ApiClient;
  /** The API's regions: the outbox, the readiness probe and the event stream follow the one in rotation. */
  origins?: ApiOrigins;
  tenantId: string;
  me: Agent;
  /** The API refused our token (the outbox got a 401): the app asks the agent to sign in again. */
  onSessionExpired?: () => void;
  /** How long a reply can still be taken back before it may be sent; default 4 s (the agent changes it: setUndoWindow). */
  undoWindowMs?: number;
  /** Deadline for each read from the server; the screen never waits on it. Default 5 s. */
  readTimeoutMs?: number;
  /** The conversation in the URL at a cold start: read before the inbox, so a deep link renders first. */
  initialConversationId?: string;
  /** Fetch the next sync page while one is stored (default true); see DeltaSync's `prefetch`. */
  syncPrefetch?: boolean;
  /** Another tab runs a newer release that upgraded the local database; default: reload onto it. */
  onNewerRelease?: () => void;
  /** Save where the worker replays to (Background Sync with every tab closed); default true, false in the demo. */
  backgroundReplay?: boolean;
  /** Ends the server's session at sign-out (beside the wipe, never before it). */
  endSession?: () => Promise<unknown>;
};

/** The options with every default filled in: the one place they are set. */
export function workspaceStoreDefaults(options: WorkspaceStoreOptions) {
  return {
    readTimeoutMs: 5000,
    initialConversationId: '',
    syncPrefetch: true,
    onNewerRelease: () => location.reload(),
    undoWindowMs: 4000,
    onSessionExpired: () => {},
    backgroundReplay: true,
    endSession: async (): Promise<unknown> => undefined,
    ...options,
  };
}

/**
 * A read's deadline: `readTimeoutMs` (5 s), stretched up to 4× on a network whose answers are slow
 * (4× the region's p95): a slow network is not a dead server.
 */
export function readDeadlineMs(options: Pick<WorkspaceStoreOptions, 'origins'> & { readTimeoutMs: number }): number {
  return options.origins?.deadlineMs(options.readTimeoutMs) ?? options.readTimeoutMs;
}
