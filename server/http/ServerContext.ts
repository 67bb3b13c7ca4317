import type { ConversationState } from '../../shared/workspace/index.js';
import type { ActionEngine } from '../actions/ActionEngine.js';
import type { Database } from '../db/Database.js';
import type { ChangeFeed } from '../workspace/ChangeFeed.js';
import type { MediaSigner } from '../workspace/MediaSigner.js';

/** What the routes share: built once at start-up by buildServer. */
export type ServerContext = {
  db: Database;
  engine: ActionEngine<ConversationState>;
  feed: ChangeFeed;
  signer: MediaSigner;
  sessionTtlHours: number;
  maxActionsPerBatch: number;
  sseHeartbeatMs: number;
};
