import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEventStream } from 'holdfast/internal';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('the event stream reader', () => {
  it('obeys Retry-After when the server refuses the stream over its cap, then resumes from the last event id', async () => {
    vi.useFakeTimers();
    const urls: string[] = [];
    const answers = [
      () => new Response('event: ready\nid: 41\ndata: {}\n\n', { status: 200, headers: { 'content-type': 'text/event-stream' } }),
      () => new Response(JSON.stringify({ error: { code: 'too-many-streams', message: 'busy' } }), { status: 503, headers: { 'retry-after': '12' } }),
      () => new Response('event: change\nid: 42\ndata: {}\n\n', { status: 200 }),
    ];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        urls.push(url);
        return (answers[urls.length - 1] ?? answers[2]!)();
      }),
    );
    const events: string[] = [];
    const close = readEventStream({
      url: (lastEventId) => `/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
      headers: () => ({}),
      onEvent: (event) => events.push(`${event.event}:${event.id}`),
      initialRetryMs: 100,
      maxRetryMs: 200,
    });
    await vi.advanceTimersByTimeAsync(250); // first stream ends; reconnect after at most 200 ms: refused
    expect(urls).toEqual(['/api/events', '/api/events?cursor=41']);
    await vi.advanceTimersByTimeAsync(11_000); // the backoff alone would have retried by now: Retry-After says 12 s
    expect(urls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1100);
    expect(urls.slice(0, 3)).toEqual(['/api/events', '/api/events?cursor=41', '/api/events?cursor=41']);
    expect(events.slice(0, 2)).toEqual(['ready:41', 'change:42']);
    close();
  });

  /** A stream response that stays open: sends `chunks` at the given times (ms after it opens), then closes at `closeAt` (never: undefined). */
  const openStream = (chunks: [number, string][], closeAt?: number) => {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const [at, text] of chunks) setTimeout(() => controller.enqueue(encoder.encode(text)), at);
        if (closeAt !== undefined) setTimeout(() => controller.close(), closeAt);
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };

  it('does not start the backoff over when a connection opens: a server that accepts and drops at once sees ever longer gaps', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const calls: number[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls.push(Date.now());
        return new Response('event: ready\nid: 1\ndata: {}\n\n', { status: 200 });
      }),
    );
    const close = readEventStream({ url: () => '/api/events', headers: () => ({}), onEvent: () => {}, initialRetryMs: 100, maxRetryMs: 10_000 });
    await vi.advanceTimersByTimeAsync(4000);
    close();
    const gaps = calls.slice(1).map((at, index) => at - calls[index]!);
    // 100, 200, 400, 800, 1600…: doubling, though every connection opened fine.
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps[3]!).toBeGreaterThanOrEqual(gaps[0]! * 7);
  });

  it('starts the backoff over once a connection has stayed healthy', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const calls: number[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls.push(Date.now());
        // The third connection stays up 40 s (heartbeats every 10 s), then the server goes away again.
        return calls.length === 3
          ? openStream(
              [
                [10_000, ': hb\n\n'],
                [20_000, ': hb\n\n'],
                [30_000, ': hb\n\n'],
              ],
              40_000,
            )
          : new Response('', { status: 200 });
      }),
    );
    const close = readEventStream({
      url: () => '/api/events',
      headers: () => ({}),
      onEvent: () => {},
      initialRetryMs: 1000,
      maxRetryMs: 60_000,
      healthyAfterMs: 30_000,
    });
    await vi.advanceTimersByTimeAsync(60_000);
    close();
    // Before it: 1 s, then 2 s. After 40 s healthy, the next break waits the first delay again (1 s), not 4 s.
    expect(calls[3]! - calls[2]!).toBeGreaterThanOrEqual(40_000);
    expect(calls[3]! - calls[2]! - 40_000).toBeLessThanOrEqual(1000);
  });

  it('drops a silent connection (no heartbeat: half-open behind a proxy) after the idle timeout, and reconnects', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const statuses: boolean[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls.push(Date.now());
        // Opens, says ready, then nothing at all: no event, no heartbeat, and no close either.
        return openStream([[0, 'event: ready\nid: 1\ndata: {}\n\n']]);
      }),
    );
    const close = readEventStream({
      url: () => '/api/events',
      headers: () => ({}),
      onEvent: () => {},
      onStatus: (up) => statuses.push(up),
      idleTimeoutMs: 45_000,
      initialRetryMs: 100,
      maxRetryMs: 100,
    });
    await vi.advanceTimersByTimeAsync(44_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toHaveLength(2);
    expect(statuses.slice(0, 3)).toEqual([true, false, true]);
    close();
  });

  it('reconnects at once when told the server answers again, instead of waiting out its backoff; never before a Retry-After', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const calls: number[] = [];
    let refuseWithRetryAfter = false;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        calls.push(Date.now());
        if (refuseWithRetryAfter) return new Response('', { status: 503, headers: { 'retry-after': '20' } });
        throw new TypeError('Failed to fetch');
      }),
    );
    let wake = () => {};
    const close = readEventStream({
      url: () => '/api/events',
      headers: () => ({}),
      onEvent: () => {},
      initialRetryMs: 1000,
      maxRetryMs: 30_000,
      wakeWhen: (callback) => {
        wake = callback;
        return () => {
          wake = () => {};
        };
      },
    });
    // Down for a while: the backoff has grown to waits of up to 16 s and 30 s.
    await vi.advanceTimersByTimeAsync(31_000);
    const before = calls.length;
    expect(before).toBeGreaterThanOrEqual(4);
    wake();
    await vi.advanceTimersByTimeAsync(10);
    expect(calls.length).toBe(before + 1);

    // A server over its cap said when to come back: being woken does not hurry that.
    refuseWithRetryAfter = true;
    await vi.advanceTimersByTimeAsync(30_000);
    const refused = calls.length;
    wake();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.length).toBe(refused);
    close();
  });

  it('replaces a connection that stayed open through the outage when woken (it may be half-open), resuming from the last event id', async () => {
    vi.useFakeTimers();
    const urls: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init: RequestInit) => {
        urls.push(url);
        // Says ready, then nothing: the server behind it died and the proxy never passed that on.
        const response = openStream([[0, `event: ready\nid: ${urls.length}\ndata: {}\n\n`]]);
        init.signal?.addEventListener('abort', () => void response.body?.cancel().catch(() => undefined));
        return response;
      }),
    );
    let wake = () => {};
    const close = readEventStream({
      url: (lastEventId) => `/api/events${lastEventId ? `?cursor=${lastEventId}` : ''}`,
      headers: () => ({}),
      onEvent: () => {},
      idleTimeoutMs: 45_000,
      wakeWhen: (callback) => {
        wake = callback;
        return () => {};
      },
    });
    await vi.advanceTimersByTimeAsync(12_000);
    expect(urls).toEqual(['/api/events']);
    wake();
    await vi.advanceTimersByTimeAsync(50);
    // At once, long before the 45-s idle timeout, and from where it was.
    expect(urls).toEqual(['/api/events', '/api/events?cursor=1']);
    close();
  });
});
