/** The benchmark page: our outbox's enqueue as the app does it, in the page; and a relay to the worker. */
import { followOutboxChange, openOutboxDatabase, Outbox, type OutboxChange } from 'holdfast/internal';
import type { OutboxEntry, OutboxSnapshot } from 'holdfast/client';
import { createWorkspaceAction } from '../../app/shared/createWorkspaceAction.js';

declare global {
  interface Window {
    bench: {
      enqueueLatencyInPage(count: number, conversationId: string, run: string, durability?: IDBTransactionDurability): Promise<number[]>;
      settleInPage(pendingCount: number, batchSize: number, mode: 'reread' | 'events', run: string): Promise<{ ms: number; entriesRead: number }>;
      worker(command: unknown): Promise<unknown>;
    };
  }
}

window.bench = {
  async enqueueLatencyInPage(count, conversationId, run, durability = 'strict') {
    const outbox = new Outbox({ db: await openOutboxDatabase(`bench-page-${durability}-${run}`), durability });
    const timings: number[] = [];
    for (let index = 0; index < count; index++) {
      const action = createWorkspaceAction('send', conversationId, { text: `latency ${index}` });
      const start = performance.now();
      await outbox.enqueue(action);
      timings.push(performance.now() - start);
    }
    return timings;
  },
  /**
   * One batch settled with `pendingCount` queued, and the page's view of the queue brought up to date:
   * `reread`, as before (the settle, then every pending and failed entry read again and compared), or
   * `events`, as now (the settle's change followed: followOutboxChange). Counts the entries IndexedDB
   * hands back while it runs.
   */
  async settleInPage(pendingCount, batchSize, mode, run) {
    const db = await openOutboxDatabase(`bench-settle-${mode}-${run}`);
    const fill = db.transaction('pending', 'readwrite');
    const now = Date.now();
    for (let index = 0; index < pendingCount; index++) {
      void fill.store.add({
        action: createWorkspaceAction('send', '00000000-0000-4000-8000-00000000000a', { text: `settle ${index}` }),
        queuedAt: now,
        attempts: 0,
      } as OutboxEntry);
    }
    await fill.done;
    let snapshot: OutboxSnapshot = { loaded: true, pending: await db.getAll('pending'), failed: [], paused: null, lastPass: null, progress: null };
    const change: { last?: OutboxChange } = {};
    const outbox = new Outbox({ db, onChange: (committed) => (change.last = committed) });
    const batch = snapshot.pending.slice(0, batchSize);
    const results = batch.map((entry) => ({ id: entry.action.id, status: 'applied' as const, state: { version: 2 } }));
    const counter = countReads();
    const start = performance.now();
    await outbox.settle(batch, results, { contiguous: true });
    if (mode === 'reread') {
      const [pending, failed] = await Promise.all([outbox.pending(), outbox.failed(), outbox.paused()]);
      const still = new Set(pending.map((entry) => entry.action.id));
      const gone = snapshot.pending.filter((entry) => !still.has(entry.action.id));
      snapshot = { ...snapshot, pending, failed };
      if (gone.length !== batchSize) throw new Error(`re-read found ${gone.length} gone`);
    } else {
      const followed = followOutboxChange(snapshot, change.last!);
      snapshot = followed.snapshot;
      if (followed.settled!.removed.length !== batchSize) throw new Error('the change named the wrong entries');
    }
    const ms = performance.now() - start;
    const entriesRead = counter.stop();
    if (snapshot.pending.length !== pendingCount - batchSize) throw new Error(`view holds ${snapshot.pending.length}`);
    db.close();
    return { ms, entriesRead };
  },
  async worker(command) {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise<{ result?: unknown; error?: string }>((resolve) => (channel.port1.onmessage = (event) => resolve(event.data)));
    registration.active!.postMessage(command, [channel.port2]);
    const { result, error } = await answer;
    if (error) throw new Error(error);
    return result;
  },
};

/** Counts the records IndexedDB returns (getAll, get, cursors) until `stop`. */
function countReads() {
  let entries = 0;
  const restore: (() => void)[] = [];
  const wrap = <Proto extends object, Name extends keyof Proto>(proto: Proto, name: Name, counted: (result: unknown) => number) => {
    const original = proto[name] as unknown as (...args: unknown[]) => IDBRequest;
    (proto as Record<Name, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      const request = original.apply(this, args);
      request.addEventListener('success', () => (entries += counted(request.result)));
      return request;
    };
    restore.push(() => ((proto as Record<Name, unknown>)[name] = original));
  };
  for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype]) {
    wrap(proto, 'getAll', (result) => (result as unknown[]).length);
    wrap(proto, 'get', (result) => (result === undefined ? 0 : 1));
    wrap(proto, 'openCursor', (result) => (result ? 1 : 0));
  }
  return {
    stop() {
      for (const undo of restore) undo();
      return entries;
    },
  };
}
