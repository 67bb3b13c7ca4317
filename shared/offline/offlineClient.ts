import type { Reachability } from '../connectivity/ReachabilityMonitor.js';
import type { ActionEnvelope } from '../core/protocol.js';
import type { EnqueueOptions } from '../outbox/Outbox.js';
import type { OutboxSnapshot } from '../outbox/OutboxClient.js';
import type { OutboxHealth } from '../outbox/outboxTypes.js';
import type { TargetOverlay } from '../outbox/PendingOverlay.js';

/** The event stream as a status view shows it. */
export type EventStreamState = { connected: boolean; leading: boolean; lastEventId: string | null; eventsReceived: number };

/** Everything the framework knows about this client's connection, queue and sync: one snapshot. */
export type OfflineClientState = {
  reachability: Reachability;
  outbox: OutboxSnapshot;
  syncing: boolean;
  /** The server refused the session (401): replay stopped until the user signs in again. */
  sessionExpired: boolean;
  stream: EventStreamState;
};

/** What `createOfflineClient` returns: one object an app's store composes (see docs/build-an-app.md). */
export type OfflineClient = {
  subscribe(listener: () => void): () => void;
  getSnapshot(): OfflineClientState;
  /** Connects: replay credentials for the worker, the outbox, reachability, the event stream (or polling), a first pull. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Queues an action durably; it is drawn over the server state (`overlays`) until a sync brings its effect. */
  act(action: ActionEnvelope, options?: EnqueueOptions): Promise<void>;
  /** Takes a held action back; false when it is already on its way (then it stays drawn). */
  cancel(actionId: string): Promise<boolean>;
  retry(actionId: string, replacement?: ActionEnvelope): Promise<void>;
  discard(actionId: string): Promise<void>;
  /** Pulls every change since this tab's cursor; failures only change `reachability`. */
  syncNow(): Promise<void>;
  /** Per target, the actions to draw over the server's state: pending ones, and applied ones not yet synced. */
  overlays(): Map<string, TargetOverlay>;
  /**
   * The local state this tab read (from IndexedDB, in one transaction with the stored cursor) reaches
   * `cursor`: its pulls start there. Another tab may move the stored cursor past what this tab holds.
   */
  readFrom(cursor: string | undefined): void;
  /** An app's own read failed: counted by the same rule as the client's (see reachabilityVerdict). */
  noteRead(outcome: unknown): void;
  /** An app's own read was answered: the server is reachable. */
  noteAnswered(): void;
  health(): Promise<OutboxHealth>;
  /** Ends the session: stops, forgets the replay credentials, wipes the local data, and ends the server's session. */
  signOut(): Promise<void>;
};
