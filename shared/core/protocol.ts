import { z } from 'zod';
export { protocolLimits } from './protocolLimits.js';

/**
 * The wire format of the action protocol (see docs/protocol.md). Generic: it knows envelopes, batches and
 * results, not what any action means. `conversationId` names the entity an action targets; actions with
 * the same target are applied in the order given.
 */

export const actionIdSchema = z.uuid({ error: 'id must be a UUID (UUIDv7 recommended)' });

/** The fields every action carries, whatever its type. */
export const envelopeFields = {
  id: actionIdSchema,
  conversationId: z.uuid({ error: 'conversationId must be a UUID' }),
  createdAt: z.iso.datetime({ offset: true, error: 'createdAt must be an ISO 8601 date-time' }),
  /** The version of the target its author saw; lets the server tell a real conflict from a harmless one. */
  baseVersion: z.number().int().positive().optional(),
};

export type ActionEnvelope<Type extends string = string, Payload = unknown> = {
  id: string;
  type: Type;
  conversationId: string;
  payload: Payload;
  createdAt: string;
  baseVersion?: number;
};

/** Rejection codes the generic engine itself may answer; apps add their own strings. */
export type RejectionCode = string;

export type ActionResult<TargetState = unknown> =
  | { id: string; status: 'applied'; state: TargetState; noop?: boolean }
  | { id: string; status: 'duplicate' }
  | { id: string; status: 'rejected'; code: RejectionCode; message: string }
  | { id: string; status: 'conflict'; code: string; message: string; state: TargetState };

export type ActionBatchResponse<TargetState = unknown> = { results: ActionResult<TargetState>[] };

/** The body of every 4xx/5xx the reference server answers. */
export type ApiErrorBody = {
  error: { code: string; message: string; details?: unknown };
};
