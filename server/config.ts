import { resolve } from 'node:path';
import type { SignInThrottleOptions } from './auth/SignInThrottle.js';
import type { ServerOptions } from './http/serverOptions.js';

/** The server's settings, from the environment; each has a default that runs the demo. */
export type ServerConfig = {
  port: number;
  host: string;
  /** PostgreSQL server URL; when absent, embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** A streaming standby of DATABASE_URL for delta-sync reads (read-your-writes kept: ReadReplica). */
  readDatabaseUrl: string | undefined;
  /** REPLICA_MAX_WAIT_MS: how long a sync read waits for the standby before going to the primary. */
  replicaMaxWaitMs: number | undefined;
  dataDir: string;
  /** SEED=demo: seed the demo tenants when the database is empty (npm start sets it). Default: never. */
  seedWhenEmpty: boolean;
  /**
   * DRILLS=on: faults an operator (or the chaos suite) may set off in this running process by signal, to
   * rehearse what the server does about them — SIGUSR2 leaks every free stream slot (see runServer). Off
   * by default; never needed to serve.
   */
  drills: boolean;
  /**
   * buildServer's options an operator sets (each unset one keeps `serverDefaults`): NODE_NAME, STATIC_DIR,
   * ALLOWED_ORIGINS, COOKIE_DOMAIN, TRUST_PROXY, COOKIE_SECURE, LOG_REQUESTS, SERVE_SOURCE_MAPS, and the
   * limits and timeouts below.
   */
  server: Omit<ServerOptions, 'db' | 'app' | 'readReplica'>;
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
    replicaMaxWaitMs: positive(env, 'REPLICA_MAX_WAIT_MS'),
    dataDir: resolve(env.DATA_DIR ?? defaults.dataDir ?? 'data/pglite'),
    seedWhenEmpty: env.SEED === 'demo',
    drills: drillsFrom(env.DRILLS),
    server: {
      nodeName: env.NODE_NAME || undefined,
      staticDir: resolve(env.STATIC_DIR ?? 'dist'),
      crossOrigin: {
        allowedOrigins: listOf(env.ALLOWED_ORIGINS).map(checkedOrigin),
        cookieDomain: env.COOKIE_DOMAIN || undefined,
        trustProxy: listOf(env.TRUST_PROXY).map((entry) => {
          if (!/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry)) throw new Error(`TRUST_PROXY: "${entry}" is not an IP address or CIDR such as 10.0.0.0/8.`);
          return entry;
        }),
        cookieSecure: env.COOKIE_SECURE === 'true',
      },
      logging: { requests: env.LOG_REQUESTS === 'true' },
      serveSourceMaps: env.SERVE_SOURCE_MAPS === 'true',
      sessions: {
        idleMinutes: positive(env, 'SESSION_IDLE_MINUTES'),
        maxPerAgent: positive(env, 'MAX_SESSIONS_PER_AGENT'),
        purgeIntervalMs: positive(env, 'SESSION_PURGE_INTERVAL_MS'),
        ttlHours: positive(env, 'SESSION_TTL_HOURS'),
      },
      streams: {
        maxPerAgent: positive(env, 'MAX_STREAMS_PER_AGENT'),
        maxPerProcess: positive(env, 'MAX_STREAMS_PER_PROCESS'),
        // 0: every change event only announces (the client pulls each): the live benchmark's baseline.
        maxCarryChars: env.EVENT_CARRY_MAX_CHARS === '0' ? 0 : positive(env, 'EVENT_CARRY_MAX_CHARS'),
        sessionCheckMs: positive(env, 'STREAM_SESSION_CHECK_MS'),
        auditMs: positive(env, 'STREAM_AUDIT_MS'),
      },
      login: {
        maxPerAddressPerMinute: positive(env, 'LOGIN_MAX_PER_ADDRESS_PER_MINUTE'),
        // The first delay after the free failures (it doubles from there, up to each rule's cap).
        throttle: signInThrottleFrom(positive(env, 'SIGN_IN_BASE_DELAY_MS')),
      },
      timeouts: { requestMs: positive(env, 'REQUEST_TIMEOUT_MS') },
      telemetry: {
        perSessionPerMinute: positive(env, 'TELEMETRY_PER_SESSION_PER_MINUTE'),
        tenantDailyQuota: positive(env, 'TELEMETRY_TENANT_DAILY_QUOTA'),
        retentionDays: positive(env, 'TELEMETRY_RETENTION_DAYS'),
      },
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
  };
}

/** A comma-separated setting, trimmed, empty entries dropped. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

function checkedOrigin(origin: string): string {
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  if (!url || url.origin !== origin)
    throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin such as https://app.example.com (scheme, host and port; no path or trailing slash).`);
  return origin;
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

function drillsFrom(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'off') return false;
  if (value === 'on') return true;
  throw new Error(`DRILLS must be "on" or "off", got "${value}".`);
}
