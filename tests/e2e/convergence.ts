import type { Page } from '@playwright/test';
import type { TestApi } from '../support/testApi.js';
import { deviceDigest, divergence, serverDigest } from '../support/stateDigest.js';
import { expect } from './fixtures.js';

export { deviceDigest, divergence, serverDigest } from '../support/stateDigest.js';

/**
 * The stated bound: after a fault heals (and the outbox is empty), every device holds the server's state
 * within 30 s. It takes 0.5–3 s here (one sync, or the events); 30 s holds on a machine three times slower
 * and still fails a device left stale, which stays so for minutes (issue 22's stale thread).
 */
const convergenceBoundMs = 30_000;

/**
 * The invariant after a fault heals: within `timeoutMs`, the device's IndexedDB holds exactly the
 * server's state (every conversation's version and message ids). Compare only once the device's outbox is
 * empty: its pending actions are not on the server yet.
 */
export async function expectConverged(page: Page, api: TestApi, timeoutMs = convergenceBoundMs): Promise<void> {
  await expect
    .poll(async () => divergence(await deviceDigest(page), await serverDigest(api)), { timeout: timeoutMs, intervals: [500, 1000, 2000] })
    .toEqual([]);
}
