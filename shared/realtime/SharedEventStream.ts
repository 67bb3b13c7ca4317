import type { EventSourceMessage } from 'eventsource-parser';
import { LeaderLease, type LeaderLeaseOptions } from '../leadership/LeaderLease.js';
import { readEventStream, type EventStreamOptions } from './readEventStream.js';

export type SharedEventStreamOptions = Omit<EventStreamOptions, 'onEvent' | 'onStatus' | 'lastEventId'> & {
  /** Web Locks and BroadcastChannel name shared by every tab of one session; scope it to the session. */
  name: string;
  /** `navigator.locks`; without it (no Web Locks) this tab holds its own stream. */
  locks?: LockManager;
  /** A channel to the other tabs; without one, this tab holds its own stream. */
  openChannel?: (name: string) => BroadcastChannel | undefined;
  onEvent: (event: EventSourceMessage) => void;
  /** Whether the one server stream is connected, as the leader sees it. */
  onStatus?: (connected: boolean) => void;
  /** Whether this tab holds the server stream now. */
  onLeadership?: (leading: boolean) => void;
  /** The heartbeat's period and the silence after which another tab takes over (LeaderLease's defaults: 2 s, 10 s). */
  lease?: Pick<LeaderLeaseOptions, 'beatMs' | 'takeoverMs'>;
  /** The reader the leader runs; tests pass their own. */
  read?: typeof readEventStream;
};

type Relayed = { kind: 'event'; event: EventSourceMessage } | { kind: 'status'; connected: boolean } | { kind: 'hello' };

/**
 * One server event stream per browser, whatever the number of tabs. Browsers allow six HTTP/1.1
 * connections per host, and a stream holds one for good: seven tabs each holding their own would leave
 * none for the seventh tab's reads and actions, and it stalls.
 *
 * Each tab asks for one exclusive Web Lock (the same election as the outbox's replay leader). The tab
 * holding it reads the stream and relays every event and every change of its state to the others over
 * a BroadcastChannel; the others wait in the lock's queue. When the leader's tab closes, the lock passes
 * to the next tab at once, and it resumes from the last event id it had been relayed: nothing between is
 * missed, because the server replays from that id. A leader that stops answering without closing (a hung
 * or stopped tab, whose relays have stopped too) is taken over the same way (LeaderLease).
 */
export class SharedEventStream {
  readonly #options: SharedEventStreamOptions;
  readonly #abort = new AbortController();
  #channel: BroadcastChannel | undefined;
  #lastEventId: string | undefined;
  #connected = false;
  #leading = false;
  #stopLeading: (() => void) | undefined;
  #lease: LeaderLease | undefined;

  constructor(options: SharedEventStreamOptions) {
    this.#options = options;
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    const { locks, name } = this.#options;
    this.#channel = this.#options.openChannel?.(name);
    if (!locks || !this.#channel) {
      void this.#lead();
      return;
    }
    this.#channel.onmessage = (message: MessageEvent<Relayed>) => this.#receive(message.data);
    // A tab that opens late asks the leader for the stream's state rather than showing "disconnected".
    this.#channel.postMessage({ kind: 'hello' } satisfies Relayed);
    this.#lease = new LeaderLease({ ...this.#options.lease, name, locks, openChannel: this.#options.openChannel, lead: (lost) => this.#lead(lost) });
    this.#lease.start();
  }

  stop(): void {
    this.#abort.abort();
    this.#stopLeading?.();
    void this.#lease?.stop();
    this.#channel?.close();
    this.#channel = undefined;
  }

  #receive(message: Relayed): void {
    if (this.#leading) {
      if (message.kind === 'hello') this.#post({ kind: 'status', connected: this.#connected });
      return;
    }
    if (message.kind === 'event') {
      if (message.event.id) this.#lastEventId = message.event.id;
      this.#options.onEvent(message.event);
    } else if (message.kind === 'status') {
      this.#connected = message.connected;
      this.#options.onStatus?.(message.connected);
    }
  }

  #post(message: Relayed): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // The channel closed under us (the tab is going away): nobody left to tell.
    }
  }

  /** Holds the server stream until `stop` or `lost` (another tab took over): the lock is this promise. */
  async #lead(lost?: AbortSignal): Promise<void> {
    if (this.#abort.signal.aborted || lost?.aborted) return;
    const {
      read = readEventStream,
      name: _name,
      locks: _locks,
      openChannel: _open,
      lease: _lease,
      onEvent,
      onStatus,
      onLeadership,
      ...connection
    } = this.#options;
    this.#leading = true;
    onLeadership?.(true);
    // Once this term is over, what its closing stream still reports (its "disconnected" on close) is not the
    // stream's state any more: another tab's is.
    let over = false;
    const close = read({
      ...connection,
      lastEventId: this.#lastEventId,
      onEvent: (event) => {
        if (over) return;
        if (event.id) this.#lastEventId = event.id;
        onEvent(event);
        this.#post({ kind: 'event', event: { id: event.id, event: event.event, data: event.data } });
      },
      onStatus: (connected) => {
        if (over) return;
        this.#connected = connected;
        onStatus?.(connected);
        this.#post({ kind: 'status', connected });
      },
    });
    await new Promise<void>((resolve) => {
      this.#stopLeading = resolve;
      lost?.addEventListener('abort', () => resolve(), { once: true });
      if (this.#abort.signal.aborted) resolve();
    });
    over = true;
    close();
    this.#leading = false;
    onLeadership?.(false);
    // Taken over (this tab had stopped answering): the stream's state is the new leader's; ask for it.
    if (lost?.aborted && !this.#abort.signal.aborted) this.#post({ kind: 'hello' });
  }
}
