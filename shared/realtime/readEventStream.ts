import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { fullJitterDelay } from '../policy/backoff.js';
import { parseRetryAfter } from '../outbox/postActionBatch.js';

export type EventStreamOptions = {
  url: (lastEventId: string | undefined) => string;
  /** Headers of each (re)connection; the session itself is the browser's cookie. */
  headers: () => Record<string, string>;
  onEvent: (event: EventSourceMessage) => void;
  onStatus?: (connected: boolean) => void;
  /** Reconnect backoff (shared/policy/backoff.ts): first delay, doubling up to the cap, with full jitter. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /**
   * The backoff starts over only after a connection has stayed up this long (default 30 s), not when it
   * opens: a server that accepts and then drops at once would otherwise be hit at the first delay forever
   * (destinygg/chat-gui#872: every client every 1.75 s).
   */
  healthyAfterMs?: number;
  /**
   * No byte for this long means the connection is dead, half-open behind a proxy: drop it and reconnect.
   * The server sends a comment every 15 s, so the default (45 s) is three missed heartbeats.
   */
  idleTimeoutMs?: number;
  /** Resume from here on the first connection (a tab taking over another's stream knows where it was). */
  lastEventId?: string;
  /**
   * Tells the stream when the server is known to answer again after it did not (a probe, the outbox's
   * replay): a stream waiting out its backoff reconnects at once, rather than up to `maxRetryMs` later with
   * the page's view going stale meanwhile; a connection that stayed open through the outage is replaced
   * (it may be half-open). Not before a Retry-After the server gave. Answers how to stop telling.
   */
  wakeWhen?: (wake: () => void) => () => void;
};

/**
 * Reads a server-sent-event stream with fetch (EventSource cannot send custom headers) and keeps it open:
 * on any break it reconnects after a jittered, capped backoff and resumes from the last event id. A
 * server that refuses the stream with Retry-After (over its stream cap) is not asked again before then.
 * Returns a function that closes it for good.
 */
export function readEventStream(options: EventStreamOptions): () => void {
  const { initialRetryMs = 1000, maxRetryMs = 30_000, healthyAfterMs = 30_000, idleTimeoutMs = 45_000 } = options;
  let stopped = false;
  let controller: AbortController | undefined;
  let lastEventId = options.lastEventId;
  let attempt = 0;
  let wakeUp: (() => void) | undefined;
  /** The connection open now, to drop when woken. */
  let dropOpen: (() => void) | undefined;
  /** The connection just dropped was dropped by a wake: connect again without a backoff. */
  let woken = false;
  // Woken while waiting out the backoff: connect now. Woken while connected: the connection was open
  // through the outage and may be half-open (a proxy that never passed on the server's death): drop it and
  // connect again at once, resuming from the last event id, rather than wait for the idle timeout.
  const stopWaking =
    options.wakeWhen?.(() => {
      // Neither (a connection being made, a Retry-After being waited out): nothing to hurry.
      if (wakeUp) wakeUp();
      else if (dropOpen) {
        woken = true;
        dropOpen();
      }
    }) ?? (() => {});

  const connect = async () => {
    while (!stopped) {
      controller = new AbortController();
      let retryAfterMs = 0;
      try {
        const response = await fetch(options.url(lastEventId), {
          headers: { ...options.headers(), accept: 'text/event-stream' },
          signal: controller.signal,
          // 'include': the session cookie goes to another region's origin too (ApiOrigins.url); on this
          // origin it is the same as 'same-origin'.
          credentials: 'include',
        });
        if (!response.ok || !response.body) {
          retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now()) ?? 0;
          throw new Error(`event stream answered ${response.status}`);
        }
        options.onStatus?.(true);
        const openedAt = Date.now();
        const parser = createParser({
          onEvent: (event) => {
            if (event.id) lastEventId = event.id;
            options.onEvent(event);
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const current = controller;
        // Silence: the request aborted and the reader cancelled (whichever the platform notices first).
        const dropSilent = () => {
          current.abort();
          void reader.cancel().catch(() => undefined);
        };
        dropOpen = dropSilent;
        woken = false;
        let idle = setTimeout(dropSilent, idleTimeoutMs);
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            // Any byte (an event or the server's heartbeat comment) shows the connection is alive.
            clearTimeout(idle);
            idle = setTimeout(dropSilent, idleTimeoutMs);
            parser.feed(value);
          }
        } finally {
          dropOpen = undefined;
          clearTimeout(idle);
          if (Date.now() - openedAt >= healthyAfterMs) attempt = 0;
        }
      } catch {
        // Reconnect below, whatever broke: network, server restart, abort, silence.
      }
      options.onStatus?.(false);
      if (stopped) return;
      const backoff = fullJitterDelay(attempt++, { initialDelayMs: initialRetryMs, maxDelayMs: maxRetryMs });
      const delay = Math.max(retryAfterMs, woken ? 0 : backoff);
      woken = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        if (retryAfterMs === 0)
          wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
      });
      wakeUp = undefined;
    }
  };
  void connect();
  return () => {
    stopped = true;
    stopWaking();
    wakeUp?.();
    controller?.abort();
  };
}
