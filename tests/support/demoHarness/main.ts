import type { DemoRequest, DemoResponse } from '../../../app/demo/DemoBackend.js';
import { DemoBackendClient } from '../../../app/demo/DemoBackendClient.js';

/**
 * A page holding the workspace's in-browser demo backend in its worker, exactly as the demo runs it, for
 * the API tests to call (tests/support/BrowserBackend.ts bridges HTTP to it). Fresh in memory per page.
 */
declare global {
  interface Window {
    demo: {
      ready: Promise<void>;
      request(request: DemoRequest): Promise<DemoResponse>;
      query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    };
  }
}

const client = new DemoBackendClient(new Worker(new URL('../../../app/demo/demoBackendWorker.ts', import.meta.url), { type: 'module' }));
window.demo = {
  ready: client.open('memory://'),
  request: async (request) => {
    const response = await client.request(request);
    // Bytes (an image) travel to the test as base64.
    if (response.body instanceof Uint8Array) return { ...response, body: { base64: btoa(String.fromCharCode(...response.body)) } };
    return response;
  },
  query: (sql, params = []) => client.query(sql, params),
};
