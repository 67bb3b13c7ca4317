import { fileURLToPath } from 'node:url';
import { ActionRegistry } from 'holdfast/core';
import { coreMigrations, type BatchApplier, type HandlerOutcome, type MigrationSet, type ServerApp } from 'holdfast/server';
import { appName, applyWrite, noteActionSpecs, type Note, type WriteNote } from '../shared/notes.js';
import { notesChanges } from './notesChanges.js';

/** The framework's tables first, then the app's own (recorded as `notes/…`). */
export const notesMigrations: readonly MigrationSet[] = [
  coreMigrations,
  { directory: fileURLToPath(new URL('./migrations', import.meta.url)), prefix: `${appName}/` },
];

/**
 * Applies a batch of writes (the framework has recorded their ids, exactly once, and holds the tenant's
 * write lock): each against the state the ones before it left, then one upsert per note written.
 * Another member's note is not found: notes are private.
 */
const notesApplier: BatchApplier<Note> = {
  async applyAll(tx, envelopes, actor) {
    const writes = envelopes as readonly WriteNote[];
    const { rows } = await tx.query<{ id: string; text: string; owner_id: string; version: number }>(
      'SELECT id, text, owner_id, version FROM notes WHERE tenant_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE',
      [actor.tenantId, writes.map((write) => write.targetId)],
    );
    const notes = new Map<string, Note>(rows.map((row) => [row.id, { id: row.id, text: row.text, ownerId: row.owner_id, version: row.version }]));
    const written = new Set<string>();
    const outcomes = writes.map((write): HandlerOutcome<Note> => {
      const note = notes.get(write.targetId);
      if (note && note.ownerId !== actor.agentId) return { status: 'rejected', code: 'note-not-found', message: 'No such note of yours.' };
      const next = applyWrite(note, write, actor.agentId);
      if (next === note) return { status: 'applied', state: note, noop: true };
      notes.set(next.id, next);
      written.add(next.id);
      return { status: 'applied', state: next };
    });
    for (const id of written) {
      const note = notes.get(id)!;
      await tx.query(
        `INSERT INTO notes (id, tenant_id, owner_id, text, version) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, id) DO UPDATE SET text = excluded.text, version = excluded.version, change_seq = nextval('change_seq')`,
        [note.id, actor.tenantId, note.ownerId, note.text, note.version],
      );
    }
    return outcomes;
  },
};

/** The app's server side: sign-in, exactly-once actions, sync, events and health are the framework's. */
export const notesServerApp: ServerApp = {
  name: appName,
  actions: new ActionRegistry().registerSpecs(noteActionSpecs),
  applier: notesApplier,
  existingTargets: async (db, tenantId, ids) => {
    const { rows } = await db.query<{ id: string }>('SELECT id FROM notes WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
    return new Set(rows.map((row) => row.id));
  },
  // Every write may create its note.
  createsTarget: () => true,
  changes: notesChanges,
  migrations: notesMigrations,
};
