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
 *
 * A watchdog checks the safeguard itself (`audit`, every `auditMs`): a stream still counted whose
 * connection is gone (its release never ran — a bug in a route, a socket that died without an event) would
 * hold its slot forever, and enough of them refuse everyone while nothing is open: the lock-up this
 * safeguard exists to prevent. Each such slot is given back, and the recovery is recorded (`incidents`) and
 * reported (`onRecovered`). A slot leaked this way is back within `auditMs` (default 10 s).
 */
export type StreamRegistryOptions = {
  maxPerAgent?: number;
  maxPerProcess?: number;
  /** How often open streams re-check their sessions; default 5 s. */
  sessionCheckMs?: number;
  /** Of the given session token hashes, those still valid. */
  liveSessions: (tokenHashes: string[]) => Promise<Set<string>>;
  onCheckError?: (error: unknown) => void;
  /** How often the watchdog audits the counted streams against their connections; default 10 s. */
  auditMs?: number;
  /** The watchdog gave back slots of streams whose connection was gone. */
  onRecovered?: (incident: SafeguardIncident) => void;
};

export type SafeguardIncident = { at: string; kind: 'leaked-streams'; recovered: number };

export type StreamOwner = { agentKey: string; tokenHash: string };
/** `isOpen`: whether its connection is still there (the watchdog's test); without it, a stream is never audited. */
export type OpenStream = StreamOwner & { close: () => void; isOpen?: () => boolean };
export type Admission = { admitted: true; release: () => void } | { admitted: false; reason: 'agent-cap' | 'process-cap' };

/** Streams per agent and per process (bench:live's measure: fan-out p99 near 100 ms at 2,000), and the checks' periods. */
export const streamRegistryDefaults = { maxPerAgent: 10, maxPerProcess: 2000, sessionCheckMs: 5000, auditMs: 10_000 } as const;

export class StreamRegistry {
  readonly maxPerAgent: number;
  readonly maxPerProcess: number;
  readonly #options: StreamRegistryOptions;
  readonly #all = new Set<OpenStream>();
  readonly #byAgent = new Map<string, Set<OpenStream>>();
  readonly #releases = new Map<OpenStream, () => void>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #auditTimer: ReturnType<typeof setInterval>;
  /** Streams whose release a drill has made do nothing (WeakSet: a stream given back by the audit is gone for good). */
  readonly #leaking = new WeakSet<OpenStream>();
  readonly #incidents: SafeguardIncident[] = [];
  #checking = false;

  constructor(options: StreamRegistryOptions) {
    this.#options = options;
    this.maxPerAgent = options.maxPerAgent ?? streamRegistryDefaults.maxPerAgent;
    this.maxPerProcess = options.maxPerProcess ?? streamRegistryDefaults.maxPerProcess;
    this.#timer = setInterval(() => void this.checkSessions(), options.sessionCheckMs ?? streamRegistryDefaults.sessionCheckMs);
    this.#timer.unref();
    this.#auditTimer = setInterval(() => this.audit(), options.auditMs ?? streamRegistryDefaults.auditMs);
    this.#auditTimer.unref();
  }

  /** The watchdog's recoveries, newest last (the last 20). */
  get incidents(): readonly SafeguardIncident[] {
    return this.#incidents;
  }

  /**
   * The watchdog: gives back the slot of every counted stream whose connection is gone. Answers how many
   * it recovered (0 when the safeguard is sound).
   */
  audit(): number {
    let recovered = 0;
    for (const [stream, release] of [...this.#releases]) {
      if (stream.isOpen && !stream.isOpen()) {
        release();
        recovered++;
      }
    }
    if (recovered > 0) {
      const incident: SafeguardIncident = { at: new Date().toISOString(), kind: 'leaked-streams', recovered };
      this.#incidents.push(incident);
      if (this.#incidents.length > 20) this.#incidents.shift();
      this.#options.onRecovered?.(incident);
    }
    return recovered;
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
    if (!mine) {
      mine = new Set();
      this.#byAgent.set(stream.agentKey, mine);
    }
    const agentStreams = mine;
    this.#all.add(stream);
    agentStreams.add(stream);
    const free = () => {
      this.#all.delete(stream);
      this.#releases.delete(stream);
      agentStreams.delete(stream);
      if (agentStreams.size === 0 && this.#byAgent.get(stream.agentKey) === agentStreams) this.#byAgent.delete(stream.agentKey);
    };
    // The release its route runs when the connection ends; a drill's leak makes it do nothing (the bug).
    const release = () => {
      if (!this.#leaking.has(stream)) free();
    };
    this.#releases.set(stream, free);
    return { admitted: true, release };
  }

  /**
   * A drill (DRILLS=on, SIGUSR2): the leak the watchdog exists for — the streams open now will not give
   * their slots back when their connections end (their release does nothing), and every free slot is taken
   * by a stream whose connection is gone. Answers how many free slots were taken.
   */
  leakForDrill(): number {
    // The streams open now: their releases will not run when their connections end.
    for (const stream of this.#all) this.#leaking.add(stream);
    let leaked = 0;
    while (this.#all.size < this.maxPerProcess) {
      const ghost: OpenStream = { agentKey: `drill-leak-${leaked}`, tokenHash: 'drill', close: () => {}, isOpen: () => false };
      if (!this.admit(ghost).admitted) break;
      leaked++;
    }
    return leaked;
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
    clearInterval(this.#auditTimer);
    for (const stream of [...this.#all]) stream.close();
  }
}
