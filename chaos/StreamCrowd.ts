import { readEventStream } from 'holdfast/internal';
import { TestApi } from '../tests/support/testApi.js';
import type { Timeline } from './Timeline.js';

/**
 * Other devices of a floor beside the agents' browsers: `size` event streams, each read by the framework's
 * own reader (shared/realtime/readEventStream.ts, the one a page's SharedEventStream uses: its reconnect
 * backoff, full jitter and Retry-After), from this process. A restart breaks them all at the same moment,
 * which is what makes a reconnect storm: how they come back, second by second, is what this records.
 */
export class StreamCrowd {
  /** When each connection attempt was made (epoch ms), every stream's together. */
  readonly attempts: number[] = [];
  /** When each stream opened (epoch ms): a node admitted it. */
  readonly opened: number[] = [];
  readonly #open: boolean[];
  #openCount = 0;
  /** When the last of the streams opened, every one open since (epoch ms); undefined while one is not. */
  allOpenAt: number | undefined;
  readonly #stops: (() => void)[] = [];

  private constructor(readonly size: number) {
    this.#open = new Array<boolean>(size).fill(false);
  }

  /** Opens `size` streams to `url`, shared out over the sessions of `emails` (one sign-in each). */
  static async start(url: string, emails: readonly string[], size: number, timeline: Timeline): Promise<StreamCrowd> {
    const sessions = await Promise.all(emails.map((email) => TestApi.signIn(url, email)));
    const crowd = new StreamCrowd(size);
    for (let index = 0; index < size; index++) {
      const session = sessions[index % sessions.length]!;
      crowd.#stops.push(
        readEventStream({
          url: (cursor) => {
            crowd.attempts.push(Date.now());
            return `${url}/api/events${cursor ? `?cursor=${cursor}` : ''}`;
          },
          headers: () => ({ authorization: `Bearer ${session.token}` }),
          onEvent: () => {},
          onStatus: (connected) => crowd.#status(index, connected),
        }),
      );
    }
    timeline.mark('chaos', 'stream crowd started', `${size} streams`);
    return crowd;
  }

  #status(index: number, connected: boolean): void {
    if (this.#open[index] === connected) return;
    this.#open[index] = connected;
    if (connected) this.opened.push(Date.now());
    this.#openCount += connected ? 1 : -1;
    this.allOpenAt = this.#openCount === this.size ? Date.now() : undefined;
  }

  /** How many of the streams are open now. */
  get openCount(): number {
    return this.#openCount;
  }

  /** The most of `times` (attempts, or streams opened) in any one second from `from` (epoch ms) on. */
  static peakPerSecond(times: readonly number[], from: number): number {
    const perSecond = new Map<number, number>();
    for (const at of times) if (at >= from) perSecond.set(Math.floor((at - from) / 1000), (perSecond.get(Math.floor((at - from) / 1000)) ?? 0) + 1);
    return Math.max(0, ...perSecond.values());
  }

  stop(): void {
    for (const stop of this.#stops.splice(0)) stop();
  }
}
