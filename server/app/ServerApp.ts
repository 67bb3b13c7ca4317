import type { FastifyInstance } from 'fastify';
import type { ZodType } from 'zod';
import type { ActionEnvelope } from '../../shared/index.js';
import type { BatchApplier, TargetLookup } from '../actions/ActionEngine.js';
import type { Queryable } from '../db/Database.js';
import type { MigrationSet } from '../db/migrate.js';
import type { ApiError } from '../http/ApiError.js';
import type { ServerContext } from '../http/ServerContext.js';

/** A page of delta sync: the app's changed rows (any shape) and the cursor after them. */
export type ChangePage = { cursor: string; hasMore: boolean };

/** Who reads a page: the signed-in member of a tenant (the session's). */
export type Viewer = { tenantId: string; memberId: string };

/**
 * How an app's changes are read: the framework serves `GET /api/sync` and the live stream
 * `GET /api/events` from these, so both carry the same pages. Every read is bounded by tenant. Rows take
 * their `change_seq` from the shared `change_seq` sequence when they change; a page is "what changed after
 * `cursor`, oldest first, at most `limit` items", and its cursor is the last sequence number in it.
 */
export type ChangeModel<Page extends ChangePage = ChangePage> = {
  /**
   * The tenant's changes after `cursor`, oldest first; the page's cursor is its last change's sequence. A
   * page read with several statements (a table each) must bound them all by the tenant's newest sequence,
   * read first: on a pool each statement has a snapshot of its own, and a change committed between them
   * could be in one list and missing from the other, below the page's cursor — skipped for good.
   */
  page(db: Queryable, tenantId: string, cursor: bigint, limit: number): Promise<Page>;
  /** How many changed items a page holds (the stream counts them against its catch-up cap). */
  itemCount(page: Page): number;
  /** The newest change sequence of each tenant (0 for one with no data). */
  latestSequences(db: Queryable, tenantIds: readonly string[]): Promise<Map<string, bigint>>;
  /** How many changes a tenant has after `cursor`, counted up to `limit` (and no further: cheap however far behind). */
  countChangesAfter(db: Queryable, tenantId: string, cursor: bigint, limit: number): Promise<number>;
  /**
   * Per-member data: the part of a tenant's page this member may see (e.g. without other members' private
   * rows). Both `/api/sync` and every event stream apply it to the tenant's page before it is sent; the
   * page keeps its cursor, so a member's cursor moves past what they may not see and never skips what they
   * may. The tenant's page is read once however many members' streams carry it (SharedPageReads), which is
   * why this filters a page rather than reading one per member. Without it, every member sees the whole page.
   */
  visibleTo?(page: Page, viewer: Viewer): Page;
};

/**
 * What an app hands the reference server (`buildServer({ app })`): its actions' validation and server
 * apply, its reads, its own routes and its migrations. The framework owns everything else: sign-in and
 * sessions, the action endpoint with exactly-once apply, delta sync, the event stream, health, security
 * headers, limits, and serving the built app.
 */
export type ServerApp = {
  /** The app's name, for logs. */
  name: string;
  /** Validates `POST /api/actions` bodies: the app's ActionRegistry. */
  actions: { batchSchema(maxActions: number): ZodType<{ actions: ActionEnvelope[] }> };
  applier: BatchApplier<unknown>;
  /** Which targets exist in a tenant. */
  existingTargets: TargetLookup;
  /**
   * Actions that create their target: their target may be missing (the engine refuses every other action
   * on a target that does not exist). An action after one of these in the same batch may use its target.
   */
  createsTarget?: (action: ActionEnvelope) => boolean;
  /** The 404 for actions naming targets that do not exist; default `target-not-found` with `{ targetIds }`. */
  missingTargets?: (ids: string[]) => ApiError;
  /** An app's own page type fits here: its model's methods take it (declare it as `ChangeModel<MyPage>`). */
  changes: ChangeModel;
  /** Routes that need a session (the framework authenticates them first). */
  routes?: (api: FastifyInstance, context: ServerContext) => void;
  /** Routes anyone may call (e.g. signed media URLs). */
  publicRoutes?: (api: FastifyInstance, context: ServerContext) => void;
  /** Path prefixes besides `/api/` that are never the app shell (they answer 404 themselves), e.g. `/media/`. */
  serverPaths?: readonly string[];
  /** The app's migrations, in order, core included (see migrate); /readyz is ready when all are applied. */
  migrations: readonly MigrationSet[];
};
