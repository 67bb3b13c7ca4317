import { afterEach, describe, expect, it } from 'vitest';
import { browserOutboxPlatform } from 'holdfast/internal';

/** A page's window and document, as far as wake-ups go: real EventTargets. */
function fakePage() {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), { visibilityState: 'hidden' });
  const global = globalThis as Record<string, unknown>;
  global.addEventListener = window.addEventListener.bind(window);
  global.removeEventListener = window.removeEventListener.bind(window);
  global.document = document;
  return { window, document };
}

const pageshow = (persisted: boolean) => Object.assign(new Event('pageshow'), { persisted });

describe('outbox wake-ups where there is no Background Sync', () => {
  afterEach(() => {
    const global = globalThis as Record<string, unknown>;
    delete global.addEventListener;
    delete global.removeEventListener;
    delete global.document;
  });

  it('the network back, focus, the tab shown and a restore from the back/forward cache each wake the replay; hiding and a fresh load do not', () => {
    const { window, document } = fakePage();
    let wakes = 0;
    const stop = browserOutboxPlatform().onWake!(() => wakes++);
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('focus'));
    expect(wakes).toBe(2);
    document.dispatchEvent(new Event('visibilitychange'));
    expect(wakes).toBe(2);
    document.visibilityState = 'visible';
    document.dispatchEvent(new Event('visibilitychange'));
    expect(wakes).toBe(3);
    window.dispatchEvent(pageshow(false));
    expect(wakes).toBe(3);
    window.dispatchEvent(pageshow(true));
    expect(wakes).toBe(4);
    // Stopped: nothing wakes it any more.
    stop();
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('focus'));
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(pageshow(true));
    expect(wakes).toBe(4);
  });

  it("the document's freeze and resume (Page Lifecycle) reach the outbox, until stopped", () => {
    const { document } = fakePage();
    const seen: string[] = [];
    const stop = browserOutboxPlatform().onFreeze!(
      () => seen.push('freeze'),
      () => seen.push('resume'),
    );
    document.dispatchEvent(new Event('freeze'));
    document.dispatchEvent(new Event('resume'));
    stop();
    document.dispatchEvent(new Event('freeze'));
    expect(seen).toEqual(['freeze', 'resume']);
  });

  it('in a worker (no document) there is nothing to listen to', () => {
    let wakes = 0;
    const stop = browserOutboxPlatform().onWake!(() => wakes++);
    stop();
    expect(wakes).toBe(0);
  });
});
