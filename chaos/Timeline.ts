/** Who saw a moment of an incident: the chaos runner (its fault marks), an agent's page, the server, or Prometheus (its alerts). */
export type TimelineSource = 'chaos' | `agent:${string}` | 'server' | 'prometheus';

export type TimelineEvent = { at: number; source: TimelineSource; kind: string; detail?: string };

/**
 * One incident's moments in order: when the fault was injected and healed (the runner's marks), and what
 * each agent's page saw (the connection line changing, the outbox growing, pausing and draining). Times
 * are wall-clock milliseconds; figures are differences between them.
 */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  readonly #onEvent: (event: TimelineEvent) => void;

  constructor(onEvent: (event: TimelineEvent) => void = () => {}) {
    this.#onEvent = onEvent;
  }

  mark(source: TimelineSource, kind: string, detail?: string, at = Date.now()): TimelineEvent {
    const event = { at, source, kind, ...(detail === undefined ? {} : { detail }) };
    this.events.push(event);
    this.#onEvent(event);
    return event;
  }

  /** The first event after `after` matching `where`, if any. */
  first(where: (event: TimelineEvent) => boolean, after = 0): TimelineEvent | undefined {
    return this.events.filter((event) => event.at >= after && where(event)).sort((a, b) => a.at - b.at)[0];
  }
}
