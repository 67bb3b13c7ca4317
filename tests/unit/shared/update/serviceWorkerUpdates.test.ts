import { describe, expect, it } from 'vitest';
import { ServiceWorkerUpdates } from 'holdfast/client';
import { skipWaitingMessage } from 'holdfast/internal';

/** The parts of the browser's service worker objects the class reads, as event targets the test drives. */
class FakeWorker extends EventTarget {
  state: ServiceWorkerState = 'installing';
  messages: unknown[] = [];
  postMessage(message: unknown) {
    this.messages.push(message);
  }
  moveTo(state: ServiceWorkerState) {
    this.state = state;
    this.dispatchEvent(new Event('statechange'));
  }
}
class FakeRegistration extends EventTarget {
  installing: FakeWorker | null = null;
  waiting: FakeWorker | null = null;
  updates = 0;
  async update() {
    this.updates++;
  }
  find(worker: FakeWorker) {
    this.installing = worker;
    this.dispatchEvent(new Event('updatefound'));
  }
}
class FakeContainer extends EventTarget {
  constructor(public controller: object | null) {
    super();
  }
  takeOver() {
    this.controller = {};
    this.dispatchEvent(new Event('controllerchange'));
  }
}

function setUp(controlled: boolean) {
  const container = new FakeContainer(controlled ? {} : null);
  const registration = new FakeRegistration();
  const saved: string[] = [];
  let reloads = 0;
  const updates = new ServiceWorkerUpdates({
    container: container as unknown as ServiceWorkerContainer,
    reload: () => reloads++,
    beforeReload: async () => void saved.push('drafts'),
    checkIntervalMs: 0,
  });
  updates.watch(registration as unknown as ServiceWorkerRegistration);
  return { container, registration, updates, saved, reloads: () => reloads };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('service worker updates', () => {
  it('a new worker installed under a controlled page is offered, not applied; "apply" asks it to take over; the page saves, then reloads once', async () => {
    const { container, registration, updates, saved, reloads } = setUp(true);
    const worker = new FakeWorker();
    registration.find(worker);
    worker.moveTo('installed');
    registration.waiting = worker;
    expect(updates.getSnapshot()).toMatchObject({ available: true, applying: false, failed: null });
    expect(worker.messages).toEqual([]);
    updates.apply();
    expect(worker.messages).toEqual([skipWaitingMessage]);
    container.takeOver();
    container.takeOver();
    await settle();
    expect(saved).toEqual(['drafts']);
    expect(reloads()).toBe(1);
  });

  it("a page's first controller (the first install) is no update: no offer, no reload; a later change is one", async () => {
    const { container, registration, updates, reloads } = setUp(false);
    const first = new FakeWorker();
    registration.find(first);
    first.moveTo('installed');
    container.takeOver();
    await settle();
    expect(updates.getSnapshot().available).toBe(false);
    expect(reloads()).toBe(0);
    container.takeOver();
    await settle();
    expect(reloads()).toBe(1);
  });

  it('a worker that becomes redundant before it installed is a failed update; the current version stays', () => {
    const { registration, updates } = setUp(true);
    const broken = new FakeWorker();
    registration.find(broken);
    broken.moveTo('redundant');
    expect(updates.getSnapshot()).toMatchObject({ available: false, failed: expect.stringContaining('could not be installed') });
  });

  it('a tab opened while a new version waits offers it at once', () => {
    const container = new FakeContainer({});
    const registration = new FakeRegistration();
    registration.waiting = new FakeWorker();
    const updates = new ServiceWorkerUpdates({ container: container as unknown as ServiceWorkerContainer, checkIntervalMs: 0 });
    updates.watch(registration as unknown as ServiceWorkerRegistration);
    expect(updates.getSnapshot().available).toBe(true);
  });
});
