import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of a real server that can hold API requests for a while before forwarding
 * them: the overloaded platform whose API answers in 20 seconds. App-shell and media requests pass at once.
 */
export class DelayProxy {
  /** Delay before an /api/ request is forwarded. */
  apiDelayMs = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(readonly target: URL, server: Server) {
    this.#server = server;
  }

  static async start(target: string): Promise<DelayProxy> {
    const server = createServer();
    const proxy = new DelayProxy(new URL(target), server);
    server.on('connection', (socket) => {
      proxy.#sockets.add(socket);
      socket.on('close', () => proxy.#sockets.delete(socket));
    });
    server.on('request', (incoming, outgoing) => {
      const delay = incoming.url?.startsWith('/api/') ? proxy.apiDelayMs : 0;
      const timer = setTimeout(() => {
        const upstream = request(
          { host: proxy.target.hostname, port: proxy.target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(outgoing);
          },
        );
        upstream.on('error', () => outgoing.destroy());
        incoming.pipe(upstream);
      }, delay);
      outgoing.on('close', () => clearTimeout(timer));
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
