import { describe, expect, it } from 'vitest';
import { ApiOrigins } from 'holdfast/client';
import { firstAnswering } from 'holdfast/client';

/**
 * The client's API regions, on a scripted fetch: which region each request reaches, and when the client
 * swaps. (The real thing — two server processes, one killed mid-replay — is tests/e2e/regionFailover.spec.ts.)
 */
type Region = { up: boolean; status?: number; delayMs?: number; requests: string[] };

function regions(names: string[]) {
  const byName = Object.fromEntries(names.map((name) => [name, { up: true, requests: [] } as Region]));
  const fetcher = async (input: string, init: RequestInit) => {
    const url = new URL(input);
    const region = byName[url.origin]!;
    region.requests.push(`${init.method ?? 'GET'} ${url.pathname}`);
    if (region.delayMs) await new Promise((resolve) => setTimeout(resolve, region.delayMs));
    if (!region.up) throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify({ from: url.origin }), { status: region.status ?? 200 });
  };
  return { byName, fetcher };
}

const a = 'https://api-a.example';
const b = 'https://api-b.example';
const body = async (response: Response) => ((await response.json()) as { from: string }).from;

describe('API failover across regions', () => {
  it('a dead region: each request moves on at once, the region leaves rotation after 3 failures, and the client swaps once', async () => {
    const { byName, fetcher } = regions([a, b]);
    const switches: string[] = [];
    const origins = new ApiOrigins({
      origins: [a, b],
      fetch: fetcher,
      hedgeDelayMs: false,
      coolDown: { initialMs: 60_000, maxMs: 60_000 },
      onSwitch: (from, to) => switches.push(`${from} → ${to}`),
    });
    expect(origins.current).toBe(a);
    byName[a]!.up = false;
    for (let index = 0; index < 10; index++) expect(await body(await origins.fetch('/api/actions', { method: 'POST', body: '{}' }))).toBe(b);
    expect(byName[a]!.requests).toHaveLength(3);
    expect(byName[b]!.requests).toHaveLength(10);
    expect(origins.current).toBe(b);
    expect(switches).toEqual([`${a} → ${b}`]);
    expect(origins.url('/api/events')).toBe(`${b}/api/events`);
    const heard: string[] = [];
    const stop = origins.subscribe((from, to) => heard.push(`${from} → ${to}`));
    stop();
    expect(heard).toEqual([]);
  });

  it('back to the preferred region after its probe (GET /readyz) succeeds, not before', async () => {
    const { byName, fetcher } = regions([a, b]);
    const switches: string[] = [];
    const origins = new ApiOrigins({
      origins: [a, b],
      fetch: fetcher,
      hedgeDelayMs: false,
      coolDown: { initialMs: 100, maxMs: 100 },
      random: () => 1,
      onSwitch: (from, to) => switches.push(`${from} → ${to}`),
    });
    byName[a]!.up = false;
    for (let index = 0; index < 3; index++) await origins.fetch('/api/sync');
    expect(origins.current).toBe(b);
    byName[a]!.up = true;
    byName[a]!.requests.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 150));
    // The request that ends the cool-down goes to b; the probe goes to a, in the background.
    expect(await body(await origins.fetch('/api/sync'))).toBe(b);
    await expect.poll(() => origins.current).toBe(a);
    expect(byName[a]!.requests).toEqual(['GET /readyz']);
    expect(await body(await origins.fetch('/api/sync'))).toBe(a);
    expect(switches).toEqual([`${a} → ${b}`, `${b} → ${a}`]);
  });

  it("a 503 from the region counts as down; a 500 or 4xx is the request's own answer and does not fail over", async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({ origins: [a, b], fetch: fetcher, hedgeDelayMs: false });
    byName[a]!.status = 500;
    expect((await origins.fetch('/api/actions', { method: 'POST' })).status).toBe(500);
    byName[a]!.status = 409;
    expect((await origins.fetch('/api/actions', { method: 'POST' })).status).toBe(409);
    expect(byName[b]!.requests).toEqual([]);
    byName[a]!.status = 503;
    expect(await body(await origins.fetch('/api/actions', { method: 'POST' }))).toBe(b);
  });

  it('never fails closed: with every region down the last one is still asked, and its own 503 is the answer', async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({ origins: [a, b], fetch: fetcher, hedgeDelayMs: false, coolDown: { initialMs: 60_000, maxMs: 60_000 } });
    byName[a]!.up = false;
    byName[b]!.status = 503;
    for (let index = 0; index < 5; index++) expect((await origins.fetch('/api/sync')).status).toBe(503);
    expect(byName[b]!.requests).toHaveLength(5);
    byName[b]!.up = false;
    await expect(origins.fetch('/api/sync')).rejects.toThrow(/No API region answered/);
  });

  it('idempotent reads are hedged: a silent region gets the next as company and the first answer wins; writes are not', async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({ origins: [a, b], fetch: fetcher, hedgeDelayMs: 50 });
    byName[a]!.delayMs = 1000;
    const started = Date.now();
    expect(await body(await origins.fetch('/api/sync'))).toBe(b);
    expect(Date.now() - started).toBeLessThan(900);
    byName[b]!.requests.length = 0;
    expect(await body(await origins.fetch('/api/actions', { method: 'POST' }))).toBe(a);
    expect(byName[b]!.requests).toEqual([]);
  });

  it("slow is not dead: a caller's deadline costs a region nothing while it answers others, but a silent region is charged and leaves rotation", async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({
      origins: [a, b],
      fetch: async (input, init) => {
        const region = byName[new URL(input).origin]!;
        if (region.delayMs) {
          // Never answers before the caller's deadline; honours the abort as fetch does.
          await new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError'))));
        }
        return fetcher(input, init);
      },
      hedgeDelayMs: false,
      coolDown: { initialMs: 60_000, maxMs: 60_000 },
    });
    // Busy: its other requests are answered between the timed-out ones.
    byName[a]!.delayMs = 1;
    for (let index = 0; index < 5; index++) {
      const slow = origins.fetch('/api/sync', { signal: AbortSignal.timeout(30) });
      byName[a]!.delayMs = 0;
      await origins.fetch('/api/agents');
      byName[a]!.delayMs = 1;
      await expect(slow).rejects.toThrow(/timed out/);
    }
    expect(origins.states()[a]).toBe('closed');
    // Silent: nothing answered while the caller waited.
    for (let index = 0; index < 3; index++) await expect(origins.fetch('/api/sync', { signal: AbortSignal.timeout(30) })).rejects.toThrow(/timed out/);
    expect(origins.states()[a]).toBe('open');
    expect(origins.current).toBe(b);
  });

  it('a request the caller aborts is not retried elsewhere and costs the region nothing', async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({
      origins: [a, b],
      fetch: async (input, init) => {
        if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
        return fetcher(input, init);
      },
      hedgeDelayMs: false,
    });
    const controller = new AbortController();
    controller.abort();
    await expect(origins.fetch('/api/sync', { signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(byName[b]!.requests).toEqual([]);
    expect(origins.states()).toEqual({ [a]: 'closed', [b]: 'closed' });
  });

  it("one origin (the default, the page's own) is plain same-origin fetching", async () => {
    const seen: [string, RequestCredentials | undefined][] = [];
    const origins = new ApiOrigins({
      fetch: async (input, init) => {
        seen.push([input, init?.credentials]);
        return new Response('{}');
      },
    });
    await origins.fetch('/api/agents');
    expect(seen).toEqual([['/api/agents', 'same-origin']]);
    expect(origins.url('/api/events')).toBe('/api/events');
  });

  it("deadlines follow the network: 4× the region's p95 once it has answered a few times, within [base, 4 × base]", async () => {
    const { byName, fetcher } = regions([a, b]);
    const origins = new ApiOrigins({ origins: [a, b], fetch: fetcher, hedgeDelayMs: false });
    expect(origins.deadlineMs(100)).toBe(100);
    byName[a]!.delayMs = 40;
    for (let index = 0; index < 5; index++) await origins.fetch('/api/sync');
    expect(origins.deadlineMs(100)).toBeGreaterThanOrEqual(160);
    expect(origins.deadlineMs(100)).toBeLessThanOrEqual(400);
    expect(origins.deadlineMs(5000)).toBe(5000);
  });
});

describe('signing in through the regions (no breakers)', () => {
  it("tries the regions in order: a dead one or a 502–504 moves on, any other answer is the answer, the last one's 503 is returned", async () => {
    const { byName, fetcher } = regions([a, b]);
    const send = firstAnswering([a, b], fetcher);
    byName[a]!.up = false;
    expect(await body(await send('/api/login', { method: 'POST' }))).toBe(b);
    byName[a]!.up = true;
    byName[a]!.status = 503;
    expect(await body(await send('/api/login', { method: 'POST' }))).toBe(b);
    byName[a]!.status = 401;
    expect((await send('/api/login', { method: 'POST' })).status).toBe(401);
    byName[a]!.status = 503;
    byName[b]!.status = 503;
    expect((await send('/api/login', { method: 'POST' })).status).toBe(503);
    byName[b]!.up = false;
    await expect(send('/api/login', { method: 'POST' })).rejects.toThrow(/No API region answered/);
  });
});
