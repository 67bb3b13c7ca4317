import { chromium } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.js';
import { scriptFor, type EngineBrowser, type EngineTab } from './EngineBrowser.js';

/**
 * Debian's Chromium through Playwright (CDP): a browser of its own per launch. `withoutBackgroundSync`: the
 * page sees no `registration.sync`, as in Firefox and Safari. Chromium's own switches do not turn it off
 * (neither --disable-features=BackgroundSync nor --disable-blink-features=BackgroundSync, tried on 156), so
 * the API is taken away before any script runs: the app's feature detection finds none and never
 * registers, and the worker is never woken for it.
 */
export async function launchChromium(options: { withoutBackgroundSync?: boolean } = {}): Promise<EngineBrowser> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (options.withoutBackgroundSync) await context.addInitScript(() => delete (ServiceWorkerRegistration.prototype as { sync?: unknown }).sync);
  return {
    name: options.withoutBackgroundSync ? 'chromium-no-background-sync' : 'chromium',
    async newTab(): Promise<EngineTab> {
      const page = await context.newPage();
      return {
        goto: async (url) => void (await page.goto(url)),
        evaluate: (fn, arg) => page.evaluate(scriptFor(fn as (arg: never) => unknown, arg)) as Promise<never>,
        back: async () => void (await page.goBack()),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}
