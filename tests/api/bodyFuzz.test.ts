import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from 'holdfast/server';
import { openPostgres } from 'holdfast/server';
import { requestFrom } from '../support/rawHttp.js';
import { TestApi } from '../support/testApi.js';
import { TestBackend } from './backends.js';

/**
 * Property-based fuzz of the public and telemetry bodies (sign-in, telemetry, CSP reports) against a real
 * server on PostgreSQL: arbitrary Unicode, junk JSON, odd content types. Never a 5xx, and a 4xx changes no
 * stored state (sessions, devices, telemetry). The same idea as protocolFuzz.test.ts for actions.
 */
const specials = [
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\u202eevil',
  '\u200b',
  '😀',
  'x'.repeat(5_000),
  '',
  ' ',
  'el\u0130@example.com',
  'ALICE@example.com',
  '\uff41lice@example.com',
  "'; DROP TABLE agents; --",
];
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...specials));
const junk = fc.anything({ maxDepth: 3, withNullPrototype: false, withBigInt: false });

describe('fuzzing sign-in, telemetry and CSP report bodies (PostgreSQL)', () => {
  let backend: TestBackend;
  let db: Database;
  let alice: TestApi;
  let run = 0;
  const from = () => `127.0.${10 + Math.floor(run / 200)}.${1 + (run++ % 200)}`;
  beforeAll(async () => {
    backend = await TestBackend.start('postgres', { SHEDDING: 'off', TELEMETRY_PER_SESSION_PER_MINUTE: '100000' });
    db = await openPostgres({ connectionString: (backend.server.target as { databaseUrl: string }).databaseUrl, maxConnections: 1 });
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
  }, 180_000);
  afterAll(async () => {
    await db?.close();
    await backend?.stop();
  });

  const count = async (table: string) => Number((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);

  it('POST /api/login: a 4xx for anything but a right password, never a 5xx, and no session or device made', async () => {
    const body = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          email: fc.oneof(text, fc.constantFrom('alice@example.com', 'bob@example.com')),
          password: text,
          session: fc.constantFrom('cookie', 'token', undefined),
        }),
      },
      { weight: 1, arbitrary: junk },
    );
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        const [sessions, devices] = [await count('sessions'), await count('known_devices')];
        const answer = await requestFrom(`${backend.url}/api/login`, { from: from(), json: request });
        expect(answer.status, answer.body).toBeGreaterThanOrEqual(400);
        expect(answer.status, answer.body).toBeLessThan(500);
        expect(JSON.parse(answer.body)).toHaveProperty('error.code');
        expect([await count('sessions'), await count('known_devices')]).toEqual([sessions, devices]);
      }),
      { numRuns: 120 },
    );
  });

  it('POST /api/telemetry: 200 storing at most what it received, or a 4xx that stores nothing; never a 5xx', async () => {
    const detail = fc.dictionary(text, fc.oneof(text, fc.double(), fc.boolean(), fc.constant(null), junk), { maxKeys: 4 });
    const event = fc.record({
      id: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: text }),
      kind: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('reachability', 'breaker', 'failover', 'outbox') }, { weight: 1, arbitrary: text }),
      at: fc.oneof(
        { weight: 4, arbitrary: fc.date({ min: new Date('2001-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) },
        { weight: 1, arbitrary: text },
      ),
      detail,
    });
    const body = fc.oneof({ weight: 6, arbitrary: fc.record({ events: fc.array(event, { minLength: 0, maxLength: 3 }) }) }, { weight: 1, arbitrary: junk });
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        const before = await count('client_events');
        const response = await alice.raw('/api/telemetry', { method: 'POST', json: request });
        const answer = (await response.json()) as { received?: number; stored?: number; error?: { code: string } };
        expect(response.status, JSON.stringify(answer)).toBeLessThan(500);
        const after = await count('client_events');
        if (response.status === 200) expect(after - before).toBe(answer.stored);
        else {
          expect(answer.error?.code).toBeTruthy();
          expect(after).toBe(before);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/csp-reports: 204 or a 4xx for any content type and body, never a 5xx', async () => {
    const contentType = fc.constantFrom(
      'application/csp-report',
      'application/reports+json',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '',
    );
    const body = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({
          'csp-report': fc.dictionary(
            fc.constantFrom('blocked-uri', 'violated-directive', 'document-uri', 'line-number', 'x'),
            fc.oneof(text, fc.integer(), junk),
          ),
        })
        .map((value) => JSON.stringify(value)),
      fc
        .array(fc.record({ type: fc.constant('csp-violation'), body: fc.dictionary(fc.constantFrom('blockedURL', 'effectiveDirective', 'documentURL'), text) }))
        .map((value) => JSON.stringify(value)),
      text,
      fc.constant('x'.repeat(20_000)),
    );
    await fc.assert(
      fc.asyncProperty(contentType, body, async (type, payload) => {
        const answer = await requestFrom(`${backend.url}/api/csp-reports`, {
          from: from(),
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body: payload,
        });
        expect(answer.status, answer.body).toBeLessThan(500);
        if (answer.status !== 204) expect(JSON.parse(answer.body)).toHaveProperty('error.code');
      }),
      { numRuns: 150 },
    );
  });
});
