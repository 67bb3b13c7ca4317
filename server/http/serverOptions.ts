import { defined } from '../withDefaults.js';
import { protocolLimits } from '../../shared/index.js';
import { defaultIdleSeconds } from '../auth/sessions.js';
import { signInThrottleDefaults, type SignInThrottleOptions } from '../auth/SignInThrottle.js';
import type { Database } from '../db/Database.js';
import { readReplicaDefaults } from '../db/ReadReplica.js';
import { streamRegistryDefaults } from '../events/StreamRegistry.js';
import type { ServerApp } from '../app/ServerApp.js';
import { fairShareDefaults, type FairShareOptions } from './FairShare.js';
import { loadShedderDefaults, type LoadShedderOptions } from './LoadShedder.js';
import { telemetryLimitDefaults, type TelemetryLimits } from './routes/telemetryRoutes.js';

/** What `buildServer` takes: the database and the app, then one group per concern, every field optional. */
export type ServerOptions = {
  db: Database;
  /** The app this server runs: its actions, reads, routes and migrations. */
  app: ServerApp;
  /** The built app (Vite's dist/); served with an SPA fallback when present. */
  staticDir?: string;
  /** Sent as `x-holdfast-node` on every answer: which node served, behind a load balancer. */
  nodeName?: string;
  /** A streaming standby of `db` for delta-sync reads (ReadReplica keeps read-your-writes). */
  readReplica?: {
    db: Database;
    /** How long a sync read waits for the standby to replay the reader's write before going to `db`. */
    maxWaitMs?: number;
  };
  crossOrigin?: {
    /**
     * The app's origins that may call this API cross-origin (CORS with credentials): where the API runs in
     * several regions, the pages of each. Default none: same-origin only.
     */
    allowedOrigins?: readonly string[];
    /** The session cookie's domain, common to every region (e.g. `holdfast.example`); default: this host only. */
    cookieDomain?: string;
    /**
     * The load balancers in front of this server (addresses or CIDRs, e.g. `['127.0.0.1', '10.0.0.0/8']`):
     * from them only, `X-Forwarded-For` names the client (per-address limits) and `X-Forwarded-Proto` the
     * scheme (Secure cookies, HSTS). Default none: the connection's own address and scheme.
     */
    trustProxy?: readonly string[];
    /** Cookies always `Secure`, and HSTS on every answer, whatever the scheme a request arrived by (TLS ends before any proxy we can see). */
    cookieSecure?: boolean;
  };
  sessions?: {
    ttlHours?: number;
    /** A session unused this long ends. */
    idleMinutes?: number;
    /** Most sessions one agent holds; signing in beyond that ends the oldest. */
    maxPerAgent?: number;
    /** Expired sessions are deleted at start and this often. */
    purgeIntervalMs?: number;
  };
  /** Event streams (server-sent events). */
  streams?: {
    /** Open streams allowed per agent (all their tabs and devices) and per process. */
    maxPerAgent?: number;
    maxPerProcess?: number;
    /** How often open streams re-check that their session still exists. */
    sessionCheckMs?: number;
    /** How often the safeguard's watchdog audits the counted streams against their connections. */
    auditMs?: number;
    /** Most changes one stream sends before it answers `resync`. */
    maxCatchUp?: number;
    /** Longest change-event data (JSON characters) that carries its page; longer ones only announce it. 0: none carries. */
    maxCarryChars?: number;
    /** Base of the jittered Retry-After (base to 2× base seconds) when a stream is refused. */
    retryAfterSeconds?: number;
    heartbeatMs?: number;
    /**
     * How often the change feed polls a database that cannot LISTEN; default 0 (never: one process) on
     * PGlite, 2 s otherwise. PostgreSQL LISTENs for NOTIFY and never polls.
     */
    changePollMs?: number;
  };
  login?: {
    /** Sign-in attempts per address per minute (an office floor behind one NAT signs in fine). */
    maxPerAddressPerMinute?: number;
    /** How failed sign-ins slow an account and an (account, address) down. */
    throttle?: SignInThrottleOptions;
  };
  timeouts?: {
    /** A request's headers and body must arrive within this (slow bodies are cut off). */
    requestMs?: number;
    /** A connection with no traffic either way is closed after this (streams send a heartbeat). */
    idleMs?: number;
  };
  limits?: { maxBodyBytes?: number; maxActionsPerBatch?: number };
  logging?: {
    /** Log every request (pino), not only failures. Every 5xx is logged at error level, with its request id, always. */
    requests?: boolean;
    /** Pino's level. `silent` turns even failures off (tests that expect them). */
    level?: string;
  };
  /** Telemetry's bounds: batches per session a minute, events per tenant a day, days kept. */
  telemetry?: Partial<TelemetryLimits>;
  /** How heavy requests (sync pages, action batches) take turns between sessions and tenants; `false` turns it off (the fair-share benchmark's baseline). */
  fairShare?: Omit<FairShareOptions, 'now'> | false;
  /** When sheddable requests are refused (LoadShedder); `false` turns shedding off (the overload benchmark's baseline). */
  shedding?: LoadShedderOptions | false;
  /** Serve the build's source maps (`*.map`); default false: the full source is not published. */
  serveSourceMaps?: boolean;
};

