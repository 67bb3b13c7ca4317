import {
  apiRequestHeaders,
  browserOutboxPlatform,
  browserReachabilityPlatform,
  clearReplayCredentials,
  DeltaSync,
  ExternalStore,
  httpBatchTransport,
  OutboxClient,
  outboxDatabaseName,
  PendingOverlay,
  probeFor,
  ReachabilityMonitor,
  saveReplayCredentials,
  wipeLocalData,
  type OutboxSnapshot,
  type Reachability,
  type SettledActions,
} from 'holdfast/client';
import { applyTaskAction, newTaskAction, type TaskActionPayloads, type TaskActionType } from '../shared/taskActions.js';
import { compactTaskActions } from '../shared/taskCompaction.js';
import type { Member, Task, TaskSyncPage } from '../shared/taskTypes.js';
import { outboxScopeOf, wipeMessage } from '../shared/names.js';
import { openTaskDatabase, taskDatabaseName, type TaskDatabase } from './taskDatabase.js';
import type { SignedIn, TasksApi } from './tasksApi.js';

/** A task as the member sees it: the server's, with their queued actions drawn over it. */
export type TaskView = Task & { pending: boolean };

export type TasksState = {
  loaded: boolean;
  tasks: readonly TaskView[];
  members: readonly Member[];
  outbox: OutboxSnapshot;
  reachability: Reachability;
  sessionExpired: boolean;
};

export type TaskStoreOptions = { api: TasksApi; signedIn: SignedIn; pollMs?: number };

/**
 * The task list's state, on the framework's client runtime: the local copy in IndexedDB (shown first,
 * with no network), delta sync into it, the outbox for every change, and the pending overlay that draws
 * queued actions over the server's tasks with the same `applyTo` the server applies.
 */
