import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpBatchTransport, OutboxReplayer, OutboxReplayLeader, parseRetryAfter, type BatchOutcome } from 'holdfast/internal';
import type { ActionEnvelope } from 'holdfast/client';
import { createWorkspaceAction } from '../../../../app/shared/client.js';
import { MemoryReplayQueue } from './memoryReplayQueue.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

/** A server that applies everything, recording what it received. */
function applyingServer() {
  const received: ActionEnvelope[][] = [];
  const transport = vi.fn(async (actions: readonly ActionEnvelope[], _signal?: AbortSignal): Promise<BatchOutcome> => {
    received.push([...actions]);
    return { kind: 'answered', results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) };
  });
  return { received, transport };
}

const sends = (count: number, target = A) => Array.from({ length: count }, (_, index) => createWorkspaceAction('send', target, { text: `m${index}` }));

describe('replaying the outbox', () => {
  it('sends everything in batches of at most 500, in queue order, and empties the queue', async () => {
    const queue = new MemoryReplayQueue();
    const actions = sends(1234);
    for (const action of actions) queue.add(action);
    const { received, transport } = applyingServer();
    const progress: number[] = [];
    const result = await new OutboxReplayer({ queue, transport, onProgress: ({ sent, total }) => progress.push(sent / total) }).drain();
    expect(result).toEqual({ status: 'drained', sent: 1234 });
    expect(received.map((batch) => batch.length)).toEqual([500, 500, 234]);
    expect(received.flat()).toEqual(actions);
    expect(queue.entries).toEqual([]);
    expect(progress).toEqual([500 / 1234, 1000 / 1234, 1]);
    expect(queue.replays[0]).toMatchObject({ actions: 1234 });
  });

  it('a request refused for one poison action is split until that action is alone; it becomes a dead letter, the rest go', async () => {
    const queue = new MemoryReplayQueue();
    const actions = sends(40);
    const poison = actions[23]!;
    for (const action of actions) queue.add(action);
    const applied: string[] = [];
    let requests = 0;
    const transport = async (batch: readonly ActionEnvelope[]): Promise<BatchOutcome> => {
      requests++;
      if (batch.some((action) => action.id === poison.id))
        return { kind: 'refused', status: 404, code: 'conversation-not-found', message: 'No such conversation.' };
      applied.push(...batch.map((action) => action.id));
      return { kind: 'answered', results: batch.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) };
    };
    expect(await new OutboxReplayer({ queue, transport }).drain()).toEqual({ status: 'drained', sent: 40 });
    expect(applied).toEqual(actions.filter((action) => action !== poison).map((action) => action.id));
    expect(queue.failed).toMatchObject([{ action: poison, kind: 'rejected', code: 'conversation-not-found' }]);
    expect(requests).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(40)) + 1);
  });

  it('rejected and conflicting results go to the failed list; the queue moves on', async () => {
    const queue = new MemoryReplayQueue();
    const [first, second, third] = sends(3);
    for (const action of [first!, second!, third!]) queue.add(action);
    const transport = async (): Promise<BatchOutcome> => ({
      kind: 'answered',
      results: [
        { id: first!.id, status: 'applied', state: {} },
        { id: second!.id, status: 'conflict', code: 'closed-meanwhile', message: 'closed', state: { status: 'closed' } },
        { id: third!.id, status: 'rejected', code: 'unknown-agent', message: 'no such agent' },
      ],
    });
    await new OutboxReplayer({ queue, transport }).drain();
    expect(queue.entries).toEqual([]);
    expect(queue.failed.map((failed) => [failed.action.id, failed.kind, failed.code])).toEqual([
      [second!.id, 'conflict', 'closed-meanwhile'],
      [third!.id, 'rejected', 'unknown-agent'],
    ]);
  });

  it('no usable answer: backs off with full jitter, doubling to a cap, never a hot loop; Retry-After wins when longer', async () => {
    const now = 0;
    const queue = new MemoryReplayQueue(() => now);
    queue.add(sends(1)[0]!);
    let outcome: BatchOutcome = { kind: 'retry', code: 'unreachable', message: 'down' };
    const transport = vi.fn(async () => outcome);
    const backoff = { initialDelayMs: 1000, maxDelayMs: 60_000 };
    const replayer = new OutboxReplayer({ queue, transport, backoff, now: () => now, random: () => 1 });
    const delays: number[] = [];
    for (let attempt = 0; attempt < 9; attempt++) {
      const result = await replayer.drain();
      if (result.status !== 'backing-off') throw new Error(result.status);
      delays.push(result.retryAt - now);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    expect(queue.entries[0]!.attempts).toBe(9);

    const low = new OutboxReplayer({ queue, transport, backoff, now: () => now, random: () => 0 });
    expect(await low.drain()).toMatchObject({ retryAt: 250 });

    outcome = { kind: 'retry', code: 'http-503', message: 'busy', retryAfterMs: 30_000 };
    expect(await low.drain()).toMatchObject({ status: 'backing-off', retryAt: 30_000 });
    outcome = { kind: 'retry', code: 'http-429', message: 'slow down', retryAfterMs: 10 };
    const drained = await new OutboxReplayer({ queue, transport, backoff, now: () => now, random: () => 1 }).drain();
    expect(drained).toMatchObject({ retryAt: 1000 });
  });

  it('a 401 pauses the queue, for every tab, until it is resumed; nothing is lost', async () => {
    const queue = new MemoryReplayQueue();
    const actions = sends(3);
    for (const action of actions) queue.add(action);
    const { received, transport } = applyingServer();
    let signedIn = false;
    const replayer = new OutboxReplayer({
      queue,
      transport: async (batch, signal) => (signedIn ? transport(batch, signal) : { kind: 'unauthorized' }),
    });
    expect(await replayer.drain()).toEqual({ status: 'paused', sent: 0, reason: 'unauthorized' });
    expect(queue.pausedReason).toBe('unauthorized');
    signedIn = true;
    expect(await replayer.drain()).toMatchObject({ status: 'paused' });
    expect(received).toEqual([]);
    await replayer.resume();
    expect(await replayer.drain()).toEqual({ status: 'drained', sent: 3 });
    expect(received.flat()).toEqual(actions);
  });

  it('an action held for undo does not hold up other conversations; the pass says when to come back', async () => {
    let now = 1000;
    const queue = new MemoryReplayQueue(() => now);
    const [held] = sends(1, A);
    const [other] = sends(1, B);
    queue.add(held!, { holdUntil: 6000 });
    queue.add(other!);
    const { received, transport } = applyingServer();
    const replayer = new OutboxReplayer({ queue, transport, now: () => now });
    expect(await replayer.drain()).toEqual({ status: 'held', sent: 1, wakeAt: 6000 });
    now = 6000;
    expect(await replayer.drain()).toEqual({ status: 'drained', sent: 1 });
    expect(received.flat()).toEqual([other, held]);
  });

  it('Retry-After is read as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120_000);
    expect(parseRetryAfter('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('the replay leader', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a kick during backoff waits for it; a forced kick (server reachable again) ends it', async () => {
    vi.useFakeTimers();
    const queue = new MemoryReplayQueue(() => Date.now());
    queue.add(sends(1)[0]!);
    let up = false;
    const transport = vi.fn(
      async (batch: readonly ActionEnvelope[]): Promise<BatchOutcome> =>
        up
          ? { kind: 'answered', results: batch.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) }
          : { kind: 'retry', code: 'unreachable', message: 'down' },
    );
    const replayer = new OutboxReplayer({ queue, transport, backoff: { initialDelayMs: 10_000, maxDelayMs: 60_000 }, random: () => 1 });
    const leader = new OutboxReplayLeader({ replayer, lockName: 'test' });
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport).toHaveBeenCalledTimes(1);

    for (let click = 0; click < 20; click++) leader.kick();
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport).toHaveBeenCalledTimes(2);

    up = true;
    leader.kick({ force: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(transport).toHaveBeenCalledTimes(3);
    expect(queue.entries).toEqual([]);
    await leader.stop();
  });

  it("a device's clock set back hours during a backoff: the next try still comes after the backoff, not hours later", async () => {
    vi.useFakeTimers();
    // The device's clock (epoch ms) is the fake timers' clock, moved back three hours below; the leader's
    // own clock (performance.now) is not.
    let setBack = 0;
    const now = () => Date.now() - setBack;
    const queue = new MemoryReplayQueue(now);
    queue.add(sends(1)[0]!);
    let up = false;
    const transport = vi.fn(
      async (actions: readonly ActionEnvelope[]): Promise<BatchOutcome> =>
        up
          ? { kind: 'answered', results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) }
          : { kind: 'retry', code: 'http-503', message: 'busy' },
    );
    const replayer = new OutboxReplayer({ queue, transport, now, backoff: { initialDelayMs: 10_000, maxDelayMs: 60_000 }, random: () => 1 });
    const leader = new OutboxReplayLeader({ replayer, lockName: 'test', now, clock: () => performance.now() });
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport).toHaveBeenCalledTimes(1);
    up = true;
    setBack = 3 * 3_600_000;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport).toHaveBeenCalledTimes(2);
    expect(queue.entries).toEqual([]);
    await leader.stop();
  });

  it("even a forced kick waits for the server's Retry-After", async () => {
    vi.useFakeTimers();
    const queue = new MemoryReplayQueue(() => Date.now());
    queue.add(sends(1)[0]!);
    const transport = vi.fn(async (): Promise<BatchOutcome> => ({ kind: 'retry', code: 'http-503', message: 'busy', retryAfterMs: 30_000 }));
    const replayer = new OutboxReplayer({ queue, transport, random: () => 0 });
    const leader = new OutboxReplayLeader({ replayer, lockName: 'test' });
    leader.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport).toHaveBeenCalledTimes(1);
    leader.kick({ force: true });
    leader.kick();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(transport).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport).toHaveBeenCalledTimes(2);
    await leader.stop();
  });
});

