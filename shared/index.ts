// The framework core's public names: apps import them from the entries, never from core/.
// Everything of the envelope (ids, errors, limits, types, text cleaning, ActionSpec), and its schemas.
export { newActionId } from './core/actionId.js';
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './core/HoldfastError.js';
export { protocolLimits } from './core/protocolLimits.js';
export { hasUnstorableCharacters, isVisiblyEmpty, normalizeText } from './core/textRules.js';
export type { ActionEnvelope, ActionResult, ActionBatchResponse, ApiErrorBody, RejectionCode } from './core/protocol.js';
export type { CompactionRule, CompactionVerdict } from './outbox/compactPending.js';
export { compactionRuleOf, type ActionSpec, type AnyActionSpec, type PayloadSchemaKit } from './core/ActionSpec.js';
export { ActionRegistry, type ActionDefinition, type ActionRegistryOptions } from './core/ActionRegistry.js';
export { envelopeFields, actionIdSchema } from './core/protocol.js';
export {
  storableText,
  boundedInstant,
  instantBounds,
  cursorSchema,
  parseCursor,
  maxBigint,
  maxInt32,
  type TextSchemaOptions,
} from './core/textSchemas.js';
export { normalizeEmail } from './core/normalizeEmail.js';
export { telemetryKinds, telemetryLimits, telemetrySentAtHeader, type TelemetryEvent, type TelemetryKind, type TelemetryDetail } from './core/telemetry.js';
export { telemetryBatchSchema } from './core/telemetrySchema.js';
export { fullJitterDelay, type BackoffOptions } from './policy/backoff.js';
export { minPositionHeader, eventReadPosition } from './sync/readPosition.js';
