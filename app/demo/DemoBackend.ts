import { PGlite } from '@electric-sql/pglite';
import { normalizeEmail, type ActionEnvelope } from 'holdfast/core';
import {
  ActionEngine,
  ApiError,
  applyMigrations,
  maxCounted,
  MissingTargetsError,
  parseOr400,
  pgliteDatabase,
  syncQuery,
  type ActorContext,
  type Database,
} from 'holdfast/server-core';
import { conversationApplier, existingConversations } from '../server/conversationApplier.js';
import { countChangesAfter, getConversation, listAgents, listCannedReplies, listConversations, syncSince } from '../server/readModels.js';
import { idParams, listQuery, presenceBody } from '../server/routes/readQueries.js';
import { beatPresence } from '../server/presence.js';
import { demoAgentEmails, isSeeded, seedDemo } from '../server/seed/seedDemo.js';
import { conversationNotFound } from '../server/workspaceErrors.js';
import { createWorkspaceAction, workspaceActions } from '../shared/index.js';
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
 * - sign-in takes any password (a demo has no secrets), and a session token names its agent, so a
 *   session outlives the worker (a reload) without a sessions table;
 * - attachment URLs point at `/media/<id>`, served by this backend (no signing: nothing to protect).
 */
export class DemoBackend {
  readonly #engine: ActionEngine<unknown>;
  readonly #changeListeners = new Set<(tenantId: string) => void>();

