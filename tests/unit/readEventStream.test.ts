import { afterEach, describe, expect, it, vi } from 'vitest';
import { readEventStream } from '../../app/api/readEventStream.js';

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
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      urls.push(url);
      return (answers[urls.length - 1] ?? answers[2]!)();
    }));
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
});