/** Every default of the reference server, in one place (the parts' own tuning objects included by reference). */
export const serverDefaults = {
  replicaMaxWaitMs: readReplicaDefaults.maxWaitMs,
  sessions: { ttlHours: 24 * 14, idleMinutes: defaultIdleSeconds / 60, maxPerAgent: 30, purgeIntervalMs: 60 * 60_000 },
  streams: {
    ...streamRegistryDefaults,
    maxCatchUp: 2000,
    maxCarryChars: 64 * 1024,
    retryAfterSeconds: 10,
    heartbeatMs: 15_000,
    changePollMs: { pglite: 0, postgres: 2000 },
  },
  login: { maxPerAddressPerMinute: 60, throttle: signInThrottleDefaults },
  timeouts: { requestMs: 30_000, idleMs: 75_000 },
  limits: { maxBodyBytes: protocolLimits.maxBodyBytes, maxActionsPerBatch: protocolLimits.maxActionsPerBatch },
  logging: { requests: false, level: 'info' },
  telemetry: telemetryLimitDefaults,
  // One heavy request at a time on PGlite (a single connection), four on PostgreSQL's pool.
  fairShare: { ...fairShareDefaults, maxConcurrent: { pglite: 1, postgres: 4 } },
  shedding: loadShedderDefaults,
} as const;

type Required2<T> = { [Key in keyof T]-?: Required<NonNullable<T[Key]>> };

/** The options with every default filled in: what the server's parts are built from. */
export type ResolvedServerOptions = Pick<ServerOptions, 'db' | 'app' | 'staticDir' | 'nodeName' | 'readReplica' | 'shedding'> &
  Required2<Pick<ServerOptions, 'sessions' | 'streams' | 'timeouts' | 'limits' | 'logging' | 'telemetry'>> & {
    crossOrigin: { allowedOrigins: readonly string[]; cookieDomain: string | undefined; trustProxy: readonly string[]; cookieSecure: boolean };
    login: { maxPerAddressPerMinute: number; throttle: SignInThrottleOptions };
    fairShare: (Omit<FairShareOptions, 'now' | 'maxConcurrent'> & { maxConcurrent: number }) | false;
    serveSourceMaps: boolean;
  };

/** Fills in `serverDefaults`; a few depend on the database (PGlite is one connection in one process). */
export function resolveServerOptions(options: ServerOptions): ResolvedServerOptions {
  const kind = options.db.kind === 'pglite' ? 'pglite' : 'postgres';
  const { streams, fairShare } = serverDefaults;
  return {
    db: options.db,
    app: options.app,
    staticDir: options.staticDir,
    nodeName: options.nodeName,
    readReplica: options.readReplica && { db: options.readReplica.db, maxWaitMs: options.readReplica.maxWaitMs ?? serverDefaults.replicaMaxWaitMs },
    shedding: options.shedding,
    crossOrigin: {
      allowedOrigins: options.crossOrigin?.allowedOrigins ?? [],
      cookieDomain: options.crossOrigin?.cookieDomain,
      trustProxy: options.crossOrigin?.trustProxy ?? [],
      cookieSecure: options.crossOrigin?.cookieSecure ?? false,
    },
    sessions: { ...serverDefaults.sessions, ...defined(options.sessions) },
    streams: { ...streams, changePollMs: streams.changePollMs[kind], ...defined(options.streams) },
    login: { maxPerAddressPerMinute: serverDefaults.login.maxPerAddressPerMinute, throttle: {}, ...defined(options.login) },
    timeouts: { ...serverDefaults.timeouts, ...defined(options.timeouts) },
    limits: { ...serverDefaults.limits, ...defined(options.limits) },
    logging: { ...serverDefaults.logging, ...defined(options.logging) },
    telemetry: { ...serverDefaults.telemetry, ...defined(options.telemetry) },
    fairShare: options.fairShare === false ? false : { ...fairShare, maxConcurrent: fairShare.maxConcurrent[kind], ...defined(options.fairShare) },
    serveSourceMaps: options.serveSourceMaps ?? false,
  };
}
