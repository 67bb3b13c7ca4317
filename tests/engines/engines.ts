import type { EngineBrowser, EngineName } from './EngineBrowser.js';
import { launchChromium } from './chromiumEngine.js';
import { launchFirefox } from './firefoxEngine.js';
import { launchWebKit } from './webkitEngine.js';

export const engineNames: readonly EngineName[] = ['chromium', 'chromium-no-background-sync', 'firefox', 'webkit'];

/** One of each engine, for scenarios Background Sync plays no part in. */
export const browserEngineNames: readonly EngineName[] = ['chromium', 'firefox', 'webkit'];

/** A fresh browser of the engine: its own profile, no service worker, no storage. */
export function launchEngine(name: EngineName): Promise<EngineBrowser> {
  if (name === 'chromium-no-background-sync') return launchChromium({ withoutBackgroundSync: true });
  return { chromium: () => launchChromium(), firefox: launchFirefox, webkit: launchWebKit }[name]();
}
