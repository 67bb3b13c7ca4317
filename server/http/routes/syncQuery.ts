import { z } from 'zod';
import { cursorSchema, protocolLimits } from '../../../shared/index.js';

/** GET /api/sync's query, as the server validates it (also the in-browser demo backend's). */
export const syncQuery = z.strictObject({
  cursor: cursorSchema.default('0'),
  limit: z.coerce.number().int().min(1).max(protocolLimits.maxSyncPageSize).default(500),
  /** `1`: also answer `remaining`, how many changes there were after `cursor` — a first sync's progress. */
  count: z.literal('1', { error: 'count must be 1 when given' }).optional(),
});

/** The most `remaining` counts; a count past it answers this (the count stops there, so it stays cheap). */
export const maxCounted = 10_000_000;
