import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.data': 'application/octet-stream',
};

/**
 * A plain static file server, as any static host is: files from `dir`, the precompressed copy when the
 * browser accepts it, `index.html` for in-app paths (no extension), long caching for hashed assets and
 * revalidation for the rest. No API behind it — what the demo (`npm run demo`) is served with. Hand-written
 * because it is this small; a CDN or `npx serve` would do as well.
 */
export function serveStatic(dir: string, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://static.invalid').pathname);
    const relative = normalize(pathname).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, relative);
    if (!extname(relative) || !existsSync(file) || statSync(file).isDirectory()) {
      if (extname(relative)) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
        return;
      }
      file = join(dir, 'index.html');
    }
    const accepted = String(request.headers['accept-encoding'] ?? '');
    const encoding = accepted.includes('br') && existsSync(`${file}.br`) ? 'br' : accepted.includes('gzip') && existsSync(`${file}.gz`) ? 'gzip' : null;
    const headers: Record<string, string> = {
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': relative.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'Accept-Encoding',
    };
    if (encoding) headers['content-encoding'] = encoding;
    response.writeHead(200, headers).end(readFileSync(encoding === 'br' ? `${file}.br` : encoding === 'gzip' ? `${file}.gz` : file));
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}
