import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { assetContentTypes } from 'holdfast/build';

/** How a CDN host behaves: as it should, or as the failures of a real edge look from a browser. */
export type CdnMode = 'healthy' | 'blackhole' | '503' | 'wrong-bytes' | 'empty' | 'html' | 'refused';

/**
 * A CDN edge on loopback serving a build's `assets/` with the CORS headers scripts, modules and fonts
 * need — switchable to a blackhole (accepts, never answers), 503, wrong bytes (a stale mirror), an empty
 * 200, an HTML error page, or a refused connection. It counts the requests it saw, by path.
 */
export class CdnHost {
  mode: CdnMode = 'healthy';
  /** Added before every answer: the network's round trip to this edge (default 0: loopback). */
  latencyMs = 0;
  readonly requests: string[] = [];
  /** Answers sent compressed (the build's `.br` or `.gz` files). */
  compressedAnswers = 0;
  readonly #server: Server;
  private constructor(
    public root: string,
    server: Server,
  ) {
    this.#server = server;
  }

  static async start(root: string): Promise<CdnHost> {
    const server = createServer();
    const host = new CdnHost(root, server);
    server.on('request', (request, response) => host.#answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return host;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  #answer(request: IncomingMessage, response: ServerResponse) {
    if (this.latencyMs > 0) {
      setTimeout(() => this.#answerNow(request, response), this.latencyMs);
      return;
    }
    this.#answerNow(request, response);
  }

  #answerNow(request: IncomingMessage, response: ServerResponse) {
    const path = (request.url ?? '/').split('?')[0]!;
    this.requests.push(path);
    if (this.mode === 'refused') return request.socket.destroy();
    if (this.mode === 'blackhole') return;
    const cors = { 'access-control-allow-origin': '*', 'timing-allow-origin': '*' };
    if (request.method === 'OPTIONS') return response.writeHead(204, { ...cors, 'access-control-allow-headers': '*' }).end();
    if (this.mode === '503') return response.writeHead(503, cors).end('Service unavailable');
    if (this.mode === 'html') return response.writeHead(200, { ...cors, 'content-type': 'text/html' }).end('<h1>Edge error</h1>');
    const file = normalize(join(this.root, path));
    if (!path.startsWith('/assets/') || !file.startsWith(this.root)) return response.writeHead(404, cors).end();
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return response.writeHead(404, cors).end();
    }
    // Like a CDN that pulled the origin's precompressed files: brotli when the browser takes it (Chromium
    // offers it over HTTPS only), gzip otherwise.
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const encoding = this.mode !== 'healthy' ? null : /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    const encoded = encoding && readIfThere(`${file}.${encoding === 'br' ? 'br' : 'gz'}`);
    if (encoded) {
      this.compressedAnswers++;
      bytes = encoded;
    }
    if (this.mode === 'empty') bytes = Buffer.alloc(0);
    if (this.mode === 'wrong-bytes') bytes = Buffer.concat([bytes, Buffer.from('\n/* stale mirror */\n')]);
    response
      .writeHead(200, {
        ...cors,
        'content-type': assetContentTypes[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        vary: 'Accept-Encoding',
        ...(encoded ? { 'content-encoding': encoding! } : {}),
      })
      .end(bytes);
  }

  /** Requests for built assets (not preflights or anything else). */
  assetRequests(): string[] {
    return this.requests.filter((path) => path.startsWith('/assets/'));
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}

function readIfThere(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
