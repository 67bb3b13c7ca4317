/**
 * `defaults` with every option that is set laid over it. A plain spread (`{ ...defaults, ...options }`)
 * lets an option present but `undefined` — an unset environment variable passed along as
 * `{ maxWaitMs: config.replicaMaxWaitMs }` — wipe its default: the read replica's wait then had no deadline,
 * and a read the standby could not serve waited for ever (npm run chaos -- standby-promoted).
 */
export function withDefaults<T extends object>(defaults: T, options: { [Key in keyof T]?: T[Key] | undefined } | undefined): T {
  const merged = { ...defaults };
  for (const [key, value] of Object.entries(options ?? {})) if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  return merged;
}
