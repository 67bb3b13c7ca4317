/**
 * Failed sign-ins per account: after `maxFailures` wrong passwords within `windowMs`, the account refuses
 * sign-in until the window ends (the answer is a 429 with Retry-After, never a hint that the email
 * exists: unknown emails are counted the same way).
 *
 * Hand-written because @fastify/rate-limit (used per address, in sessionRoutes) counts every request,
 * and a lockout must count failures only: an agent who signs in often is never locked out, while a
 * guesser is, whichever addresses they come from. In memory, per process; bounded in size, so a flood of
 * made-up emails cannot grow it without end.
 */
export type AccountLockoutOptions = {
  maxFailures?: number;
  windowMs?: number;
  /** Most accounts tracked at once; the oldest entries go first. */
  maxTracked?: number;
  now?: () => number;
};

export class AccountLockout {
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #maxTracked: number;
  readonly #now: () => number;
  /** Insertion order is age order: a Map iterates in it, so the first key is the oldest. */
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor({ maxFailures = 10, windowMs = 15 * 60_000, maxTracked = 100_000, now = Date.now }: AccountLockoutOptions = {}) {
    this.#maxFailures = maxFailures;
    this.#windowMs = windowMs;
    this.#maxTracked = maxTracked;
    this.#now = now;
  }

  /** Milliseconds until `account` may try again; 0 when it may now. */
  lockedFor(account: string): number {
    const entry = this.#current(account);
    if (!entry || entry.count < this.#maxFailures) return 0;
    return entry.since + this.#windowMs - this.#now();
  }

  recordFailure(account: string): void {
    const entry = this.#current(account) ?? { count: 0, since: this.#now() };
    entry.count++;
    this.#failures.delete(account);
    this.#failures.set(account, entry);
    while (this.#failures.size > this.#maxTracked) this.#failures.delete(this.#failures.keys().next().value!);
  }

  recordSuccess(account: string): void {
    this.#failures.delete(account);
  }

  #current(account: string) {
    const entry = this.#failures.get(account);
    if (entry && this.#now() - entry.since >= this.#windowMs) {
      this.#failures.delete(account);
      return undefined;
    }
    return entry;
  }
}
