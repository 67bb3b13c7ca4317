// The action envelope without its validation schemas: ids, types, text cleaning, limits, compaction
// types. For code that runs everywhere (page, worker, server) and must not load zod or browser storage.
export { newActionId } from './core/actionId.js';
export { HoldfastError, isHoldfastError, type HoldfastErrorCode } from './core/HoldfastError.js';
export { protocolLimits } from './core/protocolLimits.js';
export { hasUnstorableCharacters, isVisiblyEmpty, normalizeText } from './core/textRules.js';
export type { ActionEnvelope, ActionResult, ActionBatchResponse, ApiErrorBody, RejectionCode } from './core/protocol.js';
export type { CompactionRule, CompactionVerdict } from './outbox/compactPending.js';
export { compactionRuleOf, type ActionSpec, type AnyActionSpec, type PayloadSchemaKit } from './core/ActionSpec.js';
export type { storableText } from './core/textSchemas.js';
export type { TextSchemaOptions } from './core/textSchemas.js';
