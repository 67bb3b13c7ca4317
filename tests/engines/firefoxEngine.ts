import { launch } from 'puppeteer-core';
import { scriptFor, type EngineBrowser, type EngineTab } from './EngineBrowser.js';

/**
 * Debian's Firefox ESR over WebDriver BiDi, through puppeteer-core: it starts Firefox itself and speaks to
 * its built-in BiDi agent, so it needs no geckodriver (Debian packages none, and its npm package downloads
 * one from GitHub at install: no internet here). WebdriverIO and selenium-webdriver both need geckodriver.
 * puppeteer-core is pinned to 24.x: 25 needs Node 22.
 */
export async function launchFirefox(options: { prefs?: Record<string, unknown> } = {}): Promise<EngineBrowser> {
  const browser = await launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: options.prefs,
  });
  return {
    name: 'firefox',
    async newTab(): Promise<EngineTab> {
      const page = await browser.newPage();
      return {
        goto: async (url) => void (await page.goto(url, { waitUntil: 'load' })),
        evaluate: (fn, arg) => page.evaluate(scriptFor(fn as (arg: never) => unknown, arg)) as Promise<never>,
        // history.back(), not page.goBack(): a page restored from the back/forward cache never resolves
        // puppeteer's navigation wait (puppeteer#8182). So the wait is by hand: until the tab shows another
        // address, loaded (a goto issued while a traversal was still pending never saw its load).
        back: async () => {
          const before = page.url();
          await page.evaluate('history.back()');
          const deadline = Date.now() + 30_000;
          for (;;) {
            const loaded = await page.evaluate('document.readyState === "complete" && location.href').catch(() => false);
            if (loaded && loaded !== before) return;
            if (Date.now() > deadline) throw new Error(`firefox: back from ${before} did not load another page in 30 s`);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        },
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}
