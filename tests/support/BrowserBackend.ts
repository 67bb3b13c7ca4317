import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.js';
import type { Queryable, Row } from 'holdfast/server';
import { cacheDir, repoRoot } from './paths.js';
import { runNode } from './runNode.js';

type DemoResponse = { status: number; contentType: string; body: unknown };

/**
 * The workspace's in-browser demo backend (app/demo/DemoBackend.ts, PGlite in a worker) in a real
 * Chromium page, reachable over HTTP: each request to this server is handed to the page as the demo's
 * client would make it, and the answer written back. So the API tests run their own requests, unchanged,
 * against the backend the demo runs.
 */
export class BrowserBackend {
  private constructor(
    readonly url: string,
    private readonly server: Server,
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(): Promise<BrowserBackend> {
    const harness = await buildHarness();
    let page: Page | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const path = request.url ?? '/';
        if (path.startsWith('/harness/')) return serveFile(join(harness, path.slice('/harness/'.length).split('?')[0]!), response);
        try {
          const authorization = request.headers.authorization ?? '';
          const answer = (await page!.evaluate((call) => window.demo.request(call), {
            method: request.method ?? 'GET',
            path,
            token: authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : null,
            body: chunks.length > 0 ? Buffer.concat(chunks).toString('utf8') : undefined,
          })) as DemoResponse;
          response.writeHead(answer.status, { 'content-type': answer.contentType });
          const body = answer.body as { base64?: string };
          response.end(typeof body?.base64 === 'string' ? Buffer.from(body.base64, 'base64') : JSON.stringify(answer.body));
        } catch (error) {
          response.writeHead(500, { 'content-type': 'text/plain' });
          response.end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error('demo harness:', error));
    await page.goto(`${url}/harness/index.html`);
    await page.waitForFunction(() => window.demo !== undefined);
    // PGlite's first start (WebAssembly, initdb), the migrations and the seed: seconds, more on a slow machine.
    await page.evaluate(() => window.demo.ready);
    return new BrowserBackend(url, server, browser, page);
  }

  /** SQL on the demo's database, through its worker (the tests' snapshots). */
  get db(): Queryable {
    return {
      query: async <T extends Row>(sql: string, params: readonly unknown[] = []) =>
        (await this.page.evaluate(({ sql, params }) => window.demo.query(sql, params), { sql, params: [...params] })) as { rows: T[] },
    };
  }

  async stop(): Promise<void> {
    await this.browser.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The harness built once per version of the demo backend's sources (kept in .cache/). */
async function buildHarness(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['app/demo', 'app/server', 'app/shared', 'tests/support/demoHarness', 'server', 'shared']) hashTree(hash, join(repoRoot, dir));
  const outDir = join(cacheDir, `demo-harness-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(join(outDir, 'BUILT'))) return outDir;
  const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  await runNode([vite, 'build', '--config', 'tests/support/demoHarness/vite.config.ts'], { HOLDFAST_HARNESS_OUT_DIR: outDir });
  writeFileSync(join(outDir, 'BUILT'), 'ok');
  return outDir;
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hashTree(hash, path);
    else hash.update(path).update(readFileSync(path));
  }
}

const contentTypes: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

function serveFile(path: string, response: import('node:http').ServerResponse): void {
  if (!existsSync(path) || statSync(path).isDirectory()) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
  response.end(readFileSync(path));
}
