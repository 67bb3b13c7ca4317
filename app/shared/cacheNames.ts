import { assetCacheName } from 'holdfast/client';

/** Cache Storage names of the workspace, shared by the service worker (fills them) and sign-out (wipes them). */
export const mediaCacheName = 'holdfast-media';

/**
 * Workbox's precache (the app shell) and the build's assets are public code: they survive sign-out; every
 * other cache is agent data.
 */
export const isAgentDataCache = (name: string) => !name.startsWith('workbox-precache') && name !== assetCacheName;
/** The message a page posts to the service worker to wipe agent data it keeps (caches and their metadata). */
export const wipeAgentDataMessage = 'holdfast:wipe-agent-data';
