import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of a real server that answers 500 for any batch of actions whose body contains
 * `poison` — the server bug one action's data triggers — and passes everything else through unchanged,
 * event streams included. The browser loads the app from the proxy, so it is the app's only server.
 */
export class FaultProxy {
  poison: string | null = null;
  /** Batches answered 500 so far. */
  failed = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(readonly target: URL, server: Server) {
    this.#server = server;
  }

  static async start(target: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(new URL(target), server);
    server.on('connection', (socket) => {
      proxy.#sockets.add(socket);
      socket.on('close', () => proxy.#sockets.delete(socket));
    });
    server.on('request', (incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        if (incoming.method === 'POST' && incoming.url === '/api/actions' && proxy.poison && body.toString('utf8').includes(proxy.poison)) {
          proxy.failed++;
          outgoing.writeHead(500, { 'content-type': 'application/json' });
          outgoing.end(JSON.stringify({ error: { code: 'internal', message: 'The server failed.' } }));
          return;
        }
        const upstream = request({ host: proxy.target.hostname, port: proxy.target.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        upstream.on('error', () => outgoing.destroy());
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.#server.address();
    if (!address || typeof address === 'string') throw new Error('proxy not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
