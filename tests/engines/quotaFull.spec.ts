import { expect } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { fillOriginStorage } from '../support/fillOriginStorage.js';
import { TestApi } from '../support/testApi.js';
import type { EngineBrowser } from './EngineBrowser.js';
import { signInThrough, waitIn } from './engineSupport.js';
import { launchFirefox } from './firefoxEngine.js';
import { engineTest as test } from './engineTest.js';

/**
 * A device whose storage is full, for real: Firefox with its storage limit set low (a profile pref; the
 * site's share is a fifth of it, at least 10 MB), filled by another database of the origin until the
 * browser refuses. Chromium 156 ignores DevTools' quota override and WebKitGTK offers none, so the real fill
 * runs here; the refusal path itself is unit-tested for every engine (tests/unit/shared/outbox/outboxStorageFull.test.ts).
 */
test('firefox: storage full: a new action is refused on screen, and nothing queued before is lost', async ({ server }) => {
  test.setTimeout(300_000);
  const alice = await TestApi.signIn(server.url, 'alice@example.com');
  const [target] = await alice.conversations('?status=open');
  let browser: EngineBrowser | undefined;
  try {
    browser = await launchFirefox({ prefs: { 'dom.quotaManager.temporaryStorage.fixedLimit': 50 * 1024 } });
    const tab = await browser.newTab();
    await signInThrough(tab, server.url, 'alice@example.com', { serviceWorker: false });
    // Three replies queued with the server down: they must survive the full device.
    await server.kill();
    const queued = ['queued before the fill 0', 'queued before the fill 1', 'queued before the fill 2'];
    await tab.evaluate(
      async ({ id, queued }) => {
        for (const text of queued) await window.holdfast!.act('send', id, { text });
      },
      { id: target!.id, queued },
    );

    // Another database of the origin takes every byte left, down to a kilobyte.
    const filled = await tab.evaluate(fillOriginStorage, { name: 'filler', sizes: [1 << 20, 1 << 16, 1 << 12, 1 << 10] });
    expect(filled.total).toBeGreaterThan(1 << 20);
    expect(filled.refusals).toContain('QuotaExceededError');

    // The agent goes on replying. Some may still fit (the outbox's own file has room left in it); the first
    // that does not is refused, on screen, and said why.
    const attempts = await tab.evaluate(async (id) => {
      const accepted: string[] = [];
      for (let index = 0; index < 200; index++) {
        const text = `accepted while full ${index} ${'x'.repeat(2048)}`;
        try {
          await window.holdfast!.act('send', id, { text });
          accepted.push(text);
        } catch (error) {
          // A HoldfastError's code; anything else by its name and message.
          const { code, name, message } = error as { code?: unknown; name?: string; message?: string };
          return { accepted, refused: typeof code === 'string' ? code : `${name}: ${message}` };
        }
      }
      return { accepted, refused: null };
    }, target!.id);
    expect(attempts.refused).toBe('storage-full');
    const alert = await waitIn(tab, 'the refusal on screen', () => document.querySelector('[role="alert"][aria-label="Action not saved"]')?.textContent ?? '');
    expect(alert).toContain("this device's storage is full");
    expect(await tab.evaluate(async () => (await window.holdfast!.outboxHealth()).pending)).toBe(queued.length + attempts.accepted.length);

    // Room made, the server back: every action accepted arrives once, in order; the refused one never.
    await tab.evaluate(() => new Promise((resolve) => (indexedDB.deleteDatabase('filler').onsuccess = resolve)));
    // With room again, the agent goes on: the next reply is queued.
    await tab.evaluate((id) => window.holdfast!.act('send', id, { text: 'after the fill, with room again' }), target!.id);
    await server.restart();
    await expect
      .poll(
        async () =>
          (await alice.conversation(target!.id)).messages
            .map((message) => message.body)
            .filter((body) => body.includes('the fill') || body.includes('while full')),
        { timeout: 60_000 },
      )
      .toEqual([...queued, ...attempts.accepted, 'after the fill, with room again']);
  } finally {
    await browser?.close();
  }
});