describe('passes, one at a time, and stopped when another context leads', () => {
  it('a pass asked for during another runs after it; a stopped pass ends between batches, the rest left queued', async () => {
    const queue = new MemoryReplayQueue();
    for (const action of sends(1200)) queue.add(action);
    const lost = new AbortController();
    let inFlight = 0;
    let most = 0;
    const transport = vi.fn(async (actions: readonly ActionEnvelope[]): Promise<BatchOutcome> => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      // Taken over while the first batch is on its way.
      lost.abort();
      return { kind: 'answered', results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) };
    });
    const replayer = new OutboxReplayer({ queue, transport });
    const [first, second] = await Promise.all([replayer.drain(lost.signal), replayer.drain()]);
    expect(most).toBe(1);
    // The first pass sent its batch in flight and stopped; the second sent the rest.
    expect(first).toEqual({ status: 'stopped', sent: 500 });
    expect(second).toEqual({ status: 'drained', sent: 700 });
    expect(queue.entries).toEqual([]);
  });
});

describe('a batch stuck on the way while the server is well again (hedge)', () => {
  /** A transport whose first `stuck` sends never answer until aborted (sent into an outage that healed); later ones apply. */
  function stuckThenWell(stuck: number) {
    let sends = 0;
    const applied: string[] = [];
    const transport = async (actions: readonly ActionEnvelope[], signal?: AbortSignal): Promise<BatchOutcome> => {
      if (++sends <= stuck)
        return new Promise((resolve) =>
          signal?.addEventListener('abort', () => resolve({ kind: 'retry', code: 'network', message: 'aborted' }), { once: true }),
        );
      applied.push(...actions.map((action) => action.id));
      return { kind: 'answered', results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) };
    };
    return { transport, applied, sends: () => sends };
  }

  it('is sent again at once when the probe answers fast, with no backoff and no failure counted', async () => {
    const queue = new MemoryReplayQueue();
    const actions = sends(3);
    for (const action of actions) queue.add(action);
    const { transport, applied, sends: count } = stuckThenWell(1);
    const failures: string[] = [];
    const replayer = new OutboxReplayer({
      queue,
      transport,
      probe: async () => true,
      hedge: { afterMs: 20, fastMs: 1000 },
      requestTimeoutMs: 60_000,
      onFailedSend: (code) => failures.push(code),
    });
    expect(await replayer.drain()).toEqual({ status: 'drained', sent: 3 });
    expect(count()).toBe(2);
    expect(applied).toEqual(actions.map((action) => action.id));
    expect(failures).toEqual([]);
    expect(queue.entries).toEqual([]);
  });

  it('is waited for while the probe is slow too (the server is slow for everyone), which is said as slow', async () => {
    const queue = new MemoryReplayQueue();
    queue.add(sends(1)[0]!);
    let answer!: () => void;
    const transport = (actions: readonly ActionEnvelope[]): Promise<BatchOutcome> =>
      new Promise((resolve) => {
        answer = () => resolve({ kind: 'answered', results: actions.map((action) => ({ id: action.id, status: 'applied' as const, state: {} })) });
      });
    let probes = 0;
    let slow = 0;
    const replayer = new OutboxReplayer({
      queue,
      transport,
      onSlowSend: () => slow++,
      probe: (signal) => {
        probes++;
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
      },
      hedge: { afterMs: 10, fastMs: 10 },
    });
    const draining = replayer.drain();
    await vi.waitFor(() => expect(slow).toBeGreaterThanOrEqual(2));
    answer();
    expect(await draining).toEqual({ status: 'drained', sent: 1 });
    expect(probes).toBeGreaterThanOrEqual(2);
  });

  it('gives a batch up once: a resend that is stuck too is waited for, not sent again and again', async () => {
    const queue = new MemoryReplayQueue();
    queue.add(sends(1)[0]!);
    const { transport, sends: count } = stuckThenWell(2);
    const replayer = new OutboxReplayer({ queue, transport, probe: async () => true, hedge: { afterMs: 10, fastMs: 1000 }, requestTimeoutMs: 300 });
    const result = await replayer.drain();
    // The resend waited out its own deadline (300 ms) rather than being given up at 10 ms: a backoff follows.
    expect(result.status).toBe('backing-off');
    expect(count()).toBe(2);
  });
});

