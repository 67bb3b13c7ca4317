/// <reference lib="webworker" />
import { DemoBackend } from './DemoBackend.js';
import type { DemoAnswer, DemoCall } from './demoBackendProtocol.js';

/**
 * The demo backend in a dedicated worker: PGlite's WebAssembly and every query run off the page's main
 * thread, and the page talks to it by messages (DemoBackendClient). Loaded only in demo mode.
 */
declare const self: DedicatedWorkerGlobalScope;
let backend: Promise<DemoBackend> | undefined;
const answer = (message: DemoAnswer) => self.postMessage(message);

self.onmessage = async (event: MessageEvent<DemoCall>) => {
  const call = event.data;
  try {
    if (call.kind === 'open') {
      backend ??= DemoBackend.open(call.dataDir).then((opened) => {
        opened.onChange((tenantId) => answer({ kind: 'change', tenantId }));
        if (call.colleaguesEveryMs) setInterval(() => void opened.colleaguesAct().catch(() => undefined), call.colleaguesEveryMs);
        return opened;
      });
      await backend;
      answer({ id: call.id, ok: true, value: null });
      return;
    }
    if (!backend) throw new Error('The demo backend is not open.');
    const opened = await backend;
    if (call.kind === 'request') answer({ id: call.id, ok: true, value: await opened.request(call.request) });
    else answer({ id: call.id, ok: true, value: await opened.db.query(call.sql, call.params) });
  } catch (error) {
    answer({ id: call.id, ok: false, error: error instanceof Error ? error.message : String(error) });
  }
};
