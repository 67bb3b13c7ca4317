import { openDB, type IDBPDatabase } from 'idb';
import { createOfflineClient, ExternalStore, jsonApi, type OfflineClient, type OfflineClientState } from 'holdfast/client';
import { appName, applyWrite, compactNotes, newWrite, outboxScopeOf, wipeMessage, type Note, type NotesPage, type WriteNote } from '../shared/notes.js';

export type SignedIn = { agent: { id: string; name: string }; tenant: { id: string; name: string } };
type NoteView = Note & { pending: boolean };
export type NotesState = { notes: readonly NoteView[]; client: OfflineClientState };

const request = jsonApi();
export const signIn = (email: string, password: string) =>
  request<SignedIn>('/api/login', { method: 'POST', body: JSON.stringify({ email, password, session: 'cookie' }) });

/**
 * One member's notes: a local copy in IndexedDB (shown first, with no network) with their queued writes
 * drawn over it. The framework's client does the rest: the outbox, sync, the event stream, reachability
 * and the sign-out wipe.
 */
export class NotesStore {
  readonly #view: ExternalStore<NotesState>;
  readonly #client: OfflineClient;
  readonly #db: Promise<IDBPDatabase>;
  readonly #me: string;
  #server = new Map<string, Note>();

  constructor({ agent, tenant }: SignedIn) {
    this.#me = agent.id;
    const databaseName = `${appName}:${tenant.id}:${agent.id}`;
    this.#db = openDB(databaseName, 1, {
      upgrade: (db) => {
        db.createObjectStore('notes', { keyPath: 'id' });
        db.createObjectStore('meta');
      },
    });
    this.#client = createOfflineClient<NotesPage>({
      scope: outboxScopeOf(tenant.id, agent.id),
      sync: {
        fetchPage: (cursor, signal) => request<NotesPage>(`/api/sync?cursor=${cursor}&limit=500`, { signal }),
        applyPage: (page) => this.#applyPage(page),
        readStoredCursor: async () => (await this.#db).get('meta', 'cursor'),
        isPage: (page) => Array.isArray(page.notes),
      },
      compaction: compactNotes,
      signOut: { endSession: () => request('/api/logout', { method: 'POST' }), databases: () => [databaseName], workerMessage: wipeMessage },
    });
    this.#view = new ExternalStore<NotesState>({ notes: [], client: this.#client.getSnapshot() });
    this.#client.subscribe(() => this.#publish());
  }

  subscribe = (listener: () => void) => this.#view.subscribe(listener);
  getSnapshot = () => this.#view.getSnapshot();

  /** Shows the local copy at once, then connects. */
  async start(): Promise<void> {
    const db = await this.#db;
    this.#server = new Map((await db.getAll('notes')).map((note: Note) => [note.id, note]));
    this.#client.readFrom(await db.get('meta', 'cursor'));
    this.#publish();
    await this.#client.start();
  }

  async stop(): Promise<void> {
    this.#view.close();
    await this.#client.stop();
    (await this.#db).close();
  }

  /** Writes a note, offline or not: a new note's id is chosen here. */
  write(text: string, noteId: string = crypto.randomUUID()): Promise<void> {
    return this.#client.act(newWrite(noteId, text));
  }

  /** This member's local data goes at once; the server session ends when the server is reachable. */
  async signOut(): Promise<void> {
    this.#view.close();
    await this.#client.signOut();
  }

  /** A page and its cursor in one transaction; the stored cursor only moves forward (tabs share it). */
  async #applyPage(page: NotesPage): Promise<void> {
    const tx = (await this.#db).transaction(['notes', 'meta'], 'readwrite');
    const stored = await tx.objectStore('meta').get('cursor');
    for (const note of page.notes) void tx.objectStore('notes').put(note);
    if (stored === undefined || BigInt(stored) < BigInt(page.cursor)) void tx.objectStore('meta').put(page.cursor, 'cursor');
    await tx.done;
    for (const note of page.notes) if ((this.#server.get(note.id)?.version ?? 0) <= note.version) this.#server.set(note.id, note);
    this.#publish();
  }

  /** The server's notes with the member's queued (and applied, not yet synced) writes drawn over them. */
  #publish(): void {
    const notes = new Map<string, NoteView>([...this.#server].map(([id, note]) => [id, { ...note, pending: false }]));
    for (const [id, { pending, confirmed }] of this.#client.overlays()) {
      let note = this.#server.get(id);
      for (const action of [...confirmed, ...pending]) note = applyWrite(note, action as WriteNote, this.#me);
      if (note) notes.set(id, { ...note, pending: pending.length > 0 });
    }
    this.#view.set({ client: this.#client.getSnapshot(), notes: [...notes.values()].sort((a, b) => a.text.localeCompare(b.text)) });
  }
}
