import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssetCascade, HostHealth, sha256Hex, type AssetCascadeOptions, type CascadeEvent, type HostHealthOptions } from 'holdfast/internal';

/**
 * The cascade against real HTTP servers on loopback, one per host, each switchable between behaving and
 * the failures a CDN edge shows: a blackhole (accepts, never answers), 503, wrong bytes, an empty 200, an
 * HTML error page served as the script, a refused connection.
 */
type Mode = 'healthy' | 'blackhole' | '503' | 'wrong-bytes' | 'empty' | 'html' | 'refused' | 'legacy-javascript-type' | 'slow';
const script = Buffer.from('console.log("holdfast app chunk");\n');
const path = '/assets/app-3f9a2c.js';

class TestHost {
  mode: Mode = 'healthy';
  /** In 'slow' mode: how long before the headers. */
  slowMs = 500;
  requests = 0;
  abandoned = 0;
  private constructor(
    readonly server: Server,
    readonly url: string,
  ) {}
  static async start(): Promise<TestHost> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const host = new TestHost(server, `http://127.0.0.1:${port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => host.answer(request, response));
    return host;
  }
  answer(request: IncomingMessage, response: ServerResponse) {
    this.requests++;
    if (this.mode === 'refused') return request.socket.destroy();
    if (this.mode === 'blackhole') {
      // The client's abort is what frees this request.
      request.socket.on('close', () => this.abandoned++);
      return;
    }
    if (this.mode === 'slow') {
      setTimeout(() => response.writeHead(200, { 'content-type': 'text/javascript' }).end(script), this.slowMs);
      return;
    }
    if (this.mode === '503') return response.writeHead(503).end('busy');
    if (this.mode === 'html') return response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Oops</h1>');
    if (this.mode === 'empty') return response.writeHead(200, { 'content-type': 'text/javascript' }).end();
    const body = this.mode === 'wrong-bytes' ? Buffer.from('console.log("an older build");\n') : script;
    const type = this.mode === 'legacy-javascript-type' ? 'application/javascript' : 'text/javascript; charset=utf-8';
    response.writeHead(200, { 'content-type': type }).end(body);
  }
  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

describe('the CDN cascade', () => {
  let fastly: TestHost;
  let azure: TestHost;
  let origin: TestHost;
  let manifest: Record<string, { sha256: string; contentType: string; size: number }>;
  let events: CascadeEvent[];
  let transitions: string[];

  beforeAll(async () => {
    [fastly, azure, origin] = await Promise.all([TestHost.start(), TestHost.start(), TestHost.start()]);
    manifest = {
      [path]: {
        sha256: await sha256Hex(script.buffer.slice(script.byteOffset, script.byteOffset + script.byteLength) as ArrayBuffer),
        contentType: 'text/javascript',
        size: script.byteLength,
      },
    };
  });
  afterAll(() => Promise.all([fastly, azure, origin].map((host) => host.close())));
  beforeEach(() => {
    for (const host of [fastly, azure, origin]) {
      host.mode = 'healthy';
      host.requests = 0;
      host.abandoned = 0;
    }
    events = [];
    transitions = [];
  });

  const cascade = (options: Partial<HostHealthOptions> = {}, more: Partial<AssetCascadeOptions> = {}) => {
    const hosts = [fastly.url, azure.url, origin.url];
    const health = new HostHealth({
      hosts,
      coolDown: { initialMs: 60_000, maxMs: 60_000 },
      onTransition: (host, from, to) => transitions.push(`${name(host)} ${from}→${to}`),
      ...options,
    });
    return {
      health,
      cascade: new AssetCascade({ hosts, manifest, health, deadlines: { firstByteMs: 300, totalMs: 2000 }, onEvent: (event) => events.push(event), ...more }),
    };
  };
  const name = (url: string) => (url === fastly.url ? 'fastly' : url === azure.url ? 'azure' : 'origin');
  const served = () => events.map((event) => (event.type === 'served' ? name(event.host) : 'failed'));

  it('a healthy primary serves the asset, bytes checked against the build', async () => {
    const response = await cascade().cascade.fetch(path, { mode: 'cors', credentials: 'omit' });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(script);
    expect(served()).toEqual(['fastly']);
    expect(azure.requests + origin.requests).toBe(0);
  });

  it.each([
    ['503', 'server-error'],
    ['wrong-bytes', 'digest-mismatch'],
    ['empty', 'empty-body'],
    ['html', 'wrong-content-type'],
    ['refused', 'network'],
    ['blackhole', 'first-byte-timeout'],
  ] as const)('a primary that answers %s is passed over (%s) and the secondary serves', async (mode, reason) => {
    fastly.mode = mode;
    const response = await cascade().cascade.fetch(path);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(script);
    expect(served()).toEqual(['azure']);
    const event = events[0] as Extract<CascadeEvent, { type: 'served' }>;
    expect(event.passedOver.map((failure) => [name(failure.host), failure.reason])).toEqual([['fastly', reason]]);
    if (mode === 'blackhole') {
      expect(event.failoverMs).toBeGreaterThanOrEqual(290);
      // The deadline really aborted the request: the blackholed host saw its connection closed.
      await expect.poll(() => fastly.abandoned).toBe(1);
    }
  });

  it('a script served as application/javascript (an alias of text/javascript) is accepted', async () => {
    fastly.mode = 'legacy-javascript-type';
    await cascade().cascade.fetch(path);
    expect(served()).toEqual(['fastly']);
  });

  it('both CDNs down: the origin serves', async () => {
    fastly.mode = 'blackhole';
    azure.mode = '503';
    await cascade().cascade.fetch(path);
    expect(served()).toEqual(['origin']);
  });

  it('hedged: a blackholed primary costs one hedge delay, not its deadline; its try runs on, so its breaker still learns', async () => {
    fastly.mode = 'blackhole';
    const { cascade: assets } = cascade({ failuresToOpen: 1 }, { deadlines: { firstByteMs: 3000, totalMs: 5000 }, hedgeDelayMs: 100 });
    const started = performance.now();
    await assets.fetch(path);
    const took = performance.now() - started;
    expect(served()).toEqual(['azure']);
    const event = events[0] as Extract<CascadeEvent, { type: 'served' }>;
    expect(event.failoverMs).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(2000);
    expect(event.passedOver.map((failure) => [name(failure.host), failure.reason])).toEqual([['fastly', 'hedged']]);
    // The primary's own try ends at its deadline, in the background: a failure its breaker counts.
    await expect.poll(() => transitions, { timeout: 10_000 }).toEqual(['fastly closed→open']);
  });

  it('never fails closed: every host slower than the deadline, the asset still loads (last chance), and the deadlines then follow the network', async () => {
    for (const host of [fastly, azure, origin]) host.mode = 'slow';
    const { cascade: assets } = cascade({}, { lastChanceDeadlines: { firstByteMs: 5000, totalMs: 10_000 }, minLatencySamples: 1 });
    const response = await assets.fetch(path);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(script);
    const first = events[0] as Extract<CascadeEvent, { type: 'served' }>;
    expect(first.passedOver.map((failure) => failure.reason)).toEqual(['first-byte-timeout', 'first-byte-timeout', 'first-byte-timeout']);
    expect(name(first.host)).toBe('fastly');
    // Its p95 is now ~500 ms: the deadline is 4× that within [300 ms, 1.2 s], and the next fetch is served at once.
    expect(assets.deadlinesFor(fastly.url).firstByteMs).toBeGreaterThan(500);
    await assets.fetch(path);
    const second = events[1] as Extract<CascadeEvent, { type: 'served' }>;
    expect(name(second.host)).toBe('fastly');
    // No deadline missed this time (a hedge at its p95 may have raced it, which is no failure).
    expect(second.passedOver.filter((failure) => failure.reason !== 'hedged')).toEqual([]);
  });

  // The breaker alone, one host at a time (hedgeDelayMs: false): with hedging, the tries that meet their
  // deadline run on in the background, as the hedged test above shows.
  it('without hedging, a dead primary costs its deadline until its breaker opens, then nothing', async () => {
    fastly.mode = 'blackhole';
    const { cascade: assets, health } = cascade({}, { hedgeDelayMs: false });
    const costs: number[] = [];
    for (let request = 0; request < 6; request++) {
      const started = Date.now();
      await assets.fetch(path);
      costs.push(Date.now() - started);
    }
    expect(costs.slice(0, 3).every((ms) => ms >= 290)).toBe(true);
    expect(costs.slice(3).every((ms) => ms < 150)).toBe(true);
    expect(fastly.requests).toBe(3);
    expect(health.state(fastly.url)).toBe('open');
    expect(transitions).toEqual(['fastly closed→open']);
    expect(served()).toEqual(Array(6).fill('azure'));
  });

  it('half-open: one probe tests the primary in the background while requests go on to the next host; a recovered primary gets them back', async () => {
    fastly.mode = 'blackhole';
    const { cascade: assets, health } = cascade({ coolDown: { initialMs: 100, maxMs: 150 } }, { hedgeDelayMs: false });
    for (let request = 0; request < 3; request++) await assets.fetch(path);
    expect(health.state(fastly.url)).toBe('open');
    expect(fastly.requests).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 250));

    // The request that ends the cool-down starts the probe but does not wait for it, nor does the next.
    for (let request = 0; request < 2; request++) {
      const started = Date.now();
      await assets.fetch(path);
      expect(Date.now() - started).toBeLessThan(150);
    }
    expect(health.state(fastly.url)).toBe('half-open');
    expect(fastly.requests).toBe(4);
    await expect.poll(() => health.state(fastly.url)).toBe('open');

    fastly.mode = 'healthy';
    await new Promise((resolve) => setTimeout(resolve, 400));
    await assets.fetch(path);
    await expect.poll(() => health.state(fastly.url)).toBe('closed');
    events = [];
    await assets.fetch(path);
    await assets.fetch(path);
    expect(served()).toEqual(['fastly', 'fastly']);
    expect(transitions).toEqual(['fastly closed→open', 'fastly open→half-open', 'fastly half-open→open', 'fastly open→half-open', 'fastly half-open→closed']);
  });

  it('breaker state survives a restart (a new service worker instance) through what it saved', async () => {
    fastly.mode = 'blackhole';
    const saved: Record<string, unknown> = {};
    const first = cascade({ save: (host, state) => (saved[host] = JSON.parse(JSON.stringify(state))) }, { hedgeDelayMs: false });
    for (let request = 0; request < 3; request++) await first.cascade.fetch(path);
    const restarted = cascade({ saved });
    expect(restarted.health.state(fastly.url)).toBe('open');
    const started = Date.now();
    await restarted.cascade.fetch(path);
    expect(Date.now() - started).toBeLessThan(150);
    expect(fastly.requests).toBe(3);
  });

  it('the origin is the last resort: tried even when its own breaker is open', async () => {
    fastly.mode = '503';
    azure.mode = '503';
    origin.mode = '503';
    const { cascade: assets, health } = cascade();
    for (let request = 0; request < 3; request++) await expect(assets.fetch(path)).rejects.toThrow(/No host could serve/);
    expect(health.state(origin.url)).toBe('open');
    origin.mode = 'healthy';
    await assets.fetch(path);
    expect(served().at(-1)).toBe('origin');
  });
});

describe('host health cool-down', () => {
  it('waits a full-jitter cool-down (never under a quarter of the initial) before one background probe, and doubles it after a failed probe', async () => {
    let now = 0;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const health = new HostHealth({ hosts: ['h'], coolDown: { initialMs: 1000, maxMs: 8000 }, random: () => 1 });
      let probes = 0;
      const failing = async () => {
        probes++;
        throw new Error('down');
      };
      for (let attempt = 0; attempt < 3; attempt++) await expect(health.run('h', failing)).rejects.toThrow('down');
      expect(health.state('h')).toBe('open');
      probes = 0;
      now = 999;
      await expect(health.run('h', failing)).rejects.toThrow(/marked down/);
      expect(probes).toBe(0);
      now = 1000;
      await expect(health.run('h', failing)).rejects.toThrow(/being probed/);
      expect(probes).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(health.state('h')).toBe('open');
      now = 1000 + 1999;
      await expect(health.run('h', failing)).rejects.toThrow(/marked down/);
      now = 1000 + 2000;
      await expect(health.run('h', failing)).rejects.toThrow(/being probed/);
      expect(probes).toBe(2);

      const unlucky = new HostHealth({ hosts: ['h'], coolDown: { initialMs: 1000, maxMs: 8000 }, random: () => 0 });
      now = 0;
      for (let attempt = 0; attempt < 3; attempt++) await expect(unlucky.run('h', failing)).rejects.toThrow('down');
      now = 249;
      await expect(unlucky.run('h', failing)).rejects.toThrow(/marked down/);
      now = 250;
      await expect(unlucky.run('h', failing)).rejects.toThrow(/being probed/);
    } finally {
      Date.now = realNow;
    }
  });
});
