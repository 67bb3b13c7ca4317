/** The fields set (an environment variable left unset reads as undefined and keeps the default). */
export function defined<T extends object>(group: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(group ?? {}).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * `defaults` with every option that is set laid over it. A plain spread (`{ ...defaults, ...options }`)
 * lets an option present but `undefined` — an unset environment variable passed along as
 * `{ maxWaitMs: config.replicaMaxWaitMs }` — wipe its default: the read replica's wait then had no deadline,
 * and a read the standby could not serve waited for ever (npm run chaos -- standby-promoted).
 */
export function withDefaults<T extends object>(defaults: T, options: { [Key in keyof T]?: T[Key] | undefined } | undefined): T {
  return { ...defaults, ...defined(options) } as T;
}
