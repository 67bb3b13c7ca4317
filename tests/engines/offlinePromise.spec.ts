import { expect } from '@playwright/test';
import type {} from '../../app/client/state/exposeForMonitoring.js';
import { TestApi } from '../support/testApi.js';
import type { EngineBrowser } from './EngineBrowser.js';
import { conversationOnScreen, pendingIn, signInThrough, waitIn, workspaceReady } from './engineSupport.js';
import { engineNames, launchEngine } from './engines.js';
import { engineTest as test } from './engineTest.js';

/**
 * The offline promise in every engine an agent may be given: Chromium, Firefox ESR (WebDriver BiDi) and
 * WebKitGTK (WebKitWebDriver, MiniBrowser under Xvfb). "Offline" is the server stopped (SIGKILL), not a
 * browser's offline switch: Firefox's lets worker fetches through, and WebDriver has none.
 */

for (const engine of engineNames) {
  test.describe(engine, () => {
    let browser: EngineBrowser | undefined;
    test.afterEach(async () => {
      await browser?.close();
      browser = undefined;
    });

    test('with the server down: a cold start shows the inbox and a conversation read before; replies, a close and an assignment survive a reload and a closed tab, and arrive exactly once, in order, within 10 s of the next tab opening', async ({
      server,
    }) => {
      test.setTimeout(300_000);
      const alice = await TestApi.signIn(server.url, 'alice@example.com');
      const [read, acted] = await alice.conversations('?status=open');
      const bob = (await alice.json<{ agents: { id: string; name: string }[] }>('/api/agents')).agents.find((agent) => agent.name === 'Bob Chen')!;
      browser = await launchEngine(engine);
      const first = await browser.newTab();
      await signInThrough(first, server.url);
      await first.goto(`${server.url}/conversations/${read!.id}`);
      await waitIn(
        first,
        'the conversation read',
        ({ name }) =>
          document.querySelector('#conversation-title')?.textContent === name && document.querySelectorAll('ol[aria-label="Messages"] > li').length > 0,
        { name: read!.customerName },
      );

      // The server dies. A cold start in a new tab: the shell, the inbox and the conversation, from the device.
      server.kill();
      const cold = await browser.newTab();
      await first.close();
      await cold.goto(`${server.url}/`);
      await waitIn(cold, 'the inbox from the device', () => document.querySelectorAll('nav[aria-label="Inbox"] a').length > 0, undefined, 30_000);
      await cold.goto(`${server.url}/conversations/${read!.id}`);
      await waitIn(
        cold,
        'the conversation from the device',
        ({ name }) =>
          document.querySelector('#conversation-title')?.textContent === name && document.querySelectorAll('ol[aria-label="Messages"] > li').length > 0,
        { name: read!.customerName },
        30_000,
      );
      expect((await conversationOnScreen(cold)).heading).toBe(read!.customerName);

      // Work queued with the server down: 20 replies, an assignment and a close, shown at once.
      const replies = Array.from({ length: 20 }, (_, index) => `${engine} offline ${String(index).padStart(2, '0')}`);
      await cold.evaluate(
        async ({ id, replies, bob }) => {
          for (const text of replies) await window.holdfast!.act('send', id, { text });
          await window.holdfast!.act('assign', id, { assigneeId: bob });
          await window.holdfast!.act('close', id, {});
        },
        { id: acted!.id, replies, bob: bob.id },
      );
      await waitIn(cold, 'all 22 actions pending', async () => (await window.holdfast!.outboxHealth()).pending === 22, undefined, 30_000);
      // A reload keeps them.
      await cold.goto(`${server.url}/conversations/${acted!.id}`);
      await waitIn(
        cold,
        'the queue after a reload',
        async () => window.holdfast !== undefined && (await window.holdfast.outboxHealth()).pending === 22,
        undefined,
        30_000,
      );

      // Every tab of the app closes with the work still queued (a blank tab keeps the browser open).
      const blank = await browser.newTab();
      await blank.goto('about:blank');
      await cold.close();
      await server.restart();
      // Any tab opened later delivers it: within 10 s of opening (Chromium's Background Sync may be first;
      // in the engines without it, and in Chromium with it taken away, the tab is the only way).
      const opened = Date.now();
      const later = await browser.newTab();
      await later.goto(`${server.url}/`);
      const api = await TestApi.signIn(server.url, 'alice@example.com');
      await expect
        .poll(async () => (await api.conversation(acted!.id)).messages.filter((message) => message.body.startsWith(`${engine} offline `)).length, {
          timeout: 10_000,
          intervals: [200],
        })
        .toBe(20);
      test.info().annotations.push({ type: 'delivered after the tab opened (ms)', description: String(Date.now() - opened) });
      const { conversation, messages } = await api.conversation(acted!.id);
      expect(messages.map((message) => message.body).filter((body) => body.startsWith(`${engine} offline `))).toEqual(replies);
      expect(conversation).toMatchObject({ status: 'closed', assigneeId: bob.id });
      await workspaceReady(later);
      expect(await pendingIn(later)).toBe(0);
      // The Status panel says how this device keeps the data, in an engine without the Storage API too.
      const storage = await waitIn(later, 'the storage line', () => {
        const text = document.querySelector('[data-testid="status-storage"]')?.textContent ?? '';
        return text.includes('checking') ? '' : text;
      });
      // What the browser answered to persist(): Chromium answers at once; Firefox asks the user, and nobody
      // answers its prompt here; WebKitGTK has no Storage API at all.
      const answered = engine === 'firefox' ? '(granted|refused|no answer yet)' : '(granted|refused)';
      expect(storage).toMatch(
        engine === 'webkit'
          ? /^best-effort \(this browser does not report usage\)$/
          : new RegExp(
              `^(persistent|best-effort: the browser may evict it) · [\\d.]+ [KM]B used of [\\d.]+ [KM]B · persistent storage asked for: ${answered}$`,
            ),
      );
    });
  });
}
