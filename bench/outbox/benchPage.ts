/** The benchmark page: our outbox's enqueue as the app does it, in the page; and a relay to the worker. */
import { openOutboxDatabase, Outbox } from '../../shared/client.js';
import { createWorkspaceAction } from '../../shared/workspace/createWorkspaceAction.js';

declare global {
  interface Window {
    bench: {
      enqueueLatencyInPage(count: number, conversationId: string, run: string): Promise<number[]>;
      worker(command: unknown): Promise<unknown>;
    };
  }
}

window.bench = {
  async enqueueLatencyInPage(count, conversationId, run) {
    const outbox = new Outbox({ db: await openOutboxDatabase(`bench-page-${run}`) });
    const timings: number[] = [];
    for (let index = 0; index < count; index++) {
      const action = createWorkspaceAction('send', conversationId, { text: `latency ${index}` });
      const start = performance.now();
      await outbox.enqueue(action);
      timings.push(performance.now() - start);
    }
    return timings;
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
