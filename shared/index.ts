// The framework core's public names. Nothing outside shared/ imports a file below core/ directly.
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './core/HoldfastError.js';
export { newActionId } from './core/actionId.js';
export { ActionRegistry, type ActionDefinition, type ActionRegistryOptions } from './core/ActionRegistry.js';
export { compactionRuleOf, type ActionSpec, type PayloadSchemaKit } from './core/ActionSpec.js';
export {
  protocolLimits,
  envelopeFields,
  actionIdSchema,
  type ActionEnvelope,
  type ActionResult,
  type ActionBatchResponse,
  type ApiErrorBody,
  type RejectionCode,
} from './core/protocol.js';
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
export { hasUnstorableCharacters, isVisiblyEmpty, normalizeText } from './core/textRules.js';
