import { describe, expect, it } from 'vitest';
import type { ServerApp } from 'holdfast/server';
import { readConfig } from 'holdfast/server';
import type { Database } from 'holdfast/server';
import { resolveServerOptions } from 'holdfast/internal/server';
import { serverDefaults } from 'holdfast/server';

// resolveServerOptions reads only the database's kind: the rest of a Database is not needed here.
const pglite = { kind: 'pglite' } as Database;
const postgres = { kind: 'postgres' } as Database;
const app = {} as ServerApp;

describe("the reference server's options: grouped, every default in serverDefaults", () => {
  it('nothing given: every group filled from serverDefaults; what depends on the database follows its kind', () => {
    const resolved = resolveServerOptions({ db: pglite, app });
    expect(resolved.sessions).toEqual(serverDefaults.sessions);
    expect(resolved.streams).toMatchObject({ maxPerProcess: serverDefaults.streams.maxPerProcess, changePollMs: 0 });
    expect(resolved.fairShare).toMatchObject({ maxConcurrent: 1 });
    expect(resolved.crossOrigin).toEqual({ allowedOrigins: [], cookieDomain: undefined, trustProxy: [], cookieSecure: false });
    const onPostgres = resolveServerOptions({ db: postgres, app });
    expect(onPostgres.streams.changePollMs).toBe(2000);
    expect(onPostgres.fairShare).toMatchObject({ maxConcurrent: 4 });
  });

  it('a field set wins; one left undefined (an unset environment variable) keeps its default; false turns a safeguard off', () => {
    const resolved = resolveServerOptions({
      db: postgres,
      app,
      streams: { maxPerAgent: 3, maxPerProcess: undefined },
      sessions: { idleMinutes: 30 },
      fairShare: false,
      shedding: false,
    });
    expect(resolved.streams.maxPerAgent).toBe(3);
    expect(resolved.streams.maxPerProcess).toBe(serverDefaults.streams.maxPerProcess);
    expect(resolved.sessions).toEqual({ ...serverDefaults.sessions, idleMinutes: 30 });
    expect(resolved.fairShare).toBe(false);
    expect(resolved.shedding).toBe(false);
  });

  it("a read replica's wait: unset (REPLICA_MAX_WAIT_MS absent) keeps its default", () => {
    // runServer passes the variable through as it reads it: undefined when unset. A spread of it over the
    // default left the wait with no deadline, and a read the standby could not serve waited for ever.
    const resolved = resolveServerOptions({ db: postgres, app, readReplica: { db: postgres, maxWaitMs: undefined } });
    expect(resolved.readReplica?.maxWaitMs).toBe(serverDefaults.replicaMaxWaitMs);
  });

  it('the environment maps onto the groups, and a bad value stops the server with its name', () => {
    const config = readConfig({ MAX_STREAMS_PER_PROCESS: '500', SESSION_IDLE_MINUTES: '15', TRUST_PROXY: '10.0.0.0/8', FAIR_SHARE: 'off' });
    const resolved = resolveServerOptions({ ...config.server, db: postgres, app });
    expect(resolved.streams.maxPerProcess).toBe(500);
    expect(resolved.streams.maxPerAgent).toBe(serverDefaults.streams.maxPerAgent);
    expect(resolved.sessions.idleMinutes).toBe(15);
    expect(resolved.crossOrigin.trustProxy).toEqual(['10.0.0.0/8']);
    expect(resolved.fairShare).toBe(false);
    expect(() => readConfig({ MAX_STREAMS_PER_AGENT: 'many' })).toThrow(/MAX_STREAMS_PER_AGENT must be a positive number/);
    expect(() => readConfig({ ALLOWED_ORIGINS: 'https://a.example/' })).toThrow(/ALLOWED_ORIGINS/);
    // Drills are off unless asked for by name; anything else is refused rather than guessed.
    expect(readConfig({}).drills).toBe(false);
    expect(readConfig({ DRILLS: 'on' }).drills).toBe(true);
    expect(() => readConfig({ DRILLS: 'yes' })).toThrow(/DRILLS must be "on" or "off"/);
  });
});
