// Apart from ActionRegistry.ts so the outbox's migration can use it without loading zod.

/**
 * `candidate` with its `legacyField` renamed to `targetId`, when it has that field and no `targetId`: an
 * envelope written before the framework named its target generically (see ActionRegistryOptions).
 */
export function withTargetId(candidate: unknown, legacyField: string): unknown {
  if (typeof candidate !== 'object' || candidate === null || 'targetId' in candidate || !(legacyField in candidate)) return candidate;
  const { [legacyField]: target, ...rest } = candidate as Record<string, unknown>;
  return { ...rest, targetId: target };
}
