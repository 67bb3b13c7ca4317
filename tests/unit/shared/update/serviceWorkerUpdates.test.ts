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
  active: FakeWorker | null = null;
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
  /** Each call to register: what it answered, or the error it threw (the script could not be fetched). */
  registrations: (FakeRegistration | Error)[] = [];
  failRegistrations = 0;
  constructor(public controller: object | null) {
    super();
  }
  async register(url: string) {
    expect(url).toBe('/sw.js');
    if (this.failRegistrations > 0) {
      this.failRegistrations--;
      const error = new TypeError('Failed to register a ServiceWorker: a network error');
      this.registrations.push(error);
      throw error;
    }
    const registration = new FakeRegistration();
    this.registrations.push(registration);
    return registration;
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

  describe('register', () => {
    const waitFor = async (condition: () => boolean) => {
      for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(condition()).toBe(true);
    };
    const first = (container: FakeContainer) => container.registrations.at(-1) as FakeRegistration;

    it('a first install that fails (no version before it) is registered again after the waits, tells the agent nothing, and stops once one installs', async () => {
      const container = new FakeContainer(null);
      const updates = new ServiceWorkerUpdates({ container: container as unknown as ServiceWorkerContainer, checkIntervalMs: 0, retryDelaysMs: [10, 10, 10] });
      await updates.register('/sw.js', { scope: '/' });
      for (let attempt = 1; attempt <= 2; attempt++) {
        const broken = new FakeWorker();
        first(container).find(broken);
        broken.moveTo('redundant');
        await waitFor(() => container.registrations.length === attempt + 1);
      }
      const good = new FakeWorker();
      first(container).find(good);
      good.moveTo('installed');
      container.takeOver();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(container.registrations).toHaveLength(3);
      expect(updates.getSnapshot()).toMatchObject({ available: false, failed: null });
    });

    it('gives up after the last wait, until the next page load', async () => {
      const container = new FakeContainer(null);
      const updates = new ServiceWorkerUpdates({ container: container as unknown as ServiceWorkerContainer, checkIntervalMs: 0, retryDelaysMs: [5] });
      await updates.register('/sw.js');
      for (let attempt = 0; attempt < 2; attempt++) {
        const broken = new FakeWorker();
        first(container).find(broken);
        broken.moveTo('redundant');
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      expect(container.registrations).toHaveLength(2);
    });

    it('a registration refused (the script not fetched: the server down at the first visit) is tried again', async () => {
      const container = new FakeContainer(null);
      container.failRegistrations = 2;
      const updates = new ServiceWorkerUpdates({ container: container as unknown as ServiceWorkerContainer, checkIntervalMs: 0, retryDelaysMs: [5, 5, 5] });
      expect(await updates.register('/sw.js')).toBeNull();
      await waitFor(() => container.registrations.length === 3);
      expect(container.registrations.map((entry) => entry instanceof Error)).toEqual([true, true, false]);
    });

    it('an update that fails under a controlled page is not registered again: the agent is told, the current version serves', async () => {
      const container = new FakeContainer({});
      const updates = new ServiceWorkerUpdates({ container: container as unknown as ServiceWorkerContainer, checkIntervalMs: 0, retryDelaysMs: [5] });
      await updates.register('/sw.js');
      first(container).active = new FakeWorker();
      const broken = new FakeWorker();
      first(container).find(broken);
      broken.moveTo('redundant');
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(container.registrations).toHaveLength(1);
      expect(updates.getSnapshot().failed).toContain('could not be installed');
    });
  });
});
