import { compactionRuleOf, newActionId, normalizeText, type ActionEnvelope, type ActionSpec } from 'holdfast/envelope';

/** The app's name: its outbox, databases, worker message and server data directory are named after it. */
export const appName = 'notes';

/** A note. Each member's notes are their own: the server sends a member only theirs (server/notesChanges.ts). */
export type Note = { id: string; text: string; ownerId: string; version: number };

/** A page of delta sync: the notes changed after the cursor. */
export type NotesPage = { notes: Note[]; cursor: string; hasMore: boolean };

export type WriteNote = ActionEnvelope<'write', { text: string }>;

/**
 * The app's one action: write a note's text. Its target is the note, whose id the page chooses, so a note
 * is written offline; the first write creates it. The page draws queued writes with `applyWrite`, and the
 * server applies them with it, so the two cannot disagree.
 */
const writeNote: ActionSpec<'write', { text: string }> = {
  type: 'write',
  description: "Write a note's text (the first write creates the note).",
  payload: ({ z, storableText }) => z.strictObject({ text: storableText({ max: 2000, visible: true, name: 'the text' }) }),
  // Written twice before it was sent: only the last text matters.
  compact: () => 'drop-earlier',
};

export const noteActionSpecs = [writeNote] as const;
/** The outbox's compaction rule (page and worker). */
export const compactNotes = compactionRuleOf(noteActionSpecs);

export function applyWrite(note: Note | undefined, action: WriteNote, actorId: string): Note {
  if (!note) return { id: action.targetId, text: action.payload.text, ownerId: actorId, version: 1 };
  return note.text === action.payload.text ? note : { ...note, text: action.payload.text, version: note.version + 1 };
}

/** A write as the page makes it: a fresh sortable id, the time of the click, pasted text made storable. */
export function newWrite(noteId: string, text: string): WriteNote {
  return { id: newActionId(), type: 'write', targetId: noteId, payload: { text: normalizeText(text) }, createdAt: new Date().toISOString() };
}

/** One member's outbox (its database, lock and sync tag are named after it), and what sign-out tells the worker. */
export const outboxScopeOf = (tenantId: string, memberId: string) => `${appName}:${tenantId}:${memberId}`;
export const wipeMessage = `${appName}:wipe`;
