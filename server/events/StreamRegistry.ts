/**
 * The open event streams of this process, and their caps. A stream is admitted only while its agent has
 * fewer than `maxPerAgent` and the process fewer than `maxPerProcess`; over a cap the caller answers 503
 * with Retry-After at once, before the stream costs anything (no stream is accepted and then left to stall).
 *
 * The counts are the sizes of the sets of live streams, not counters kept beside them, and a stream's
 * release is idempotent: whatever mix of closes, aborts and errors ends a stream, the counts return to the
 * number of streams actually open.
 *
 * Revocation: `endSession` closes a session's streams at once (sign-out in this process); a periodic check
 * (`sessionCheckMs`) closes streams whose session ended anywhere else — another process, or expiry.
 */
export type StreamRegistryOptions = {
  maxPerAgent?: number;
  maxPerProcess?: number;
  /** How often open streams re-check their sessions; default 5 s. */
  sessionCheckMs?: number;
  /** Of the given session token hashes, those still valid. */
  liveSessions: (tokenHashes: string[]) => Promise<Set<string>>;
  onCheckError?: (error: unknown) => void;
};

export type StreamOwner = { agentKey: string; tokenHash: string };
export type OpenStream = StreamOwner & { close: () => void };
export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: 'agent-cap' | 'process-cap' };

export class StreamRegistry {
  readonly maxPerAgent: number;
  readonly maxPerProcess: number;
  readonly #options: StreamRegistryOptions;
  readonly #all = new Set<OpenStream>();
  readonly #byAgent = new Map<string, Set<OpenStream>>();
  readonly #timer: ReturnType<typeof setInterval>;
  #checking = false;

  constructor(options: StreamRegistryOptions) {
    this.#options = options;
    this.maxPerAgent = options.maxPerAgent ?? 10;
    this.maxPerProcess = options.maxPerProcess ?? 2000;
    this.#timer = setInterval(() => void this.checkSessions(), options.sessionCheckMs ?? 5000);
    this.#timer.unref();
  }

  get size(): number {
    return this.#all.size;
  }

  countFor(agentKey: string): number {
    return this.#byAgent.get(agentKey)?.size ?? 0;
  }

  admit(stream: OpenStream): Admission {
    if (this.#all.size >= this.maxPerProcess) return { admitted: false, reason: 'process-cap' };
    let mine = this.#byAgent.get(stream.agentKey);
    if ((mine?.size ?? 0) >= this.maxPerAgent) return { admitted: false, reason: 'agent-cap' };
    if (!mine) this.#byAgent.set(stream.agentKey, (mine = new Set()));
    const agentStreams = mine;
    this.#all.add(stream);
    agentStreams.add(stream);
    return {
      admitted: true,
      release: () => {
        this.#all.delete(stream);
        agentStreams.delete(stream);
        if (agentStreams.size === 0 && this.#byAgent.get(stream.agentKey) === agentStreams) this.#byAgent.delete(stream.agentKey);
      },
    };
  }

  /** Closes every open stream of one session (its token hash). */
  endSession(tokenHash: string): void {
    for (const stream of [...this.#all]) if (stream.tokenHash === tokenHash) stream.close();
  }

  /** Closes the streams whose session is no longer valid. */
  async checkSessions(): Promise<void> {
    if (this.#checking || this.#all.size === 0) return;
    this.#checking = true;
    try {
      const hashes = [...new Set([...this.#all].map((stream) => stream.tokenHash))];
      const live = await this.#options.liveSessions(hashes);
      for (const stream of [...this.#all]) if (!live.has(stream.tokenHash)) stream.close();
    } catch (error) {
      this.#options.onCheckError?.(error);
    } finally {
      this.#checking = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const stream of [...this.#all]) stream.close();
  }
}
