import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';

export type OriginMode = 'forward' | 'answer-503' | 'reset-after-record';

/**
 * The benchmark's origin: serves the bench page and worker, and passes /api/ to the real server — or, for
 * the failure benchmarks, answers 503 to every action request, or records a request's action ids and then
 * resets the connection (the first time each id is seen). It counts how often each action id arrived.
 */
export class BenchOrigin {
  mode: OriginMode = 'forward';
  readonly arrivals = new Map<string, number>();
  readonly #server: Server;
  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: string, filesDir: string): Promise<BenchOrigin> {
    const upstream = new URL(target);
    const server = createServer();
    const origin = new BenchOrigin(server);
    const files: Record<string, string> = { '/bench.html': 'text/html', '/bench-sw.js': 'text/javascript', '/bench-page.js': 'text/javascript' };
    server.on('request', (incoming, outgoing) => {
      const path = incoming.url?.split('?')[0] ?? '/';
      if (files[path]) {
        outgoing.writeHead(200, { 'content-type': files[path]!, 'cache-control': 'no-store' });
        outgoing.end(readFileSync(join(filesDir, path)));
        return;
      }
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        let firstSeen = false;
        if (path === '/api/actions' && incoming.method === 'POST') {
          const ids = ((JSON.parse(body.toString()) as { actions?: { id: string }[] }).actions ?? []).map((action) => action.id);
          for (const id of ids) {
            const seen = origin.arrivals.get(id) ?? 0;
            if (seen === 0) firstSeen = true;
            origin.arrivals.set(id, seen + 1);
          }
          if (origin.mode === 'answer-503') {
            outgoing.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
            outgoing.end(JSON.stringify({ error: { code: 'unavailable', message: 'Try again shortly.' } }));
            return;
          }
          if (origin.mode === 'reset-after-record' && firstSeen) {
            incoming.socket.destroy();
            return;
          }
        }
        const forwarded = request(
          { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        forwarded.on('error', () => outgoing.destroy());
        forwarded.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return origin;
  }

  get url(): string {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
