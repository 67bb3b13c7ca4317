import { pipeline } from 'node:stream';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP proxy in front of a real server, for the failures only a middlebox can stage. The browser
 * loads the app from the proxy, so it is the app's only server; everything passes through unchanged
 * (event streams included) except:
 * - `apiDelayMs`: /api/ requests are held this long before they are forwarded — the overloaded platform
 *   whose API answers in 20 seconds;
 * - `poison`: a batch of actions whose body contains this text is answered 500 — the server bug one
 *   action's data triggers;
 * - `hold(pattern)`: matching /api/ requests wait until the test releases them — an answer that arrives
 *   exactly when the test is ready for it, with no timer;
 * - `fail(pattern, status)`: requests whose path matches are answered `status` (a 503 from a sick server);
 *   `fail(pattern, 502, 'html')`: with a load balancer's HTML error page instead of the API's JSON;
 * - `cutting`: every connection is reset as it arrives and those open are cut (a network that drops).
 */
export class ApiProxy {
  apiDelayMs = 0;
  /**
   * Which paths the delay applies to; default the whole API: every `/api/…` path and the health probe
   * (`/readyz`). `/^\/assets\//` makes a slow origin for assets.
   */
  delayed: RegExp = /^\/(api\/|readyz(\?|$))/;
  poison: string | null = null;
  /** Batches answered 500 for the poison so far. */
  failed = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #holds = new Set<{ pattern: RegExp; waiting: (() => void)[] }>();
  readonly #failures = new Set<{ pattern: RegExp; status: number; html: boolean; answered: number }>();
  #cutting = false;
  /** The path of the request each connection is carrying now (for `cut`). */
  readonly #pathOn = new WeakMap<Socket, string>();
  readonly #forwarding = new Set<{ path: string }>();

  private constructor(
    readonly target: URL,
    server: Server,
  ) {
    this.#server = server;
  }

  static async start(target: string): Promise<ApiProxy> {
    const server = createServer();
    const proxy = new ApiProxy(new URL(target), server);
    server.on('connection', (socket) => {
      if (proxy.#cutting) {
        socket.resetAndDestroy();
        return;
      }
      proxy.#sockets.add(socket);
      socket.on('close', () => proxy.#sockets.delete(socket));
    });
    server.on('request', (incoming, outgoing) => {
      proxy.#pathOn.set(incoming.socket, incoming.url ?? '');
      outgoing.on('finish', () => proxy.#pathOn.delete(incoming.socket));
      const failure = [...proxy.#failures].find((candidate) => candidate.pattern.test(incoming.url ?? ''));
      if (failure) {
        failure.answered++;
        incoming.resume();
        if (failure.html)
          outgoing
            .writeHead(failure.status, { 'content-type': 'text/html' })
            .end(`<html><body><h1>${failure.status} Bad Gateway</h1><p>The server returned an invalid response.</p></body></html>`);
        else
          outgoing
            .writeHead(failure.status, { 'content-type': 'application/json' })
            .end(JSON.stringify({ error: { code: 'proxy-failure', message: 'answered by the test proxy' } }));
        return;
      }
      const hold = [...proxy.#holds].find((candidate) => incoming.url?.startsWith('/api/') && candidate.pattern.test(incoming.url));
      if (hold) {
        hold.waiting.push(() => proxy.#forward(incoming, outgoing));
        return;
      }
      const delay = proxy.delayed.test(incoming.url ?? '') ? proxy.apiDelayMs : 0;
      const timer = setTimeout(
        () =>
          proxy.poison && incoming.method === 'POST' && incoming.url === '/api/actions'
            ? proxy.#screen(incoming, outgoing)
            : proxy.#forward(incoming, outgoing),
        delay,
      );
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

  /**
   * Holds the /api/ requests whose path matches `pattern` until the answer's release() is called (which
   * forwards those held and stops holding). `held()` tells how many are waiting.
   */
  hold(pattern: RegExp): { held: () => number; release: () => void } {
    const hold = { pattern, waiting: [] as (() => void)[] };
    this.#holds.add(hold);
    return {
      held: () => hold.waiting.length,
      release: () => {
        this.#holds.delete(hold);
        for (const forward of hold.waiting.splice(0)) forward();
      },
    };
  }

  /** Answers the /api/ requests matching `pattern` with `status` (a sick server) until `stop()`; `html`: as a load balancer's error page. */
  fail(pattern: RegExp, status: number, body: 'json' | 'html' = 'json'): { answered: () => number; stop: () => void } {
    const failure = { pattern, status, html: body === 'html', answered: 0 };
    this.#failures.add(failure);
    return { answered: () => failure.answered, stop: () => this.#failures.delete(failure) };
  }

  /**
   * Cuts (resets) the open connections whose request under way matches `pattern` — the event streams
   * (`/^\/api\/events/`), say, as a middlebox that drops long-lived connections does; answers how many.
   */
  cut(pattern: RegExp): number {
    let cut = 0;
    for (const socket of this.#sockets) {
      const path = this.#pathOn.get(socket);
      if (path !== undefined && pattern.test(path)) {
        socket.resetAndDestroy();
        cut++;
      }
    }
    return cut;
  }

  /** Resets every connection as it arrives, and cuts those open (true), or lets them through again (false). */
  set cutting(on: boolean) {
    this.#cutting = on;
    if (on) for (const socket of this.#sockets) socket.resetAndDestroy();
  }
  get cutting(): boolean {
    return this.#cutting;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Reads the whole body: a batch holding the poison gets a 500, any other goes on. */
  #screen(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (this.poison && body.toString('utf8').includes(this.poison)) {
        this.failed++;
        outgoing.writeHead(500, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: { code: 'internal', message: 'The server failed.' } }));
        return;
      }
      this.#forward(incoming, outgoing, body);
    });
  }

  /** Requests whose path matches `pattern` forwarded to the server and not yet answered in full. */
  inFlight(pattern: RegExp): number {
    return [...this.#forwarding].filter(({ path }) => pattern.test(path)).length;
  }

  #forward(incoming: IncomingMessage, outgoing: ServerResponse, body?: Buffer): void {
    const forwarding = { path: incoming.url ?? '' };
    this.#forwarding.add(forwarding);
    outgoing.on('close', () => this.#forwarding.delete(forwarding));
    const upstream = request(
      { host: this.target.hostname, port: this.target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        // pipeline, not pipe: an answer cut off upstream (a node killed mid-stream) cuts this one too, as
        // a real middlebox does, rather than leaving the browser's connection open with nothing behind it.
        pipeline(answer, outgoing, () => undefined);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    if (body) upstream.end(body);
    else incoming.pipe(upstream);
  }
}
