import { z } from 'zod';
import { HoldfastError } from './HoldfastError.js';
import { envelopeFields, protocolLimits, type ActionEnvelope } from './protocol.js';
import { withTargetId } from './withTargetId.js';
import type { AnyActionSpec } from './ActionSpec.js';
import { storableText } from './textSchemas.js';

/** What an app registers for one action type. Only the payload schema is needed on the wire. */
export type ActionDefinition<Type extends string = string, Payload = unknown> = {
  type: Type;
  payload: z.ZodType<Payload>;
  /** One sentence for docs and error messages. */
  description: string;
};

/**
 * The set of action types an app speaks. The core validates envelopes and batches against it; it never
 * looks inside a payload beyond the registered schema. The server, the client and the offline demo build
 * their schemas from the same registry, so they cannot drift apart.
 */
export type ActionRegistryOptions = {
  /**
   * The name an earlier version of the app gave the envelope's target (before it was `targetId`). An
   * outbox of a client not yet upgraded may still send that name; it is read as `targetId` when
   * `targetId` is absent, so those actions apply instead of being refused for a field name.
   */
  legacyTargetField?: string;
};

export class ActionRegistry {
  readonly #definitions = new Map<string, ActionDefinition>();
  readonly #legacyTargetField: string | undefined;

  constructor(options: ActionRegistryOptions = {}) {
    this.#legacyTargetField = options.legacyTargetField;
  }

  register<Type extends string, Payload>(definition: ActionDefinition<Type, Payload>): this {
    if (this.#definitions.has(definition.type)) {
      throw new HoldfastError('duplicate-action-type', { type: definition.type });
    }
    this.#definitions.set(definition.type, definition as ActionDefinition);
    return this;
  }

  /** Registers action definitions (ActionSpec), building each payload schema with zod and the framework's rules. */
  registerSpecs(specs: readonly AnyActionSpec[]): this {
    for (const spec of specs) this.register({ type: spec.type, description: spec.description, payload: spec.payload({ z, storableText }) as z.ZodType });
    return this;
  }

  get types(): string[] {
    return [...this.#definitions.keys()];
  }

  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  /** The schema of one action envelope: a union discriminated by `type`. */
  actionSchema(): z.ZodType<ActionEnvelope> {
    const variants = [...this.#definitions.values()].map((definition) =>
      z.strictObject({ ...envelopeFields, type: z.literal(definition.type), payload: definition.payload }),
    );
    if (variants.length === 0) throw new HoldfastError('invalid-batch', { reason: 'No action types registered.' });
    const [first, ...rest] = variants;
    const union = rest.length === 0 ? first! : z.discriminatedUnion('type', [first!, ...rest]);
    const legacy = this.#legacyTargetField;
    return (legacy ? z.preprocess((candidate) => withTargetId(candidate, legacy), union) : union) as unknown as z.ZodType<ActionEnvelope>;
  }

  /** The schema of a `POST /api/actions` body. */
  batchSchema(maxActions: number = protocolLimits.maxActionsPerBatch) {
    return z.strictObject({
      actions: z
        .array(this.actionSchema())
        .min(1, { error: 'actions must hold at least one action' })
        .max(maxActions, { error: `a batch holds at most ${maxActions} actions` }),
    });
  }

  /** Validates one action; throws a HoldfastError with the issues when it does not fit. */
  parse(candidate: unknown): ActionEnvelope {
    const type = (candidate as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !this.has(type)) throw new HoldfastError('unknown-action-type', { type });
    const result = this.actionSchema().safeParse(candidate);
    if (!result.success) throw new HoldfastError('invalid-action', { issues: z.treeifyError(result.error) });
    return result.data;
  }
}