export class TaskStore {
  readonly #view: ExternalStore<TasksState>;
  readonly #options: Required<TaskStoreOptions>;
  readonly #outbox: OutboxClient;
  readonly #sync: DeltaSync<TaskSyncPage>;
  readonly #reachability: ReachabilityMonitor;
  readonly #overlay = new PendingOverlay();
  readonly #db: Promise<TaskDatabase>;
  readonly #scope: string;
  #server = new Map<string, Task>();
  #poll: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(options: TaskStoreOptions) {
    this.#options = { pollMs: 5000, ...options };
    const { api, signedIn } = options;
    this.#scope = outboxScopeOf(signedIn.tenant.id, signedIn.agent.id);
    this.#db = openTaskDatabase(signedIn.tenant.id, signedIn.agent.id);
    this.#reachability = new ReachabilityMonitor(browserReachabilityPlatform((signal) => api.probe(signal)));
    this.#outbox = new OutboxClient({
      scope: this.#scope,
      transport: httpBatchTransport({ url: '/api/actions', headers: () => (this.#stopped ? null : apiRequestHeaders) }),
      platform: browserOutboxPlatform(),
      probe: probeFor('/readyz'),
      compaction: compactTaskActions,
      onSettled: (settled) => void this.#onSettled(settled),
      onPaused: () => this.#view.set({ sessionExpired: true }),
      onReachable: () => this.#reachability.reportSuccess(),
      onUnreachable: () => this.#reachability.reportFailure(),
    });
    this.#view = new ExternalStore<TasksState>({
      loaded: false,
      tasks: [],
      members: [],
      outbox: this.#outbox.snapshot,
      reachability: this.#reachability.state,
      sessionExpired: false,
    });
    this.#outbox.subscribe(() => this.#publish());
    this.#sync = new DeltaSync<TaskSyncPage>({
      fetchPage: (cursor, signal) => api.sync(cursor, signal),
      applyPage: (page) => this.#applyPage(page),
      readCursor: async () => (await (await this.#db).get('meta', 'cursor')) ?? '0',
    });
  }

  subscribe = (listener: () => void) => this.#view.subscribe(listener);
  getSnapshot = () => this.#view.getSnapshot();

  get me(): Member {
    return this.#options.signedIn.agent;
  }

  /** Shows the local copy at once, then connects: outbox replay, sync, the team. */
  async start(): Promise<void> {
    const db = await this.#db;
    const [tasks, members] = await Promise.all([db.getAll('tasks'), db.getAll('members')]);
    this.#server = new Map(tasks.map((task) => [task.id, task]));
    this.#view.set({ loaded: true, members: sortByName(members) });
    this.#publish();
    if (this.#stopped) return;
    // For Background Sync after every tab is closed: where to send, with the CSRF header (no secret).
    await saveReplayCredentials({ scope: this.#scope, endpoint: '/api/actions', headers: apiRequestHeaders, probeUrl: '/readyz' });
    this.#reachability.subscribe((reachability) => {
      this.#view.set({ reachability });
      if (reachability === 'online') {
        this.#outbox.serverReachable();
        void this.syncNow();
      }
    });
    await this.#outbox.start();
    this.#reachability.start();
    this.#poll = setInterval(() => {
      if (this.#reachability.state === 'online') void this.syncNow();
    }, this.#options.pollMs);
    void this.syncNow();
    void this.#refreshMembers();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#poll);
    this.#view.close();
    this.#reachability.stop();
    await this.#outbox.stop();
    (await this.#db).close();
  }

  /** Pulls every change since the stored cursor; a failure only marks the server unreachable. */
  async syncNow(): Promise<void> {
    const landed = this.#overlay.syncStarting();
    try {
      await this.#sync.pull();
      this.#reachability.reportSuccess();
      if (landed()) this.#publish();
    } catch {
      this.#reachability.reportFailure();
    }
  }

  /** Creates a task, offline or not: its id is chosen here, so later actions can name it at once. */
  async create(title: string, notes = ''): Promise<string> {
    const id = crypto.randomUUID();
    await this.#enqueue('create', id, { title, notes });
    return id;
  }
  edit(taskId: string, payload: TaskActionPayloads['edit']) {
    return this.#enqueue('edit', taskId, payload);
  }
  complete(taskId: string, done: boolean) {
    return this.#enqueue('complete', taskId, { done });
  }
  assign(taskId: string, assigneeId: string | null) {
    return this.#enqueue('assign', taskId, { assigneeId });
  }
  retry(actionId: string) {
    return this.#outbox.retry(actionId);
  }
  discard(actionId: string) {
    return this.#outbox.discard(actionId);
  }

  /** Sign-out: the server session ends (when reachable), and this member's local data goes. */
  async signOut(): Promise<void> {
    await this.#options.api.signOut().catch(() => undefined);
    await this.stop();
    const { tenant, agent } = this.#options.signedIn;
    await clearReplayCredentials(this.#scope);
    await wipeLocalData({ databases: [taskDatabaseName(tenant.id, agent.id), outboxDatabaseName(this.#scope)], isUserDataCache: () => false, workerMessage: wipeMessage });
  }

  /**
   * An action on a task created offline depends on that creation while it is still queued: the outbox
   * sends the creation first and never compacts it away.
   */
  async #enqueue<Type extends TaskActionType>(type: Type, taskId: string, payload: TaskActionPayloads[Type]): Promise<void> {
    const creation = this.#outbox.snapshot.pending.find((entry) => entry.action.type === 'create' && entry.action.targetId === taskId);
    await this.#outbox.enqueue(newTaskAction(type, taskId, payload), creation ? { dependsOn: [creation.action.id] } : undefined);
  }

  /** Applied actions stay drawn until a sync brings them; the state the server answered is kept at once. */
  async #onSettled({ applied, removed }: SettledActions): Promise<void> {
    const appliedIds = new Set(applied.map((result) => result.action.id));
    this.#overlay.confirm(removed.filter((action) => appliedIds.has(action.id)));
    const answered = applied.flatMap((result) => (isTask(result.state) ? [result.state] : []));
    const newer = answered.filter((task) => (this.#server.get(task.id)?.version ?? 0) < task.version);
    if (newer.length > 0) {
      for (const task of newer) this.#server.set(task.id, task);
      // Kept locally too, so a reload before the next sync still shows them (the cursor is not moved).
      const tx = (await this.#db).transaction('tasks', 'readwrite');
      await Promise.all([...newer.map((task) => tx.store.put(task)), tx.done]);
    }
    this.#publish();
    void this.syncNow();
  }

  async #applyPage(page: TaskSyncPage): Promise<void> {
    const tx = (await this.#db).transaction(['tasks', 'meta'], 'readwrite');
    await Promise.all([...page.tasks.map((task) => tx.objectStore('tasks').put(task)), tx.objectStore('meta').put(page.cursor, 'cursor'), tx.done]);
    for (const task of page.tasks) this.#server.set(task.id, task);
    this.#publish();
  }

  async #refreshMembers(): Promise<void> {
    try {
      const { members } = await this.#options.api.members(AbortSignal.timeout(5000));
      const tx = (await this.#db).transaction('members', 'readwrite');
      await Promise.all([tx.store.clear(), ...members.map((member) => tx.store.put(member)), tx.done]);
      this.#view.set({ members: sortByName(members) });
    } catch {
      // Offline: the stored team stays.
    }
  }

  #publish(): void {
    const outbox = this.#outbox.snapshot;
    const failedIds = new Set(outbox.failed.map((failed) => failed.action.id));
    const overlays = this.#overlay.byTarget(
      outbox.pending.map((entry) => entry.action),
      failedIds,
    );
    const tasks = new Map<string, TaskView>([...this.#server].map(([id, task]) => [id, { ...task, pending: false }]));
    for (const [id, { pending, confirmed }] of overlays) {
      let task: Task | undefined = this.#server.get(id);
      for (const action of [...confirmed, ...pending]) task = applyTaskAction(task, action, this.me.id);
      if (task) tasks.set(id, { ...task, pending: pending.length > 0 });
    }
    this.#view.set({ outbox, tasks: [...tasks.values()].sort(byOpenThenTitle) });
  }
}

const isTask = (state: unknown): state is Task => typeof state === 'object' && state !== null && 'title' in state && 'version' in state;
const sortByName = (members: readonly Member[]) => [...members].sort((a, b) => a.name.localeCompare(b.name));
const byOpenThenTitle = (a: Task, b: Task) => Number(a.done) - Number(b.done) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
