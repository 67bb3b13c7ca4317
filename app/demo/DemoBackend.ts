import { PGlite } from '@electric-sql/pglite';
import type { ActionEnvelope } from 'holdfast/core';
import { ActionEngine, ApiError, applyMigrations, maxCounted, MissingTargetsError, parseOr400, pgliteDatabase, syncQuery, type ActorContext, type Database } from 'holdfast/server-core';
import { conversationApplier, existingConversations } from '../../server/workspace/conversationApplier.js';
import { countChangesAfter, getConversation, listAgents, listCannedReplies, listConversations, syncSince } from '../../server/workspace/readModels.js';
import { idParams, listQuery } from '../../server/workspace/routes/readQueries.js';
import { isSeeded, seedDemo } from '../../server/workspace/seed/seedDemo.js';
import { conversationNotFound } from '../../server/workspace/workspaceErrors.js';
import { workspaceActions } from '../../shared/workspace/index.js';
import { browserSeedPlatform } from './browserSeedPlatform.js';
import { demoMigrations } from './demoMigrations.js';

/** A request as the page would send it over HTTP: the path with its query, the bearer token, the raw body. */
export type DemoRequest = { method: string; path: string; token?: string | null; body?: string };
export type DemoResponse = { status: number; contentType: string; body: unknown };

type Session = ActorContext & { agentEmail: string; tenantName: string };

/**
 * The workspace's backend inside the browser, for the demo: the server's own SQL migrations, seed, action
 * engine and conversation applier, and its read models, on PGlite (kept in IndexedDB). Only the HTTP layer
 * is this file's: it routes a request to the same functions the server's routes call, validates with the
 * same schemas, and answers the same bodies and error codes. What differs, and why:
 * - sign-in takes any password (a demo has no secrets) and sessions live in memory;
 * - attachment URLs point at `/media/<id>`, served by this backend (no signing: nothing to protect).
 */
export class DemoBackend {
  readonly #sessions = new Map<string, Session>();
  readonly #engine: ActionEngine<unknown>;
  readonly #changeListeners = new Set<(tenantId: string) => void>();

  private constructor(readonly db: Database) {
    this.#engine = new ActionEngine({
      db,
      applier: conversationApplier,
      existingTargets: existingConversations,
      onChange: (tenantId) => this.#changeListeners.forEach((listener) => listener(tenantId)),
    });
  }

  /** Opens (or creates, migrates and seeds) the demo database: `idb://<name>` keeps it across reloads, `memory://` for tests. */
  static async open(dataDir: string): Promise<DemoBackend> {
    const db = pgliteDatabase(await PGlite.create({ dataDir }));
    await applyMigrations(db, demoMigrations);
    if (!(await isSeeded(db))) await seedDemo(db, browserSeedPlatform);
    return new DemoBackend(db);
  }

  /** Called after every batch that changed a tenant (the live updates of the demo's event stream). */
  onChange(listener: (tenantId: string) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  async request(request: DemoRequest): Promise<DemoResponse> {
    try {
      return await this.#route(request);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError('internal');
      if (!(error instanceof ApiError)) console.error('demo backend:', error);
      return { status: apiError.status, contentType: 'application/json', body: apiError.toBody() };
    }
  }

  async #route({ method, path, token, body }: DemoRequest): Promise<DemoResponse> {
    const url = new URL(path, 'http://demo.invalid');
    const query = Object.fromEntries(url.searchParams);
    const json = (value: unknown, status = 200): DemoResponse => ({ status, contentType: 'application/json', body: value });
    const route = `${method} ${url.pathname}`;

    if (route === 'GET /api/health') return json({ ok: true, database: 'pglite' });
    if (route === 'POST /api/login') {
      const { email } = parseBody<{ email?: unknown }>(body);
      if (typeof email !== 'string' || email.trim() === '') throw new ApiError('invalid-request', undefined, 'The request does not match the expected shape: email: email is required.');
      const { rows } = await this.db.query<{ agent_id: string; agent_name: string; agent_email: string; tenant_id: string; tenant_name: string }>(
        `SELECT a.id AS agent_id, a.name AS agent_name, a.email AS agent_email, t.id AS tenant_id, t.name AS tenant_name
         FROM agents a JOIN tenants t ON t.id = a.tenant_id WHERE lower(a.email) = lower($1)`,
        [email.trim()],
      );
      const found = rows[0];
      if (!found) throw new ApiError('invalid-credentials');
      const session: Session = { tenantId: found.tenant_id, agentId: found.agent_id, agentName: found.agent_name, agentEmail: found.agent_email, tenantName: found.tenant_name };
      const newToken = crypto.randomUUID();
      this.#sessions.set(newToken, session);
      return json({ token: newToken, ...describe(session) });
    }
    if (url.pathname.startsWith('/media/') && method === 'GET') {
      const id = url.pathname.slice('/media/'.length);
      const { rows } = await this.db.query<{ content_type: string; bytes: Uint8Array }>('SELECT content_type, bytes FROM media WHERE id::text = $1', [id]);
      if (!rows[0]) throw new ApiError('not-found');
      return { status: 200, contentType: rows[0].content_type, body: rows[0].bytes };
    }

    const session = token ? this.#sessions.get(token) : undefined;
    if (!token) throw new ApiError('unauthenticated');
    if (!session) throw new ApiError('invalid-token');
    const { tenantId, agentId } = session;

    if (route === 'GET /api/me') return json(describe(session));
    if (route === 'POST /api/logout') {
      this.#sessions.delete(token);
      return json({ ok: true });
    }
    if (route === 'GET /api/agents') return json({ agents: await listAgents(this.db, tenantId) });
    if (route === 'GET /api/canned-replies') return json({ cannedReplies: await listCannedReplies(this.db, tenantId) });
    if (route === 'GET /api/conversations') return json({ conversations: await listConversations(this.db, tenantId, agentId, parseOr400(listQuery, query)) });
    if (method === 'GET' && url.pathname.startsWith('/api/conversations/')) {
      const { id } = parseOr400(idParams, { id: decodeURIComponent(url.pathname.slice('/api/conversations/'.length)) });
      const found = await getConversation(this.db, tenantId, id, mediaUrls);
      if (!found) throw new ApiError(conversationNotFound);
      return json(found);
    }
    if (route === 'GET /api/sync') {
      const { cursor, limit, count } = parseOr400(syncQuery, query);
      const page = await syncSince(this.db, tenantId, BigInt(cursor), limit, mediaUrls);
      return json(count ? { ...page, remaining: await countChangesAfter(this.db, tenantId, BigInt(cursor), maxCounted) } : page);
    }
    if (route === 'POST /api/actions') {
      const { actions } = parseOr400(workspaceActions.batchSchema(), parseBody(body));
      try {
        return json({ results: await this.#engine.applyBatch(session, actions as ActionEnvelope[]) });
      } catch (error) {
        if (error instanceof MissingTargetsError) throw new ApiError(conversationNotFound, { conversationIds: error.ids });
        throw error;
      }
    }
    throw new ApiError('not-found');
  }
}

const mediaUrls = { url: (_tenantId: string, mediaId: string) => `/media/${mediaId}` };

function describe(session: Session) {
  return { agent: { id: session.agentId, name: session.agentName, email: session.agentEmail }, tenant: { id: session.tenantId, name: session.tenantName } };
}

function parseBody<T>(body: string | undefined): T {
  try {
    return JSON.parse(body ?? '') as T;
  } catch (error) {
    throw new ApiError('invalid-json', undefined, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
