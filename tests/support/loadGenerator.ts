import { connect, type Socket } from 'node:net';

/** One request of a load run: what it was, how it was answered (0: no answer in time, or a broken connection), how long it took. */
export type Shot = { kind: 'critical' | 'sheddable'; status: number; ms: number /** When it was sent (performance.now()). */; at: number };
export type RequestSpec = { method: 'GET' | 'POST'; path: string; body?: unknown };

export type LoadOptions = {
  baseUrl: string;
  token: string;
  critical: () => RequestSpec;
  sheddable: () => RequestSpec;
  /** The share of requests that are critical (0–1). */
  criticalShare: number;
  /** A request not answered within this counts as failed (status 0); default 5 s. */
  timeoutMs?: number;
  /** Most connections open at once; beyond, requests wait here (their wait counts in their time). Default 2,000. */
  maxConnections?: number;
};

type Waiting = { bytes: string; kind: Shot['kind']; started: number; resolve: (shot: Shot) => void };

/**
 * HTTP/1.1 load from this process over keep-alive sockets, one request at a time per connection.
 *
 * Written by hand, on node:net, because the generator must cost far less than the server it loads on a
 * two-core machine: node:http's client and fetch spend about a millisecond of CPU per request, so at
 * three times a server's capacity the generator, not the server, became the bottleneck (measured: the
 * server's event loop idle while requests waited in the client). Here a request is a prebuilt string
 * written to a socket and its answer a status line and a Content-Length. Open-loop arrivals (`openLoop`)
 * are timed from when they were due, so waiting for a connection counts (no coordinated omission).
 */
export class LoadGenerator {
  readonly #options: LoadOptions;
  readonly #host: string;
  readonly #port: number;
  readonly #idle: Socket[] = [];
  readonly #queue: Waiting[] = [];
  readonly #sockets = new Set<Socket>();

  readonly baseUrl: string;

  constructor(options: LoadOptions) {
    this.#options = options;
    this.baseUrl = options.baseUrl;
    const url = new URL(options.baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
  }

  #bytes(spec: RequestSpec): string {
    const body = spec.body === undefined ? '' : JSON.stringify(spec.body);
    return (
      `${spec.method} ${spec.path} HTTP/1.1\r\nHost: ${this.#host}\r\nAuthorization: Bearer ${this.#options.token}\r\n` +
      (body ? `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` : '') +
      `\r\n${body}`
    );
  }

  send(kind: Shot['kind'], started = performance.now()): Promise<Shot> {
    const bytes = this.#bytes(kind === 'critical' ? this.#options.critical() : this.#options.sheddable());
    return new Promise((resolve) => {
      this.#queue.push({ bytes, kind, started, resolve });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      let socket = this.#idle.pop();
      if (!socket) {
        if (this.#sockets.size >= (this.#options.maxConnections ?? 2000)) return;
        socket = this.#open();
      }
      this.#run(socket, this.#queue.shift()!);
    }
  }

  #open(): Socket {
    const socket = connect(this.#port, this.#host);
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    this.#sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      const at = this.#idle.indexOf(socket);
      if (at >= 0) this.#idle.splice(at, 1);
      this.#pump();
    });
    return socket;
  }

  #run(socket: Socket, request: Waiting): void {
    let buffer = '';
    let settled = false;
    const finish = (status: number, reuse: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      request.resolve({ kind: request.kind, status, ms: performance.now() - request.started, at: request.started });
      if (reuse && !socket.destroyed) this.#idle.push(socket);
      else socket.destroy();
      this.#pump();
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const headEnd = buffer.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = buffer.slice(0, headEnd);
      const status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      const complete = length ? buffer.length - headEnd - 4 >= Number(length[1]) : buffer.endsWith('\r\n0\r\n\r\n');
      if (complete) finish(status, !/\r\nconnection: *close/i.test(head));
    };
    const onClose = () => finish(0, false);
    const timer = setTimeout(() => finish(0, false), Math.max(1, (this.#options.timeoutMs ?? 5000) - (performance.now() - request.started)));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request.bytes);
  }

  /**
   * Opens `count` connections ahead and keeps them idle: many clients that are already connected, so a
   * run measures requests, not a storm of TCP handshakes (the listen backlog would drop SYNs, each retried
   * after a second or more).
   */
  async connect(count: number): Promise<void> {
    const opening = Array.from({ length: Math.max(0, count - this.#sockets.size) }, () => {
      const socket = this.#open();
      return new Promise<void>((resolve) => {
        socket.once('connect', () => {
          this.#idle.push(socket);
          resolve();
        });
        socket.once('close', () => resolve());
      });
    });
    await Promise.all(opening);
  }

  #pick(): Shot['kind'] {
    return Math.random() < this.#options.criticalShare ? 'critical' : 'sheddable';
  }

  /** As many requests as `concurrency` loops get answered in `durationMs`: the server's capacity, in requests per second. */
  async capacity(concurrency: number, durationMs: number): Promise<number> {
    const end = performance.now() + durationMs;
    let answered = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const shot = await this.send(this.#pick());
          if (shot.status >= 200 && shot.status < 300) answered++;
        }
      }),
    );
    return (answered / durationMs) * 1000;
  }

  /**
   * Open-loop arrivals at `ratePerSecond` for `durationMs`, whatever the answers (as many clients would):
   * a slow server is not spared by its own slowness. Each shot is timed from when it was due.
   */
  async openLoop(ratePerSecond: number, durationMs: number): Promise<Shot[]> {
    const shots: Promise<Shot>[] = [];
    const total = Math.round((ratePerSecond * durationMs) / 1000);
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - started;
        while (shots.length < total && (shots.length * 1000) / ratePerSecond <= elapsed) {
          shots.push(this.send(this.#pick(), started + (shots.length * 1000) / ratePerSecond));
        }
        if (shots.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    return Promise.all(shots);
  }

  close(): void {
    for (const socket of this.#sockets) socket.destroy();
  }
}
