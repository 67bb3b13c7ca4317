import type { ThreadState } from './ThreadCatchUp.js';
import type { EventStreamState, LocalDataLoss, OutboxSnapshot, Reachability, SheddableState } from 'holdfast/client';
import type { Agent, CannedReply, ConversationView, Message, PendingMessage } from '../../shared/client.js';

/** What the workspace's screens read (WorkspaceStore's snapshot). */
export type WorkspaceState = {
  /** The inbox has something to show: local data was read, or a first sync brought some. */
  loaded: boolean;
  reachability: Reachability;
  syncing: boolean;
  /** A first (full) sync under way: changes stored so far of how many. Null otherwise. */
  syncProgress: { done: number; total: number } | null;
  lastSyncAt: string | null;
  /** The server's conversations with the agent's pending actions applied: what the screen shows. */
  conversations: Readonly<Record<string, ConversationView>>;
  /** Loaded conversations' messages, pending replies last (marked `pending`). */
  messages: Readonly<Record<string, readonly (Message | PendingMessage)[]>>;
  agents: readonly Agent[];
  cannedReplies: readonly CannedReply[];
  outbox: OutboxSnapshot;
  /** Another tab of an older release holds the local database open, so this tab's open waits for it. */
  databaseBlocked: boolean;
  /** The server's event stream, one per browser: connected (as its leader tab sees it), held by this tab, events seen. */
  stream: EventStreamState;
  /** The breaker of sheddable calls (presence): open or held while the server sheds or fails them. */
  sheddable: SheddableState;
  /** The conversation on screen: how many of its messages the device holds of how many (ThreadCatchUp). */
  openThread: ThreadState | null;
  /** How long a reply is held for Undo (the agent's setting: 0, 4,000 or 10,000 ms). */
  undoWindowMs: number;
  /** An action the device could not save (its storage is full), said until the agent dismisses it. */
  refusedAction: { message: string; at: number } | null;
  /** The browser deleted the device's data while the session lived on (eviction): said until dismissed. */
  localDataLost: LocalDataLoss | null;
};

export const initialState: WorkspaceState = {
  loaded: false,
  reachability: 'online',
  syncing: false,
  syncProgress: null,
  lastSyncAt: null,
  conversations: {},
  messages: {},
  agents: [],
  cannedReplies: [],
  outbox: { loaded: false, pending: [], failed: [], paused: null, lastPass: null, progress: null },
  databaseBlocked: false,
  stream: { connected: false, leading: false, lastEventId: null, eventsReceived: 0 },
  sheddable: 'closed',
  openThread: null,
  undoWindowMs: 4000,
  refusedAction: null,
  localDataLost: null,
};
