import type { ConversationState } from '../../shared/workspace/index.js';
import type { ActionEngine } from '../actions/ActionEngine.js';
import type { AccountLockout } from '../auth/AccountLockout.js';
import type { Database } from '../db/Database.js';
import type { ChangeFeed } from '../events/ChangeFeed.js';
import type { StreamRegistry } from '../events/StreamRegistry.js';
import type { MediaSigner } from '../workspace/MediaSigner.js';

/** What the routes share: built once at start-up by buildServer. */
export type ServerContext = {
  db: Database;
  engine: ActionEngine<ConversationState>;
  feed: ChangeFeed;
  streams: StreamRegistry;
  signer: MediaSigner;
  sessionTtlSeconds: number;
  maxActionsPerBatch: number;
  sseHeartbeatMs: number;
  events: { maxCatchUp: number; retryAfterSeconds: number };
  login: { maxPerAddressPerMinute: number; lockout: AccountLockout };
};
