import { z } from 'zod';
import { storableText } from 'holdfast/core';

/** The workspace's read requests, as the server validates them: shared by its routes and the in-browser demo backend. */
export const listQuery = z.strictObject({
  view: z.enum(['mine', 'unassigned', 'all']).default('all'),
  status: z.enum(['open', 'closed', 'all']).default('all'),
  q: storableText({ max: 200, name: 'q' }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
});
export const idParams = z.strictObject({ id: z.uuid({ error: 'the conversation id must be a UUID' }) });

/** A presence heartbeat (POST /api/presence): viewing by default, or typing, or leaving. */
export const presenceBody = z.strictObject({
  conversationId: z.uuid({ error: 'the conversation id must be a UUID' }),
  typing: z.boolean().default(false),
  leaving: z.boolean().default(false),
});
