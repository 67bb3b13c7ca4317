import { ApiOrigins } from 'holdfast/client';
import { apiOriginList } from './apiOriginList.js';

/**
 * The signed-in workspace's API regions: reads, the outbox's batches and the event stream follow the
 * healthy one (ApiOrigins). One per page, so every part of it agrees which region is in rotation.
 */
export const apiOrigins = new ApiOrigins({ origins: apiOriginList });
