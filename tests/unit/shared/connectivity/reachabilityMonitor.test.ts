import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReachabilityMonitor, type ReachabilityPlatform } from 'holdfast/internal';

function platform(overrides: Partial<ReachabilityPlatform> = {}) {
  let online = true;
  const listeners = new Set<() => void>();
  const probe = vi.fn(async () => false);
  const value: ReachabilityPlatform = {
    probe,
    isBrowserOnline: () => online,
    onBrowserConnectivityChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: () => 1,
    ...overrides,
  };
  return {
    value,
    probe: (overrides.probe as typeof probe | undefined) ?? probe,
    setOnline(next: boolean) {
      online = next;
      listeners.forEach((listener) => {
        listener();
      });
    },
  };
}

describe('the reachability monitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('probes a dead server with growing, capped delays — never a hot loop', async () => {
    const { value, probe } = platform();
    const monitor = new ReachabilityMonitor(value, { initialProbeDelayMs: 1000, maxProbeDelayMs: 8000 });
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(monitor.state).toBe('unreachable');
    const probeTimes: number[] = [];
    probe.mockImplementation(async () => {
      probeTimes.push(Date.now());
      return false;
    });
    const started = Date.now();
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = probeTimes.map((time, index) => time - (index === 0 ? started : probeTimes[index - 1]!));
    expect(gaps.slice(0, 4)).toEqual([1000, 2000, 4000, 8000]);
    expect(Math.max(...gaps)).toBe(8000);
    expect(probeTimes.length).toBeLessThanOrEqual(12);
    monitor.stop();
  });

  it('spreads probes with full jitter', () => {
    const { value } = platform({ random: () => 0.5 });
    const monitor = new ReachabilityMonitor(value, { initialProbeDelayMs: 1000, maxProbeDelayMs: 30_000 });
    expect(monitor.nextProbeDelayMs()).toBe(500);
  });

  it('turns online when a probe gets an answer, and says so', async () => {
    let up = false;
    const { value } = platform({ probe: async () => up });
    const monitor = new ReachabilityMonitor(value);
    const seen: string[] = [];
    monitor.subscribe((state) => seen.push(state));
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    up = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(monitor.state).toBe('online');
    expect(seen).toEqual(['unreachable', 'online']);
  });

  it('does not probe while the browser is offline, and probes at once when it is back', async () => {
    const controls = platform({ probe: vi.fn(async () => true) });
    const monitor = new ReachabilityMonitor(controls.value);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    controls.setOnline(false);
    expect(monitor.state).toBe('offline');
    const probesBefore = controls.probe.mock.calls.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(controls.probe.mock.calls.length).toBe(probesBefore);
    controls.setOnline(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(controls.probe.mock.calls.length).toBe(probesBefore + 1);
    expect(monitor.state).toBe('online');
  });

  it('a failed real request marks the server unreachable; a later success clears it without probing', async () => {
    const { value, probe } = platform();
    probe.mockResolvedValue(true);
    const monitor = new ReachabilityMonitor(value);
    monitor.reportFailure();
    expect(monitor.state).toBe('unreachable');
    monitor.reportSuccess();
    expect(monitor.state).toBe('online');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).not.toHaveBeenCalled();
  });

  it('tells a slow server from a gone one: a missed deadline with an answered probe is slow; a failed probe is unreachable', async () => {
    const { value, probe } = platform();
    const monitor = new ReachabilityMonitor(value);
    probe.mockImplementation(async () => true);
    monitor.reportSuccess();
    expect(await monitor.reportSlow()).toBe('slow');
    monitor.reportSuccess();
    expect(monitor.state).toBe('online');
    probe.mockImplementation(async () => false);
    expect(await monitor.reportSlow()).toBe('unreachable');
    // Once unreachable, a slow read does not make it look better.
    probe.mockImplementation(async () => true);
    expect(await monitor.reportSlow()).toBe('unreachable');
    monitor.stop();
  });
});
