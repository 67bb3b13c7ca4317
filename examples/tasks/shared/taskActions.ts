import { newActionId, normalizeText, type ActionEnvelope, type ActionSpec } from 'holdfast/envelope';
import type { Task } from './taskTypes.js';

/**
 * The task list's actions, each defined once: payload schema and compaction (the framework's ActionSpec)
 * and how it changes a task, `applyTo`, which the page uses to draw queued actions and the server uses to
 * apply them, so the two cannot disagree. The target is the task; `create` makes it.
 */
type TaskActionSpec<Type extends string, Payload> = ActionSpec<Type, Payload> & {
  /** The task with this action applied; `undefined` in means the task does not exist (yet). */
  applyTo: (task: Task | undefined, action: ActionEnvelope<Type, Payload>, actorId: string) => Task | undefined;
};

type CreatePayload = { title: string; notes: string };
type EditPayload = { title?: string; notes?: string };
type CompletePayload = { done: boolean };
type AssignPayload = { assigneeId: string | null };

const titleMaxLength = 200;
const notesMaxLength = 4000;

const createTask: TaskActionSpec<'create', CreatePayload> = {
  type: 'create',
  description: 'Create a task (its id is the target, chosen by the client, so it can be created offline).',
  payload: ({ z, storableText }) =>
    z.strictObject({
      title: storableText({ max: titleMaxLength, visible: true, name: 'the title' }),
      notes: storableText({ max: notesMaxLength, name: 'the notes' }),
    }),
  applyTo: (task, action, actorId) =>
    task ?? { id: action.targetId, title: action.payload.title, notes: action.payload.notes, done: false, assigneeId: null, createdBy: actorId, version: 1 },
};

const editTask: TaskActionSpec<'edit', EditPayload> = {
  type: 'edit',
  description: 'Change the title, the notes or both.',
  payload: ({ z, storableText }) =>
    z
      .strictObject({
        title: storableText({ max: titleMaxLength, visible: true, name: 'the title' }).optional(),
        notes: storableText({ max: notesMaxLength, name: 'the notes' }).optional(),
      })
      .refine((payload) => payload.title !== undefined || payload.notes !== undefined, { error: 'an edit changes the title or the notes' }),
  // A later edit of the same fields replaces an earlier one: only the last wording is sent.
  compact: (earlier, later) => {
    if (later.type !== 'edit') return 'keep-both';
    const next = later.payload as EditPayload;
    const covers = (field: keyof EditPayload) => earlier.payload[field] === undefined || next[field] !== undefined;
    return covers('title') && covers('notes') ? 'drop-earlier' : 'keep-both';
  },
  applyTo: (task, action) => task && { ...task, ...definedOnly(action.payload), version: task.version + 1 },
};

const completeTask: TaskActionSpec<'complete', CompletePayload> = {
  type: 'complete',
  description: 'Mark the task done, or not done.',
  payload: ({ z }) => z.strictObject({ done: z.boolean() }),
  // Done, undone, done: the last one is the intent.
  compact: (_earlier, later) => (later.type === 'complete' ? 'drop-earlier' : 'keep-both'),
  applyTo: (task, action) => task && (task.done === action.payload.done ? task : { ...task, done: action.payload.done, version: task.version + 1 }),
};

const assignTask: TaskActionSpec<'assign', AssignPayload> = {
  type: 'assign',
  description: 'Give the task to a member of the team, or to nobody.',
  payload: ({ z }) => z.strictObject({ assigneeId: z.uuid({ error: 'assigneeId must be a member id (UUID) or null' }).nullable() }),
  compact: (_earlier, later) => (later.type === 'assign' ? 'drop-earlier' : 'keep-both'),
  applyTo: (task, action) =>
    task && (task.assigneeId === action.payload.assigneeId ? task : { ...task, assigneeId: action.payload.assigneeId, version: task.version + 1 }),
};

export const taskActionSpecs = [createTask, editTask, completeTask, assignTask] as const;

export type TaskActionPayloads = { create: CreatePayload; edit: EditPayload; complete: CompletePayload; assign: AssignPayload };
export type TaskActionType = keyof TaskActionPayloads;
export type TaskAction = { [Type in TaskActionType]: ActionEnvelope<Type, TaskActionPayloads[Type]> }[TaskActionType];

const specs = new Map<string, TaskActionSpec<string, never>>(taskActionSpecs.map((spec) => [spec.type, spec as unknown as TaskActionSpec<string, never>]));

/** `action` applied to `task` by its spec (an unknown type changes nothing). */
export function applyTaskAction(task: Task | undefined, action: ActionEnvelope, actorId: string): Task | undefined {
  const spec = specs.get(action.type);
  return spec ? spec.applyTo(task, action as never, actorId) : task;
}

/** Builds an action as the UI does: a fresh sortable id, the time of the click, pasted text made storable. */
export function newTaskAction<Type extends TaskActionType>(
  type: Type,
  taskId: string,
  payload: TaskActionPayloads[Type],
): ActionEnvelope<Type, TaskActionPayloads[Type]> {
  const cleaned = Object.fromEntries(Object.entries(payload).map(([key, value]) => [key, typeof value === 'string' ? normalizeText(value) : value]));
  return { id: newActionId(), type, targetId: taskId, payload: cleaned as TaskActionPayloads[Type], createdAt: new Date().toISOString() };
}

function definedOnly(payload: EditPayload): EditPayload {
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
}