describe("a gateway's 502 or 504 (the API behind it not reached)", () => {
  it('is never evidence against an action: with the probe saying ready, the action is retried, never dead-lettered', async () => {
    const queue = new MemoryReplayQueue();
    const action = sends(1)[0]!;
    queue.add(action);
    const failures: string[] = [];
    const replayer = new OutboxReplayer({
      queue,
      transport: async () => ({ kind: 'retry', code: 'unreachable', message: 'a gateway answered 502', status: 502 }),
      probe: async () => true,
      poison: { bisectAfter: 1, maxIsolatedFailures: 1 },
      backoff: { initialDelayMs: 0, maxDelayMs: 0 },
      onFailedSend: (code) => failures.push(code),
    });
    for (let pass = 0; pass < 6; pass++) expect((await replayer.drain()).status).toBe('backing-off');
    expect(queue.failed).toEqual([]);
    expect(queue.entries.map((entry) => entry.action.id)).toEqual([action.id]);
    expect(failures.every((code) => code === 'unreachable')).toBe(true);
  });

  it('is classified by the HTTP transport as no answer (unreachable), whatever its body, HTML included', async () => {
    for (const status of [502, 504]) {
      const transport = httpBatchTransport({
        url: '/api/actions',
        headers: () => ({}),
        fetch: async () => new Response('<html><body><h1>Bad Gateway</h1></body></html>', { status, headers: { 'content-type': 'text/html' } }),
      });
      expect(await transport(sends(1), new AbortController().signal)).toMatchObject({ kind: 'retry', code: 'unreachable', status });
    }
  });

  it('HAProxy\'s 503 page (no node left to send to) is no answer too; the API\'s own 503, in its JSON, is its "later"', async () => {
    const answering = (response: () => Response) =>
      httpBatchTransport({ url: '/api/actions', headers: () => ({}), fetch: async () => response() })(sends(1), new AbortController().signal);
    const haproxy = () =>
      new Response('<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>', {
        status: 503,
        headers: { 'content-type': 'text/html' },
      });
    expect(await answering(haproxy)).toMatchObject({ kind: 'retry', code: 'unreachable', status: 503 });
    const shedding = () => Response.json({ error: { code: 'overloaded', message: 'The server is busy.' } }, { status: 503, headers: { 'retry-after': '2' } });
    expect(await answering(shedding)).toMatchObject({ kind: 'retry', code: 'overloaded', status: 503, retryAfterMs: 2000 });
  });
});
