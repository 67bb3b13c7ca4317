import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ActionResult, TelemetryEvent } from '../../shared/index.js';
import type { StreamRegistry } from '../events/StreamRegistry.js';
import type { ChangeFeed } from '../events/ChangeFeed.js';
import type { Database } from '../db/Database.js';
import type { ReadReplica, ReadRoute } from '../db/ReadReplica.js';
import { criticalityOf } from './criticality.js';
import type { LoadShedder, ShedRecord } from './LoadShedder.js';
import { ClientReports } from './ClientReports.js';

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
  readonly #requests: Counter<'route' | 'method' | 'status' | 'criticality'>;
  readonly #duration: Histogram<'route' | 'method' | 'criticality'>;
  readonly #shed: Counter<'route' | 'reason'>;
  readonly #shedDuration: Histogram;
  readonly #clientEvents: Counter<'kind'>;
  readonly #registers: Registry[];
  readonly #actions: Counter<'result'>;
  readonly #safeguardRecoveries: Counter;
  readonly #syncReads: Counter<'served' | 'reason'>;
  readonly #cspReports: Counter;
  readonly #healthReads: Counter;
  readonly #fairShare: Counter<'outcome'>;
  readonly #clientReports: ClientReports;

  /** `assetHosts`: the CDN hosts the app's build names, each given a label of its own in devices' reports (ClientReports). */
  constructor(streams: StreamRegistry, db: Database, { assetHosts = [] }: { assetHosts?: readonly string[] } = {}) {
    this.#clientReports = new ClientReports({ knownHosts: assetHosts });
    const registers = [this.registry];
    this.#registers = registers;
    this.#requests = new Counter({
      name: 'holdfast_http_requests_total',
      help: 'HTTP requests answered, by route template, method, status class and criticality.',
      labelNames: ['route', 'method', 'status', 'criticality'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'holdfast_http_request_duration_seconds',
      help: 'Time to answer, by route template, method and criticality (an event stream counts until its headers are sent).',
      labelNames: ['route', 'method', 'criticality'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#actions = new Counter({
      name: 'holdfast_actions_total',
      help: 'Actions received, by result: applied, duplicate (refused as already applied), rejected, conflict.',
      labelNames: ['result'],
      registers,
    });
    this.#safeguardRecoveries = new Counter({
      name: 'holdfast_stream_safeguard_recoveries_total',
      help: 'Stream slots the safeguard watchdog gave back (counted streams whose connection was gone).',
      registers,
    });
    this.#syncReads = new Counter({
      name: 'holdfast_sync_reads_total',
      help: 'Delta-sync reads by where they were served (replica, primary) and why (no-replica, no-write, caught-up, behind, replica-down, replica-promoted, unreadable-position).',
      labelNames: ['served', 'reason'],
      registers,
    });
    this.#shed = new Counter({
      name: 'holdfast_requests_shed_total',
      help: 'Sheddable requests refused under pressure (429), by route template and the pressure that refused them.',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.#shedDuration = new Histogram({
      name: 'holdfast_shed_answer_seconds',
      help: 'How long a refused sheddable request took to answer, from its arrival in the server (goal: under 5 ms).',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.25],
      registers,
    });
    this.#cspReports = new Counter({
      name: 'holdfast_csp_reports_total',
      help: 'Content-Security-Policy violation reports received (logged or not: the log samples them).',
      registers,
    });
    this.#healthReads = new Counter({
      name: 'holdfast_health_database_reads_total',
      help: 'Database reads made for /readyz and /status (cached for a second, whatever the number of requests).',
      registers,
    });
    this.#fairShare = new Counter({
      name: 'holdfast_fair_share_total',
      help: 'Heavy requests (sync pages, action batches) by what the fair-share scheduler did: ran at once, waited their turn, or refused (429).',
      labelNames: ['outcome'],
      registers,
    });
    this.#clientEvents = new Counter({
      name: 'holdfast_client_events_total',
      help: 'Client telemetry events received, by kind (reachability, breaker, failover, outbox).',
      labelNames: ['kind'],
      registers,
    });
    const reports = this.#clientReports;
    new Gauge({
      name: 'holdfast_client_hosts_passed_over',
      help: 'Assets devices fetched from another host because this one failed, in the last 2 min, by the host passed over (from their telemetry).',
      labelNames: ['host'],
      registers,
      collect() {
        this.reset();
        for (const [host, failovers] of reports.passedOver()) this.set({ host }, failovers);
      },
    });
    new Gauge({
      name: 'holdfast_client_breakers_open',
      help: "Devices whose last telemetry says an asset host's breaker is open, by host (reports older than 6 min forgotten).",
      labelNames: ['host'],
      registers,
      collect() {
        this.reset();
        for (const [host, devices] of reports.openBreakers()) this.set({ host }, devices);
      },
    });
    new Gauge({
      name: 'holdfast_client_outbox_oldest_seconds',
      help: 'The oldest action waiting in any outbox, as devices reported it (aged since; 0 when none reported in the last 3 min).',
      registers,
      collect() {
        this.set(reports.oldestWaitingMs() / 1000);
      },
    });
    const pool = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    pool('holdfast_db_pool_connections', 'Database connections open (PGlite: 1).', () => db.pool().connections);
    pool('holdfast_db_pool_idle', 'Database connections idle.', () => db.pool().idle);
    pool('holdfast_db_pool_waiting', 'Queries waiting for a database connection.', () => db.pool().waiting);
    new Gauge({
      name: 'holdfast_event_streams_open',
      help: 'Event streams open in this process.',
      registers,
      collect() {
        this.set(streams.size);
      },
    });
    new Gauge({
      name: 'holdfast_event_streams_cap',
      help: 'The most event streams this process admits.',
      registers,
      collect() {
        this.set(streams.maxPerProcess);
      },
    });
  }

  /**
   * Whether the database answers, from the readiness check's own cached read (at most one a second,
   * shared with /readyz): a scrape while the primary is gone reads 0 here, where /metrics itself still
   * answers and a node-down alert says nothing.
   */
  watchDatabase(check: () => Promise<{ reachable: boolean }>): void {
    new Gauge({
      name: 'holdfast_database_reachable',
      help: "1 while this node's database answers (the readiness check's read), 0 while it does not.",
      registers: this.#registers,
      async collect() {
        this.set((await check()).reachable ? 1 : 0);
      },
    });
  }

  /** The change feed's LISTEN connection (PostgreSQL): up or not, and how many catch-up reads its reconnects cost. */
  watchFeed(feed: ChangeFeed): void {
    const registers = this.#registers;
    const { listener } = feed;
    // Only where there is one: a gauge never set still reads 0, and an alert would call PGlite's absent
    // listener down.
    if (listener)
      new Gauge({
        name: 'holdfast_change_listener_up',
        help: "1 while the LISTEN connection for other processes' changes is up (absent without one: PGlite).",
        registers,
        collect() {
          this.set(listener.listening ? 1 : 0);
        },
      });
    new Gauge({
      name: 'holdfast_change_feed_catch_ups',
      help: 'Catch-up reads after the LISTEN connection came back (notifications sent while it was down are lost).',
      registers,
      collect() {
        this.set(feed.catchUps);
      },
    });
  }

  /** The read replica's lag (absent without one). */
  watchReplica(reads: ReadReplica): void {
    if (!reads.hasReplica) return;
    const registers = this.#registers;
    // One read of the standby per scrape, shared by both gauges.
    let pending: Promise<{ bytes: number; seconds: number } | undefined> | undefined;
    const lag = () =>
      (pending ??= reads
        .lag()
        .catch(() => undefined)
        .finally(() => setTimeout(() => (pending = undefined), 100)));
    new Gauge({
      name: 'holdfast_replica_lag_bytes',
      help: 'WAL the read replica has received or not yet, but not replayed: how far its reads are behind the primary.',
      registers,
      async collect() {
        const value = await lag();
        if (value) this.set(value.bytes);
      },
    });
    new Gauge({
      name: 'holdfast_replica_following',
      help: '1 while the read replica is a standby of the primary (in recovery), 0 once it is not (promoted: reads go to the primary).',
      registers,
      async collect() {
        const state = await reads.following();
        if (state !== 'down') this.set(state === 'standby' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'holdfast_replica_lag_seconds',
      help: 'Seconds since the read replica replayed a commit, while it has WAL left to replay (0 when caught up).',
      registers,
      async collect() {
        const value = await lag();
        if (value) this.set(value.seconds);
      },
    });
  }

  countSyncRead(route: ReadRoute): void {
    this.#syncReads.inc({ served: route.served, reason: route.reason });
  }

  /** The load shedder's signals: whether the process is under pressure (and why), requests in flight, event-loop delay. */
  watchLoad(shedder: LoadShedder): void {
    const registers = this.#registers;
    new Gauge({
      name: 'holdfast_load_pressure',
      help: '1 while sheddable requests are refused, by reason (event-loop-delay, in-flight, database-wait, forced).',
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        const reason = shedder.pressure();
        if (reason) this.set({ reason }, 1);
      },
    });
    new Gauge({
      name: 'holdfast_http_requests_in_flight',
      help: 'Requests being answered now (event streams aside).',
      registers,
      collect() {
        this.set(shedder.inFlight);
      },
    });
    new Gauge({
      name: 'holdfast_event_loop_delay_seconds',
      help: 'Mean event-loop delay of the last sample (@fastify/under-pressure).',
      registers,
      collect() {
        this.set(shedder.eventLoopDelayMs / 1000);
      },
    });
  }

  /** Called once per answered request (Fastify's onResponse). */
  observe(request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = knownMethods.has(request.method) ? request.method : 'OTHER';
    const criticality = criticalityOf(request);
    this.#requests.inc({ route, method, status: `${Math.floor(reply.statusCode / 100)}xx`, criticality });
    this.#duration.observe({ route, method, criticality }, reply.elapsedTime / 1000);
    if (criticality === 'sheddable' && reply.statusCode === 429) this.#shedDuration.observe(reply.elapsedTime / 1000);
  }

  countCspReport(): void {
    this.#cspReports.inc();
  }

  countHealthRead(): void {
    this.#healthReads.inc();
  }

  countFairShare(outcome: 'immediate' | 'waited' | 'refused'): void {
    this.#fairShare.inc({ outcome });
  }

  /** A device signed out: what it reported stops counting (its local data is wiped; it has no outbox left). */
  forgetDevice(device: string): void {
    this.#clientReports.forget(device);
  }

  /** A device's telemetry batch (`device`: its session), counted by kind and kept for the client gauges. */
  takeClientEvents(device: string, events: readonly Pick<TelemetryEvent, 'kind' | 'detail'>[]): void {
    for (const event of events) this.#clientEvents.inc({ kind: event.kind });
    this.#clientReports.take(device, events);
  }

  countShed(record: ShedRecord): void {
    this.#shed.inc(record);
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
