import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../app/shared/index.js';
import { TestApi } from '../support/testApi.js';
import { backendKinds, TestBackend } from './backends.js';

/**
 * Property-based fuzz of the action protocol and the reads, against a real server on PGlite and on
 * PostgreSQL: arbitrary Unicode (NUL, lone surrogates, RTL overrides, emoji, zero-width), numbers, dates,
 * nesting and sizes in every field. Every answer is a 200 with one result per action, or a 4xx with a
 * code — never a 5xx — and a 4xx changes nothing (the tenant's change cursor stays where it was).
 */
const specials = [
  '\u0000',
  '\ud800',
  '\udfff',
  'a\ud83d',
  '\u202eevil',
  '\u200b',
  '\u200b\u200d\ufeff',
  '😀',
  '👩‍👩‍👧',
  'x'.repeat(10_001),
  '',
  ' ',
  '\\u0000',
  '%00',
  "'; DROP TABLE messages; --",
  '<script>alert(1)</script>',
];
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...specials),
  fc.string({ unit: 'binary', maxLength: 3 }).map((s) => `ok ${s}`),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 31 - 1, 2 ** 53, 1e300, -0), fc.bigInt().map(String));
const date = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom(
    '0000-01-01T00:00:00Z',
    '2023-02-31T10:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-01-01T24:00:00Z',
    '2026-13-01T00:00:00Z',
    '1970-01-01T00:00:00+14:00',
    'yesterday',
  ),
  text,
);
const uuid = fc.oneof(fc.uuid(), text, fc.constant('00000000-0000-0000-0000-000000000000'));
/** Percent-encodes the text's UTF-8 bytes (a lone surrogate becomes U+FFFD's, as any client would send). */
const percentEncode = (value: string) => [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const junk = fc.anything({ maxDepth: 4, withNullPrototype: false, withBigInt: false });

describe.each(backendKinds)('fuzzing the protocol on %s', (kind) => {
  let backend: TestBackend;
  let alice: TestApi;
  let conversations: Conversation[];
  let agentIds: string[];

  beforeAll(async () => {
    backend = await TestBackend.start(kind);
    alice = await TestApi.signIn(backend.url, 'alice@example.com');
    conversations = (await alice.conversations()).slice(0, 5);
    agentIds = (await alice.json<{ agents: { id: string }[] }>('/api/agents')).agents.map((agent) => agent.id);
  });
  afterAll(() => backend?.stop());

  // The tenant's newest change sequence, followed page by page from the last one seen.
  let known = '0';
  async function sinceNow(): Promise<string> {
    for (;;) {
      const page = await alice.json<{ cursor: string; hasMore: boolean }>(`/api/sync?cursor=${known}&limit=1000`);
      known = page.cursor;
      if (!page.hasMore) return known;
    }
  }

  it('POST /api/actions: 200 with a result per action, or a 4xx with a code that changed nothing; never a 5xx', async () => {
    // Mostly well-formed actions with odd values where values go (so the server's storage is reached),
    // and now and then a field replaced by anything at all (so validation is reached).
    const ids = conversations.map((conversation) => conversation.id);
    const typed = fc.oneof(
      fc.record({ type: fc.constant('send'), payload: fc.record({ text }) }),
      fc.record({ type: fc.constantFrom('close', 'reopen'), payload: fc.constant({}) }),
      fc.record({ type: fc.constant('assign'), payload: fc.record({ assigneeId: fc.oneof(fc.constant(null), fc.constantFrom(...agentIds), uuid) }) }),
    );
    const wellFormed = fc
      .record({
        id: fc.uuid({ version: 7 }),
        targetId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: uuid }),
        createdAt: fc.oneof(
          { weight: 3, arbitrary: fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString()) },
          { weight: 1, arbitrary: date },
        ),
        baseVersion: fc.option(fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: number }), { nil: undefined }),
        typed,
      })
      .map(({ typed: { type, payload }, baseVersion, ...rest }) => ({ ...rest, type, payload, ...(baseVersion === undefined ? {} : { baseVersion }) }));
    const field = fc.constantFrom('id', 'type', 'targetId', 'payload', 'createdAt', 'baseVersion');
    const action = fc.oneof(
      { weight: 4, arbitrary: wellFormed },
      { weight: 1, arbitrary: fc.tuple(wellFormed, field, fc.oneof(text, number, junk)).map(([base, name, value]) => ({ ...base, [name]: value })) },
    );
    const body = fc.oneof({ weight: 8, arbitrary: fc.record({ actions: fc.array(action, { minLength: 1, maxLength: 4 }) }) }, { weight: 1, arbitrary: junk });
    await sinceNow();
    await fc.assert(
      fc.asyncProperty(body, async (request) => {
        const before = known;
        const response = await alice.raw('/api/actions', { method: 'POST', json: request });
        const answer = (await response.json()) as { results?: { id: string; status: string }[]; error?: { code: string } };
        expect(response.status, JSON.stringify(answer)).toBeLessThan(500);
        if (response.status === 200) {
          expect(answer.results).toHaveLength((request as { actions: unknown[] }).actions.length);
          await sinceNow();
        } else {
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(typeof answer.error?.code).toBe('string');
          expect(await sinceNow()).toBe(before);
        }
      }),
      { numRuns: 300, seed: 20261125 },
    );
  });

  it('reads, sign-in and the event stream: no input makes them fail with a 5xx', async () => {
    const read = fc.oneof(
      fc.record({
        path: fc.constant('/api/sync'),
        query: fc.record({ cursor: fc.oneof(text, number.map(String)), limit: fc.oneof(text, number.map(String)) }),
      }),
      fc.record({
        path: fc.constant('/api/conversations'),
        query: fc.record({ q: text, view: fc.oneof(text, fc.constantFrom('mine', 'all')), limit: number.map(String) }),
      }),
      fc.record({
        path: fc.oneof(
          uuid.map((id) => `/api/conversations/${percentEncode(id)}`),
          fc.constantFrom('/api/conversations/%ED%A0%80', '/api/conversations/%00', '/api/conversations/%'),
        ),
        query: fc.constant({}),
      }),
      fc.record({ path: fc.constant('/api/events'), query: fc.record({ cursor: fc.oneof(text, number.map(String)) }) }),
    );
    await fc.assert(
      fc.asyncProperty(read, fc.option(text), async ({ path, query }, lastEventId) => {
        const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
        const headers: Record<string, string> = {};
        // As raw bytes on the wire: the header is the text's UTF-8, less what HTTP cannot carry in a header.
        if (lastEventId !== null)
          // biome-ignore lint/suspicious/noControlCharactersInRegex: a header cannot carry these control characters: dropped before sending
          headers['last-event-id'] = Buffer.from(lastEventId.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, ''), 'utf8').toString('latin1');
        const controller = new AbortController();
        const response = await alice.raw(`${path}?${search}`, { headers, signal: controller.signal });
        // A stream may be refused while earlier ones are still closing: 503 with Retry-After, by design.
        const refusedStream = path === '/api/events' && response.status === 503 && response.headers.has('retry-after');
        expect(refusedStream || response.status < 500, `${path}?${search}: ${response.status}`).toBe(true);
        controller.abort();
      }),
      { numRuns: 200, seed: 11 },
    );
    await fc.assert(
      fc.asyncProperty(fc.record({ email: text, password: text }), async (credentials) => {
        const response = await new TestApi(backend.url).raw('/api/login', { method: 'POST', json: credentials });
        // 400 (not an email), 401 (wrong), or 429 once the address's limit is reached: never a 5xx.
        expect([400, 401, 429]).toContain(response.status);
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
