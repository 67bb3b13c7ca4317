import type { z } from 'zod';
import type { CompactionRule, CompactionVerdict } from '../outbox/compactPending.js';
import type { ActionEnvelope } from './protocol.js';
import type { storableText } from './textSchemas.js';

/**
 * What a payload schema is built with: zod and the framework's storable-text rule, handed in by the
 * registry (ActionRegistry.registerSpecs). A definition names them only as types, so a page that uses the
 * definitions — their compaction, an app's optimistic apply — never loads zod.
 */
export type PayloadSchemaKit = { z: typeof z; storableText: typeof storableText };

/**
 * One action type, defined once: its payload schema (as a factory, see PayloadSchemaKit), and how queued
 * actions of this type fold with the next one on the same target (compaction). An app adds what only it
 * uses in the same object — its optimistic apply, its conflict rule — so nothing about one action is
 * spread over several files' switch statements.
 */
export type ActionSpec<Type extends string = string, Payload = unknown> = {
  type: Type;
  /** One sentence for docs and error messages. */
  description: string;
  payload: (kit: PayloadSchemaKit) => z.ZodType<Payload>;
  /** With the next queued action on the same target (nothing between them); `keep-both` when absent. */
  // A method, not a function-typed property: a list of specs with different types then fits AnyActionSpec.
  compact?(earlier: ActionEnvelope<Type, Payload>, later: ActionEnvelope): CompactionVerdict;
};

/**
 * Any app's action spec, whatever its payload: what the framework's functions over a list of specs take
 * (an app's `[createSpec, editSpec] as const` fits without a cast). `any` because each spec's payload
 * differs and these functions never look inside one; each spec keeps its exact type where it is defined.
 */
// biome-ignore lint/suspicious/noExplicitAny: said above: the payloads differ and these functions never look inside one
export type AnyActionSpec = ActionSpec<string, any>;

/** One compaction rule for the outbox, from each type's own (`keep-both` for a type without one). */
export function compactionRuleOf(specs: readonly AnyActionSpec[]): CompactionRule {
  const byType = new Map(specs.map((spec) => [spec.type, spec.compact as ((earlier: ActionEnvelope, later: ActionEnvelope) => CompactionVerdict) | undefined]));
  return (earlier, later) => byType.get(earlier.type)?.(earlier, later) ?? 'keep-both';
}
