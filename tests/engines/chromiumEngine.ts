import { chromium } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.js';
import { scriptFor, type EngineBrowser, type EngineTab } from './EngineBrowser.js';

/** Debian's Chromium through Playwright (CDP): a browser of its own per launch. */
export async function launchChromium(): Promise<EngineBrowser> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return {
    name: 'chromium',
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
