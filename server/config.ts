import { resolve } from 'node:path';
import type { SignInThrottleOptions } from './auth/SignInThrottle.js';
import type { LoadShedderOptions } from './http/LoadShedder.js';
import type { TelemetryLimits } from './http/routes/telemetryRoutes.js';

/** The server's settings, from the environment; each has a default that runs the demo. */
export type ServerConfig = {
  port: number;
  host: string;
  /** PostgreSQL server URL; when absent, embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** A streaming standby of DATABASE_URL for delta-sync reads (read-your-writes kept: ReadReplica). */
  readDatabaseUrl: string | undefined;
  /** This node's name, sent as `x-holdfast-node` on every answer (which node served, behind a load balancer). */
  nodeName: string | undefined;
  /** ALLOWED_ORIGINS: the app's origins that may call this API cross-origin (its other regions' pages). */
  allowedOrigins: string[];
  /** COOKIE_DOMAIN: the session cookie's domain, common to every region. */
  cookieDomain: string | undefined;
  /** TRUST_PROXY: the load balancers' addresses or CIDRs, comma-separated; only they may name the client and scheme. */
  trustProxy: string[];
  /** COOKIE_SECURE=true: cookies always Secure, with HSTS (TLS ends in front of a proxy this server cannot see). */
  cookieSecure: boolean;
  dataDir: string;
  staticDir: string;
  /** SEED=demo: seed the demo tenants when the database is empty (npm start sets it). Default: never. */
  seedWhenEmpty: boolean;
  logRequests: boolean;
  /** Limits and timeouts an operator may tune; each unset one keeps buildServer's default. */
  limits: {
    maxStreamsPerAgent?: number;
    maxStreamsPerProcess?: number;
    maxEventCarryChars?: number;
    streamSessionCheckMs?: number;
    streamAuditMs?: number;
    loginMaxPerAddressPerMinute?: number;
    requestTimeoutMs?: number;
    sessionIdleMinutes?: number;
    maxSessionsPerAgent?: number;
    signInThrottle?: SignInThrottleOptions;
    telemetry?: Partial<TelemetryLimits>;
    replicaMaxWaitMs?: number;
    sessionPurgeIntervalMs?: number;
    sessionTtlHours?: number;
    shedding?: LoadShedderOptions | false;
    fairShare?: { maxConcurrent?: number } | false;
  };
  serveSourceMaps: boolean;
};

/** `defaults.dataDir`: an app's own PGlite directory when DATA_DIR is unset (default `data/pglite`, the workspace's). */
export function readConfig(env: NodeJS.ProcessEnv = process.env, defaults: { dataDir?: string } = {}): ServerConfig {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}".`);
  return {
    port,
    host: env.HOST ?? 'localhost',
    databaseUrl: env.DATABASE_URL || undefined,
    readDatabaseUrl: env.READ_DATABASE_URL || undefined,
    nodeName: env.NODE_NAME || undefined,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean).map(origin => {
      let url: URL | undefined;
      try {
        url = new URL(origin);
      } catch {
        url = undefined;
      }
      if (!url || url.origin !== origin) throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin such as https://app.example.com (scheme, host and port; no path or trailing slash).`);
      return origin;
    }),
    cookieDomain: env.COOKIE_DOMAIN || undefined,
    trustProxy: (env.TRUST_PROXY ?? '').split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
      if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)) throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or CIDR such as 10.0.0.0/8.`);
      return entry;
    }),
    cookieSecure: env.COOKIE_SECURE === 'true',
    dataDir: resolve(env.DATA_DIR ?? defaults.dataDir ?? 'data/pglite'),
    staticDir: resolve(env.STATIC_DIR ?? 'dist'),
    seedWhenEmpty: env.SEED === 'demo',
    logRequests: env.LOG_REQUESTS === 'true',
    limits: {
      maxStreamsPerAgent: positive(env, 'MAX_STREAMS_PER_AGENT'),
      maxStreamsPerProcess: positive(env, 'MAX_STREAMS_PER_PROCESS'),
      // 0: every change event only announces (the client pulls each): the live benchmark's baseline.
      maxEventCarryChars: env.EVENT_CARRY_MAX_CHARS === '0' ? 0 : positive(env, 'EVENT_CARRY_MAX_CHARS'),
      streamSessionCheckMs: positive(env, 'STREAM_SESSION_CHECK_MS'),
      streamAuditMs: positive(env, 'STREAM_AUDIT_MS'),
      loginMaxPerAddressPerMinute: positive(env, 'LOGIN_MAX_PER_ADDRESS_PER_MINUTE'),
      requestTimeoutMs: positive(env, 'REQUEST_TIMEOUT_MS'),
      sessionIdleMinutes: positive(env, 'SESSION_IDLE_MINUTES'),
      // The first delay after the free failures (it doubles from there, up to each rule's cap).
      signInThrottle: signInThrottleFrom(positive(env, 'SIGN_IN_BASE_DELAY_MS')),
      telemetry: {
        perSessionPerMinute: positive(env, 'TELEMETRY_PER_SESSION_PER_MINUTE'),
        tenantDailyQuota: positive(env, 'TELEMETRY_TENANT_DAILY_QUOTA'),
        retentionDays: positive(env, 'TELEMETRY_RETENTION_DAYS'),
      },
      maxSessionsPerAgent: positive(env, 'MAX_SESSIONS_PER_AGENT'),
      replicaMaxWaitMs: positive(env, 'REPLICA_MAX_WAIT_MS'),
      sessionPurgeIntervalMs: positive(env, 'SESSION_PURGE_INTERVAL_MS'),
      sessionTtlHours: positive(env, 'SESSION_TTL_HOURS'),
      // FAIR_SHARE=off runs every heavy request at once (the fair-share benchmark's baseline).
      fairShare: env.FAIR_SHARE === 'off' ? false : { maxConcurrent: positive(env, 'FAIR_SHARE_MAX_CONCURRENT') },
      // SHEDDING=off answers sheddable requests like any other (the overload benchmark's baseline).
      shedding:
        env.SHEDDING === 'off'
          ? false
          : {
              maxEventLoopDelayMs: positive(env, 'SHED_MAX_EVENT_LOOP_DELAY_MS'),
              maxInFlight: positive(env, 'SHED_MAX_IN_FLIGHT'),
              maxDatabaseWaiting: positive(env, 'SHED_MAX_DB_WAITING'),
              maxEventLoopUtilization: positive(env, 'SHED_MAX_EVENT_LOOP_UTILIZATION'),
            },
    },
    serveSourceMaps: env.SERVE_SOURCE_MAPS === 'true',
  };
}

/** An optional positive number from the environment; a bad value stops the server with its name. */
function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number, got "${value}".`);
  return number;
}

function signInThrottleFrom(baseDelayMs: number | undefined): SignInThrottleOptions | undefined {
  return baseDelayMs === undefined ? undefined : { account: { baseDelayMs }, pair: { baseDelayMs } };
}
