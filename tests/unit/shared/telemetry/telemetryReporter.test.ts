import { afterEach, describe, expect, it, vi } from 'vitest';
import { TelemetryReporter } from 'holdfast/client';

/** The page's `navigator.serviceWorker` as far as the reporter uses it: a controller that comes later. */
function workerContainer() {
  const container = new EventTarget() as EventTarget & { controller: { postMessage: (message: unknown) => void } | null };
  container.controller = null;
  return container;
}

afterEach(() => vi.unstubAllGlobals());

describe('telemetry before a worker controls the page (a new device’s first load)', () => {
  it('is kept and handed to the worker once one controls the page, not dropped', () => {
    const container = workerContainer();
    vi.stubGlobal('navigator', { serviceWorker: container });
    const reporter = new TelemetryReporter();
    reporter.report('failover', { from: 'http://fastly.test', passedHosts: 'http://azure.test' });
    reporter.flush();
    const posted: unknown[] = [];
    container.controller = { postMessage: (message) => posted.push(message) };
    container.dispatchEvent(new Event('controllerchange'));
    expect(posted).toHaveLength(1);
    expect((posted[0] as { events: { kind: string }[] }).events.map((event) => event.kind)).toEqual(['failover']);
    reporter.stop();
  });

  it('keeps at most 500 events while it waits: the oldest go first', () => {
    const container = workerContainer();
    vi.stubGlobal('navigator', { serviceWorker: container });
    const reporter = new TelemetryReporter();
    for (let index = 0; index < 700; index++) reporter.report('reachability', { index });
    reporter.flush();
    const posted: { events: { detail: { index: number } }[] }[] = [];
    container.controller = { postMessage: (message) => posted.push(message as (typeof posted)[number]) };
    container.dispatchEvent(new Event('controllerchange'));
    const indexes = posted.flatMap((batch) => batch.events.map((event) => event.detail.index));
    expect(indexes).toHaveLength(500);
    expect(indexes[0]).toBe(200);
    reporter.stop();
  });
});
