import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActionResult } from 'holdfast/core';
import type { StreamRegistry } from '../events/StreamRegistry.js';

/**
 * The server's Prometheus metrics (prom-client), served at GET /metrics in the text format. A registry of
 * its own per server, so several servers in one process (tests) never share or clash.
 *
 * Label cardinality is bounded by construction: requests are labelled by the route's template (Fastify's
 * `routeOptions.url`: `/api/items/:id`, never the id), a method from a fixed list, and the status
 * class. A URL no route knows is `unmatched`, whatever a scanner sends (fastify-metrics#99 grew 9,800
 * series by labelling raw URLs).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<'route' | 'method' | 'status'>;
  readonly #duration: Histogram<'route' | 'method'>;
  readonly #actions: Counter<'result'>;
  readonly #safeguardRecoveries: Counter;

  constructor(streams: StreamRegistry) {
    const registers = [this.registry];
    this.#requests = new Counter({ name: 'holdfast_http_requests_total', help: 'HTTP requests answered, by route template, method and status class.', labelNames: ['route', 'method', 'status'], registers });
    this.#duration = new Histogram({
      name: 'holdfast_http_request_duration_seconds',
      help: 'Time to answer, by route template and method (an event stream counts until its headers are sent).',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#actions = new Counter({ name: 'holdfast_actions_total', help: 'Actions received, by result: applied, duplicate (refused as already applied), rejected, conflict.', labelNames: ['result'], registers });
    this.#safeguardRecoveries = new Counter({ name: 'holdfast_stream_safeguard_recoveries_total', help: 'Stream slots the safeguard watchdog gave back (counted streams whose connection was gone).', registers });
    new Gauge({ name: 'holdfast_event_streams_open', help: 'Event streams open in this process.', registers, collect() {
      this.set(streams.size);
    } });
    new Gauge({ name: 'holdfast_event_streams_cap', help: 'The most event streams this process admits.', registers, collect() {
      this.set(streams.maxPerProcess);
    } });
  }

  /** Called once per answered request (Fastify's onResponse). */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = knownMethods.has(request.method) ? request.method : 'OTHER';
    this.#requests.inc({ route, method, status: `${Math.floor(reply.statusCode / 100)}xx` });
    this.#duration.observe({ route, method }, reply.elapsedTime / 1000);
  }

  countActions(results: readonly ActionResult<unknown>[]): void {
    for (const result of results) this.#actions.inc({ result: result.status });
  }

  countSafeguardRecovery(recovered: number): void {
    this.#safeguardRecoveries.inc(recovered);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
