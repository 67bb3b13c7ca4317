import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { fullJitterDelay } from '../../shared/client.js';

export type EventStreamOptions = {
  url: (lastEventId: string | undefined) => string;
  token: () => string | null;
  onEvent: (event: EventSourceMessage) => void;
  onStatus?: (connected: boolean) => void;
  /** Reconnect backoff (shared/policy/backoff.ts): first delay, doubling up to the cap, with full jitter. */
  initialRetryMs?: number;
  maxRetryMs?: number;
};

/**
 * Reads a server-sent-event stream with fetch (EventSource cannot send an Authorization header) and keeps
 * it open: on any break it reconnects after a jittered, capped backoff and resumes from the last event id.
 * Returns a function that closes it for good.
 */
export function readEventStream(options: EventStreamOptions): () => void {
  const { initialRetryMs = 1000, maxRetryMs = 30_000 } = options;
  let stopped = false;
  let controller: AbortController | undefined;
  let lastEventId: string | undefined;
  let attempt = 0;

  const connect = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const token = options.token();
        const response = await fetch(options.url(lastEventId), {
          headers: token ? { authorization: `Bearer ${token}`, accept: 'text/event-stream' } : {},
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
        options.onStatus?.(true);
        attempt = 0;
        const parser = createParser({
          onEvent: (event) => {
            if (event.id) lastEventId = event.id;
            options.onEvent(event);
          },
        });
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // Reconnect below, whatever broke: network, server restart, abort.
      }
      options.onStatus?.(false);
      if (stopped) return;
      const delay = fullJitterDelay(attempt++, { initialDelayMs: initialRetryMs, maxDelayMs: maxRetryMs });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  };
  void connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
