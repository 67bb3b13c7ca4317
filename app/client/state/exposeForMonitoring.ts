import type { CascadeListener, EventStreamState, HostReport, Reachability } from 'holdfast/client';
import { cascadeMonitor } from './cascadeHealth.js';
import type { WorkspaceStore } from './WorkspaceStore.js';

type HoldfastPageHandle = {
  /** Pending count, age of the oldest pending action, failed count, pause, last replay throughput. */
  outboxHealth: WorkspaceStore['outboxHealth'];
  /** The same entry point the UI's buttons use: for scripted load (tests, benchmarks, support tooling). */
  act: WorkspaceStore['act'];
  /** The event stream as this tab sees it: connected, held by this tab (its leader), last event id, events seen. */
  stream: () => EventStreamState;
  /** Whether the server answers, as this tab sees it (what the connection line on screen says). */
  reachability: () => Reachability;
  /** The API region requests go to now ('' : this page's origin). */
  apiRegion: () => string;
  /** The asset hosts' health, and every cascade notice (host served, failover cost, breaker transition) as it comes. */
  cascade: { hosts: () => readonly HostReport[]; subscribe: (listener: CascadeListener) => () => void };
};

declare global {
  interface Window {
    holdfast?: HoldfastPageHandle;
  }
}

let workspace: WorkspaceStore | null = null;

function signedIn(): WorkspaceStore {
  if (!workspace) throw new Error('No agent is signed in: the outbox belongs to a signed-in agent.');
  return workspace;
}

/**
 * `window.holdfast`, from the page's start: health for a monitoring agent or an RUM script to read and
 * forward, and the action entry point. It exposes nothing a script in the page could not reach anyway.
 * The cascade's health is there before anyone signs in (assets load first); the outbox once someone has.
 */
export function exposeForMonitoring(): void {
  window.holdfast = {
    outboxHealth: () => signedIn().outboxHealth(),
    act: (type, conversationId, payload) => signedIn().act(type, conversationId, payload),
    stream: () => signedIn().getSnapshot().stream,
    reachability: () => signedIn().getSnapshot().reachability,
    apiRegion: () => signedIn().apiRegion,
    cascade: { hosts: () => cascadeMonitor.hosts(), subscribe: (listener) => cascadeMonitor.subscribe(listener) },
  };
}

/** The signed-in agent's workspace behind `window.holdfast`; null at sign-out. */
export function exposeWorkspace(store: WorkspaceStore | null): void {
  workspace = store;
}
