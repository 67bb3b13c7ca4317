import type { ActionEnvelope } from '../core/protocol.js';

/** One queued action, waiting to be sent. The outbox holds actions only: never a token or a header. */
export type OutboxEntry = {
  /** Position in the queue (IndexedDB key generator): the order the agent acted in, across tabs. */
  seq: number;
  action: ActionEnvelope;
  /** Epoch ms when it was queued. */
  queuedAt: number;
  /** Not sent before this epoch ms: the undo window. Later actions on the same target wait behind it. */
  holdUntil?: number;
  /** Ids of actions that must reach the server first (e.g. the action creating the target). */
  dependsOn?: string[];
  /** Sends that got no usable answer, and the last such failure. */
  attempts: number;
  lastError?: { code: string; message: string; at: number };
  /** Times it failed with a 5xx alone while the server applied other actions (see OutboxReplayer). */
  serverErrors?: number;
};

/**
 * Whether `entry` is still held for its undo window at `now` (epoch ms, the device's clock). A clock set
 * back past the time the entry was queued (a device's clock corrected by hours) would otherwise hold it for
 * those hours, and every later action on its target behind it: the hold is over once the clock reads
 * earlier than the queueing, since how much of the window is left can no longer be told. Found by the
 * chaos scenario client-clock-jump.
 */
export function isHeld(entry: Pick<OutboxEntry, 'queuedAt' | 'holdUntil'>, now: number): boolean {
  return entry.holdUntil !== undefined && entry.holdUntil > now && now >= entry.queuedAt;
}

/** An action the server answered but did not apply: the agent decides what happens to it. */
export type FailedAction = {
  action: ActionEnvelope;
  /** `rejected`: the server refused it (or its request); `conflict`: someone else's change defeats it. */
  kind: 'rejected' | 'conflict';
  code: string;
  message: string;
  /** For a conflict: the target's current state, as the server answered it. */
  state?: unknown;
  queuedAt: number;
  failedAt: number;
};

/** Why the replay stopped until someone acts. */
export type PauseReason = 'unauthorized';

/** What monitoring wants to know about an outbox (see OutboxReplayer for throughput). */
export type OutboxHealth = {
  pending: number;
  /** Age in ms of the oldest pending action; 0 when none. */
  oldestPendingAgeMs: number;
  failed: number;
  paused: PauseReason | null;
  /** The last replay pass that sent anything: how many actions, in how long. */
  lastReplay: ReplayStats | null;
};

export type ReplayStats = { actions: number; durationMs: number; actionsPerSecond: number; finishedAt: number };