  private constructor(readonly db: Database) {
    this.#engine = new ActionEngine({
      db,
      applier: conversationApplier,
      existingTargets: existingConversations,
      onChange: (tenantId) =>
        this.#changeListeners.forEach((listener) => {
          listener(tenantId);
        }),
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

  async #sessionOf(token: string): Promise<Session | null> {
    const agentId = token.startsWith(demoTokenPrefix) ? token.slice(demoTokenPrefix.length) : '';
    if (!/^[0-9a-f-]{36}$/.test(agentId)) return null;
    const { rows } = await this.db.query<AgentRow>(`${agentQuery} WHERE a.id = $1`, [agentId]);
    return rows[0] ? toSession(rows[0]) : null;
  }

  /**
   * The rest of the demo's team at work, now and then: a customer writes in, or a colleague takes an
   * unassigned conversation (through the action engine, as that colleague). So live updates, and conflicts
   * with what the visitor does, can be seen without a second browser.
   */
  async colleaguesAct(random: () => number = Math.random): Promise<string> {
    const { rows: tenants } = await this.db.query<{ id: string }>(`SELECT id FROM tenants WHERE name = 'Acme Support'`);
    const tenantId = tenants[0]?.id;
    if (!tenantId) return 'no demo tenant';
    const { rows: open } = await this.db.query<{ id: string; customer_name: string; assignee_id: string | null; version: number }>(
      `SELECT id, customer_name, assignee_id, version FROM conversations WHERE tenant_id = $1 AND status = 'open' ORDER BY last_message_at DESC LIMIT 20`,
      [tenantId],
    );
    const target = open[Math.floor(random() * open.length)];
    if (!target) return 'nothing open';
    const unassigned = open.find((conversation) => conversation.assignee_id === null);
    if (unassigned && random() < 0.4) {
      const { rows: colleagues } = await this.db.query<AgentRow>(`${agentQuery} WHERE a.tenant_id = $1 AND a.email <> 'alice@example.com' ORDER BY a.email`, [
        tenantId,
      ]);
      const colleague = colleagues[Math.floor(random() * colleagues.length)]!;
      const session = toSession(colleague);
      await this.#engine.applyBatch(session, [
        createWorkspaceAction('assign', unassigned.id, { assigneeId: session.agentId }, { baseVersion: unassigned.version }),
      ]);
      return `${session.agentName} took the conversation with ${unassigned.customer_name}`;
    }
    const line = customerFollowUps[Math.floor(random() * customerFollowUps.length)]!;
    await this.db.transaction(async (tx) => {
      // The same per-tenant lock as the action engine: change numbers become visible in order.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [tenantId]);
      await tx.query(
        `INSERT INTO messages (id, tenant_id, conversation_id, author_kind, author_agent_id, author_name, body, created_at)
         VALUES ($1, $2, $3, 'customer', NULL, $4, $5, clock_timestamp())`,
        [crypto.randomUUID(), tenantId, target.id, target.customer_name, line],
      );
      await tx.query(
        `UPDATE conversations SET message_count = message_count + 1, last_message_at = clock_timestamp(), last_message_preview = left($3, 140),
           updated_at = now(), change_seq = nextval('change_seq') WHERE tenant_id = $1 AND id = $2`,
        [tenantId, target.id, line],
      );
    });
    this.#changeListeners.forEach((listener) => {
      listener(tenantId);
    });
    return `${target.customer_name} wrote in`;
  }

  async #route({ method, path, token, body }: DemoRequest): Promise<DemoResponse> {
    const url = new URL(path, 'http://demo.invalid');
    const query = Object.fromEntries(url.searchParams);
    const json = (value: unknown, status = 200): DemoResponse => ({ status, contentType: 'application/json', body: value });
    const route = `${method} ${url.pathname}`;

    if (route === 'GET /api/health') return json({ ok: true, database: 'pglite' });
    // The demo's agents, for the sign-in hint and the one-click start; `password: null`: any password.
    if (route === 'GET /api/demo-accounts') return json({ accounts: demoAgentEmails, password: null });
    if (route === 'POST /api/login') {
      const { email } = parseBody<{ email?: unknown }>(body);
      if (typeof email !== 'string' || email.trim() === '')
        throw new ApiError('invalid-request', undefined, 'The request does not match the expected shape: email: email is required.');
      const { rows } = await this.db.query<AgentRow>(`${agentQuery} WHERE a.email = $1`, [normalizeEmail(email)]);
      const found = rows[0];
      if (!found) throw new ApiError('invalid-credentials');
      const session = toSession(found);
      return json({ token: `${demoTokenPrefix}${session.agentId}`, ...describeSession(session) });
    }
    if (url.pathname.startsWith('/media/') && method === 'GET') {
      const id = url.pathname.slice('/media/'.length);
      const { rows } = await this.db.query<{ content_type: string; bytes: Uint8Array }>('SELECT content_type, bytes FROM media WHERE id::text = $1', [id]);
      if (!rows[0]) throw new ApiError('not-found');
      return { status: 200, contentType: rows[0].content_type, body: rows[0].bytes };
    }

    if (!token) throw new ApiError('unauthenticated');
    const session = await this.#sessionOf(token);
    if (!session) throw new ApiError('invalid-token');
    const { tenantId, agentId } = session;

    if (route === 'GET /api/me') return json(describeSession(session));
    if (route === 'POST /api/logout') return json({ ok: true });
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
    if (route === 'POST /api/presence') {
      const beat = parseOr400(presenceBody, parseBody(body));
      const viewers = await this.db.transaction((tx) => beatPresence(tx, { tenantId, agentId, conversationId: beat.conversationId }, beat));
      if (!viewers) throw new ApiError(conversationNotFound);
      return json({ viewers });
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

/** A demo session token: the agent it belongs to (nothing in the demo is secret). */
const demoTokenPrefix = 'demo-agent:';

type AgentRow = { agent_id: string; agent_name: string; agent_email: string; tenant_id: string; tenant_name: string };
const agentQuery = `SELECT a.id AS agent_id, a.name AS agent_name, a.email AS agent_email, t.id AS tenant_id, t.name AS tenant_name
  FROM agents a JOIN tenants t ON t.id = a.tenant_id`;
const toSession = (row: AgentRow): Session => ({
  tenantId: row.tenant_id,
  agentId: row.agent_id,
  agentName: row.agent_name,
  agentEmail: row.agent_email,
  tenantName: row.tenant_name,
});

const customerFollowUps = [
  'Any news on this? I am still waiting.',
  'Thanks — one more question: can I change the delivery address?',
  'I tried again and it still does not work.',
  'Never mind, it arrived this morning. Thank you!',
  'Could you call me back when you have a moment?',
];

const mediaUrls = { url: (_tenantId: string, mediaId: string) => `/media/${mediaId}` };

function describeSession(session: Session) {
  return { agent: { id: session.agentId, name: session.agentName, email: session.agentEmail }, tenant: { id: session.tenantId, name: session.tenantName } };
}

function parseBody<T>(body: string | undefined): T {
  try {
    return JSON.parse(body ?? '') as T;
  } catch (error) {
    throw new ApiError('invalid-json', undefined, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
