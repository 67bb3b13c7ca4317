/**
 * The benchmark's service worker: our outbox and workbox-background-sync's Queue side by side in the same
 * worker, driven by messages from bench.html. Built by bench/outboxBench.ts, never shipped.
 */
import { Queue } from 'workbox-background-sync';
import { httpBatchTransport, openOutboxDatabase, Outbox, OutboxReplayer, type ReplayQueue } from 'holdfast/internal';
import { createWorkspaceAction } from '../../app/shared/createWorkspaceAction.js';

declare const self: ServiceWorkerGlobalScope;

type Command =
  | { cmd: 'enqueue-latency'; impl: 'ours' | 'workbox'; count: number; conversationId: string; run: string }
  | { cmd: 'queue'; impl: 'ours' | 'workbox'; count: number; conversationIds: string[]; prefix: string; token: string; run: string }
  | { cmd: 'replay'; impl: 'ours' | 'workbox'; token: string; run: string; maxMs?: number }
  | { cmd: 'remaining'; impl: 'ours' | 'workbox'; run: string };

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const queues = new Map<string, Queue>();
const workboxQueue = (run: string) => {
  let queue = queues.get(run);
  // forceSyncFallback: no sync event; the benchmark calls replayRequests itself, as the sync event would.
  if (!queue) {
    queue = new Queue(`bench-${run}`, { forceSyncFallback: true, onSync: async () => {} });
    queues.set(run, queue);
  }
  return queue;
};
const outboxes = new Map<string, Promise<Outbox>>();
const ourOutbox = (run: string) => {
  let outbox = outboxes.get(run);
  if (!outbox) {
    outbox = openOutboxDatabase(`bench-${run}`).then((db) => new Outbox({ db }));
    outboxes.set(run, outbox);
  }
  return outbox;
};
const request = (action: unknown, token: string) =>
  new Request('/api/actions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ actions: [action] }),
  });

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'enqueue-latency': {
      const timings: number[] = [];
      for (let index = 0; index < command.count; index++) {
        const action = createWorkspaceAction('send', command.conversationId, { text: `latency ${index}` });
        if (command.impl === 'ours') {
          const outbox = await ourOutbox(command.run);
          const start = performance.now();
          await outbox.enqueue(action);
          timings.push(performance.now() - start);
        } else {
          const queue = workboxQueue(command.run);
          const entry = { request: request(action, 'not-sent') };
          const start = performance.now();
          await queue.pushRequest(entry);
          timings.push(performance.now() - start);
        }
      }
      return timings;
    }
    case 'queue': {
      for (let index = 0; index < command.count; index++) {
        const action = createWorkspaceAction('send', command.conversationIds[index % command.conversationIds.length]!, { text: `${command.prefix}${index}` });
        if (command.impl === 'ours') await (await ourOutbox(command.run)).enqueue(action);
        else await workboxQueue(command.run).pushRequest({ request: request(action, command.token) });
      }
      return command.count;
    }
    case 'replay': {
      const start = performance.now();
      if (command.impl === 'ours') {
        const outbox = await ourOutbox(command.run);
        const phases = { plan: 0, send: 0, settle: 0 };
        const timed = <T>(phase: keyof typeof phases, work: () => Promise<T>) => {
          const begin = performance.now();
          return work().finally(() => (phases[phase] += performance.now() - begin));
        };
        const send = httpBatchTransport({ url: '/api/actions', headers: () => ({ authorization: `Bearer ${command.token}` }) });
        const queue: ReplayQueue = {
          nextBatch: (...args) => timed('plan', () => outbox.nextBatch(...args)),
          settle: (...args) => timed('settle', () => outbox.settle(...args)),
          deadLetter: (...args) => outbox.deadLetter(...args),
          noteAttempt: (...args) => outbox.noteAttempt(...args),
          noteIsolatedFailure: (entry) => outbox.noteIsolatedFailure(entry),
          paused: () => outbox.paused(),
          setPaused: (reason) => outbox.setPaused(reason),
          recordReplay: (stats) => outbox.recordReplay(stats),
        };
        const replayer = new OutboxReplayer({
          queue,
          transport: (actions, signal) => timed('send', () => send(actions, signal)),
          backoff: { initialDelayMs: 200, maxDelayMs: 1000 },
        });
        const deadline = start + (command.maxMs ?? 600_000);
        let result = await replayer.drain();
        while (result.status === 'backing-off' && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, (result as { retryAt: number }).retryAt - Date.now())));
          result = await replayer.drain();
        }
        return { ms: performance.now() - start, status: result.status, phases };
      }
      // Workbox's own replay: one request at a time; a fetch that throws puts the request back and stops.
      const queue = workboxQueue(command.run);
      const deadline = start + (command.maxMs ?? 600_000);
      let status = 'drained';
      for (;;) {
        try {
          await queue.replayRequests();
          break;
        } catch {
          status = 'failed';
          if (performance.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      return { ms: performance.now() - start, status };
    }
    case 'remaining': {
      if (command.impl === 'ours') return (await (await ourOutbox(command.run)).pending()).length;
      return (await workboxQueue(command.run).getAll()).length;
    }
  }
}

self.addEventListener('message', (event) => {
  const port = event.ports[0]!;
  handle(event.data as Command).then(
    (result) => port.postMessage({ result }),
    (error: Error) => port.postMessage({ error: `${error.name}: ${error.message}` }),
  );
});
