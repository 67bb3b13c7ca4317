import { createOfflineClient, ExternalStore, type OfflineClient, type OfflineClientState, type SettledActions } from 'holdfast/client';
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
  /** The framework's side: connection, queue, sync, session. */
  client: OfflineClientState;
};

export type TaskStoreOptions = { api: TasksApi; signedIn: SignedIn };

/**
 * The task list's state: its local copy in IndexedDB (shown first, with no network) and its actions. The
 * framework's client (createOfflineClient) does the rest: the outbox, sync, the event stream, reachability
 * and the sign-out wipe; this store says how a page is stored and how an action looks on a task.
 */
export class TaskStore {
  readonly #view: ExternalStore<TasksState>;
  readonly #client: OfflineClient;
  readonly #db: Promise<TaskDatabase>;
  readonly #signedIn: SignedIn;
  readonly #api: TasksApi;
  #server = new Map<string, Task>();

  constructor({ api, signedIn }: TaskStoreOptions) {
    this.#signedIn = signedIn;
    this.#api = api;
    const { tenant, agent } = signedIn;
    this.#db = openTaskDatabase(tenant.id, agent.id);
    this.#client = createOfflineClient<TaskSyncPage>({
      scope: outboxScopeOf(tenant.id, agent.id),
      sync: {
        fetchPage: (cursor, signal) => api.sync(cursor, signal),
        applyPage: (page) => this.#applyPage(page),
        readStoredCursor: async () => (await this.#db).get('meta', 'cursor'),
        isPage: (page) => Array.isArray(page.tasks),
      },
      compaction: compactTaskActions,
      onSettled: (settled) => void this.#onSettled(settled),
      signOut: { endSession: () => api.signOut(), databases: () => [taskDatabaseName(tenant.id, agent.id)], workerMessage: wipeMessage },
    });
    this.#view = new ExternalStore<TasksState>({ loaded: false, tasks: [], members: [], client: this.#client.getSnapshot() });
    this.#client.subscribe(() => this.#publish());
  }

  subscribe = (listener: () => void) => this.#view.subscribe(listener);
  getSnapshot = () => this.#view.getSnapshot();

  get me(): Member {
    return this.#signedIn.agent;
  }

  /** Shows the local copy at once, then connects. */
  async start(): Promise<void> {
    const tx = (await this.#db).transaction(['tasks', 'members', 'meta']);
    const [tasks, members, cursor] = await Promise.all([
      tx.objectStore('tasks').getAll(),
      tx.objectStore('members').getAll(),
      tx.objectStore('meta').get('cursor'),
    ]);
    this.#server = new Map(tasks.map((task) => [task.id, task]));
    this.#client.readFrom(cursor);
    this.#view.set({ loaded: true, members: sortByName(members) });
    this.#publish();
    await this.#client.start();
    void this.#refreshMembers();
  }

  async stop(): Promise<void> {
    this.#view.close();
    await this.#client.stop();
    (await this.#db).close();
  }

  syncNow(): Promise<void> {
    return this.#client.syncNow();
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
    return this.#client.retry(actionId);
  }
  discard(actionId: string) {
    return this.#client.discard(actionId);
  }

  /** Sign-out: this member's local data goes at once, and the server session ends when reachable. */
  async signOut(): Promise<void> {
    this.#view.close();
    await this.#client.signOut();
  }

  /**
   * An action on a task created offline depends on that creation while it is still queued: the outbox
   * sends the creation first and never compacts it away.
   */
  async #enqueue<Type extends TaskActionType>(type: Type, taskId: string, payload: TaskActionPayloads[Type]): Promise<void> {
    const creation = this.#client.getSnapshot().outbox.pending.find((entry) => entry.action.type === 'create' && entry.action.targetId === taskId);
    await this.#client.act(newTaskAction(type, taskId, payload), creation ? { dependsOn: [creation.action.id] } : undefined);
  }

  /** The state the server answered is kept at once, and locally, so a reload before the next sync shows it. */
  async #onSettled({ applied }: SettledActions): Promise<void> {
    const answered = applied.flatMap((result) => (isTask(result.state) ? [result.state] : []));
    const newer = answered.filter((task) => (this.#server.get(task.id)?.version ?? 0) < task.version);
    if (newer.length > 0) {
      for (const task of newer) this.#server.set(task.id, task);
      const tx = (await this.#db).transaction('tasks', 'readwrite');
      await Promise.all([...newer.map((task) => tx.store.put(task)), tx.done]);
    }
    this.#publish();
  }

  /** A page and its cursor in one transaction; the stored cursor only moves forward (tabs share it). */
  async #applyPage(page: TaskSyncPage): Promise<void> {
    const tx = (await this.#db).transaction(['tasks', 'meta'], 'readwrite');
    const meta = tx.objectStore('meta');
    await Promise.all([
      ...page.tasks.map((task) => tx.objectStore('tasks').put(task)),
      meta.get('cursor').then((stored) => (stored !== undefined && BigInt(stored) >= BigInt(page.cursor) ? undefined : meta.put(page.cursor, 'cursor'))),
      tx.done,
    ]);
    for (const task of page.tasks) if ((this.#server.get(task.id)?.version ?? 0) <= task.version) this.#server.set(task.id, task);
    this.#publish();
  }

  async #refreshMembers(): Promise<void> {
    try {
      const { members } = await this.#api.members(AbortSignal.timeout(5000));
      const tx = (await this.#db).transaction('members', 'readwrite');
      await Promise.all([tx.store.clear(), ...members.map((member) => tx.store.put(member)), tx.done]);
      this.#view.set({ members: sortByName(members) });
    } catch (error) {
      // Offline: the stored team stays.
      this.#client.noteRead(error);
    }
  }

  /** The server's tasks with the member's queued (and applied, not yet synced) actions drawn over them. */
  #publish(): void {
    const tasks = new Map<string, TaskView>([...this.#server].map(([id, task]) => [id, { ...task, pending: false }]));
    for (const [id, { pending, confirmed }] of this.#client.overlays()) {
      let task: Task | undefined = this.#server.get(id);
      for (const action of [...confirmed, ...pending]) task = applyTaskAction(task, action, this.me.id);
      if (task) tasks.set(id, { ...task, pending: pending.length > 0 });
    }
    this.#view.set({ client: this.#client.getSnapshot(), tasks: [...tasks.values()].sort(byOpenThenTitle) });
  }
}

const isTask = (state: unknown): state is Task => typeof state === 'object' && state !== null && 'title' in state && 'version' in state;
const sortByName = (members: readonly Member[]) => [...members].sort((a, b) => a.name.localeCompare(b.name));
const byOpenThenTitle = (a: Task, b: Task) => Number(a.done) - Number(b.done) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id);
