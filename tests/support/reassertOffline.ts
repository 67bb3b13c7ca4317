import type { BrowserContext } from '@playwright/test';

/**
 * Makes the pages of an offline context know they are offline. Chromium drops Playwright's offline
 * emulation for `navigator.onLine` when a page is created in an already-offline context or navigates to a
 * new document (microsoft/playwright#42174): requests stay cut, but the page says it is online and gets no
 * `offline` event. Switching the emulation off and on again sends it to every page, as a real network
 * loss would: `navigator.onLine` turns false and `offline` fires.
 */
export async function reassertOffline(context: BrowserContext): Promise<void> {
  await context.setOffline(false);
  await context.setOffline(true);
}
