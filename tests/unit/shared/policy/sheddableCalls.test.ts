import { afterEach, describe, expect, it, vi } from 'vitest';
import { SheddableCalls } from 'holdfast/client';
import { checkSheddable } from 'holdfast/client';
import { sheddableRefused } from 'holdfast/internal';

afterEach(() => vi.useRealTimers());

const never = () => new Promise<never>(() => {});

describe('sheddable calls: a short deadline and a breaker, so a sick server costs nothing', () => {
  it('abandons a call at its deadline, even one that ignores its signal, and answers undefined', async () => {
    const calls = new SheddableCalls({ timeoutMs: 50 });
    const started = Date.now();
    expect(await calls.run(never)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('opens after consecutive failures: no call is made while open, one probe after the cool-down closes it', async () => {
    vi.useFakeTimers();
    const states: string[] = [];
    const calls = new SheddableCalls({ timeoutMs: 1000, failuresToOpen: 3, halfOpenAfterMs: 10_000, onStateChange: (state) => states.push(state) });
    let made = 0;
    const failing = async () => {
      made++;
      throw sheddableRefused(500, undefined);
    };
    for (let i = 0; i < 3; i++) expect(await calls.run(failing)).toBeUndefined();
    expect(calls.state).toBe('open');
    for (let i = 0; i < 10; i++) await calls.run(failing);
    expect(made).toBe(3);
    vi.advanceTimersByTime(10_001);
    expect(await calls.run(async () => 'ok')).toBe('ok');
    expect(calls.state).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('a Retry-After holds it open for exactly that long', async () => {
    vi.useFakeTimers();
    const calls = new SheddableCalls({ failuresToOpen: 5 });
    let made = 0;
    await calls.run(async () => {
      made++;
      return checkSheddable(new Response('{}', { status: 429, headers: { 'retry-after': '4' } }));
    });
    expect(calls.state).toBe('held');
    expect(
      await calls.run(async () => {
        made++;
        return 'x';
      }),
    ).toBeUndefined();
    vi.advanceTimersByTime(3900);
    expect(
      await calls.run(async () => {
        made++;
        return 'x';
      }),
    ).toBeUndefined();
    vi.advanceTimersByTime(200);
    expect(
      await calls.run(async () => {
        made++;
        return 'x';
      }),
    ).toBe('x');
    expect(made).toBe(2);
  });
});
