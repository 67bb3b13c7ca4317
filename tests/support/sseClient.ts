/** One server-sent event as read off the wire. */
export type SseEvent = { event: string; id?: string; data: string };

/**
 * A minimal event-stream reader for API tests: opens GET `url`, collects events, and knows when the
 * server ended the stream. `close` aborts it from the client's side.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  bytes = 0;
  ended = false;
  /** The body of an answer that was not a stream (an error), as text. */
  errorBody = '';
  readonly #controller = new AbortController();
  #waiters: (() => void)[] = [];

  private constructor(readonly response: Response) {}

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const controller = new AbortController();
    const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
    const client = new SseClient(response);
    client.#controller.signal.addEventListener('abort', () => controller.abort());
    if (response.ok && response.body) void client.#read(response.body);
    else {
      client.ended = true;
      client.errorBody = await response.text();
    }
    return client;
  }

  get status(): number {
    return this.response.status;
  }

  close(): void {
    this.#controller.abort();
  }

  /** Resolves once `condition` holds, checking after every event and at the end; rejects after `timeoutMs`. */
  async until(condition: (client: SseClient) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition(this)) {
      if (Date.now() > deadline)
        throw new Error(
          `stream condition not met within ${timeoutMs} ms (events: ${this.events.map((event) => event.event).join(', ')}; ended: ${this.ended})`,
        );
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async #read(body: NonNullable<Response['body']>): Promise<void> {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.bytes += value.length;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split('\n')
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          if (field('event')) this.events.push({ event: field('event')!, id: field('id'), data: field('data') ?? '' });
          this.#wake();
        }
      }
    } catch {
      // Aborted by the client.
    }
    this.ended = true;
    this.#wake();
  }

  #wake(): void {
    this.#waiters.splice(0).forEach((wake) => {
      wake();
    });
  }
}
