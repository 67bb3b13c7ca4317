import type { WorkspaceStore } from './WorkspaceStore.js';

export type HoldfastPageHandle = {
  /** Pending count, age of the oldest pending action, failed count, pause, last replay throughput. */
  outboxHealth: WorkspaceStore['outboxHealth'];
  /** The same entry point the UI's buttons use: for scripted load (tests, benchmarks, support tooling). */
  act: WorkspaceStore['act'];
};

declare global {
  interface Window {
    holdfast?: HoldfastPageHandle;
  }
}

/**
 * `window.holdfast`: the outbox's health for a monitoring agent or an RUM script to read and forward, and
 * the action entry point. It exposes nothing a script in the page could not reach anyway.
 */
export function exposeForMonitoring(store: WorkspaceStore): void {
  window.holdfast = {
    outboxHealth: () => store.outboxHealth(),
    act: (type, conversationId, payload) => store.act(type, conversationId, payload),
  };
}
