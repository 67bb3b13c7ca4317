import { ApiOrigins } from 'holdfast/client';

/** Injected by vite.config.ts: the API's regions of this build (API_ORIGINS), preferred first; none: this origin. */
declare const __HOLDFAST_API_ORIGINS__: string[] | undefined;

/**
 * The signed-in workspace's API regions: reads, the outbox's batches and the event stream follow the
 * healthy one (ApiOrigins). One per page, so every part of it agrees which region is in rotation.
 */
export const apiOrigins = new ApiOrigins({ origins: typeof __HOLDFAST_API_ORIGINS__ === 'undefined' ? [] : __HOLDFAST_API_ORIGINS__ });
