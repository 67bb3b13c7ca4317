import { z } from 'zod';
import { boundedInstant, maxInt32 } from './textSchemas.js';
export { protocolLimits } from './protocolLimits.js';

/**
 * The wire format of the action protocol (see docs/protocol.md). Generic: it knows envelopes, batches and
 * results, not what any action means. `targetId` names the entity an action targets (whichever kind of
 * entity the app's actions change); actions with
 * the same target are applied in the order given.
 */

export const actionIdSchema = z.uuid({ error: 'id must be a UUID (UUIDv7 recommended)' });

/** The fields every action carries, whatever its type. */
export const envelopeFields = {
  id: actionIdSchema,
  targetId: z.uuid({ error: 'targetId must be a UUID' }),
  /** When the author acted: a real date between 2000 and 2099 (a stored column, not a free string). */
  createdAt: boundedInstant,
  /** The version of the target its author saw; lets the server tell a real conflict from a harmless one. */
  baseVersion: z.number().int().positive().max(maxInt32).optional(),
};

export type ActionEnvelope<Type extends string = string, Payload = unknown> = {
  id: string;
  type: Type;
  /** The entity the action changes: actions with the same target apply in the order given. */
  targetId: string;
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
  /** `requestId`: on a 5xx, the id the server logged the failure under. */
  error: { code: string; message: string; details?: unknown; requestId?: string };
};
