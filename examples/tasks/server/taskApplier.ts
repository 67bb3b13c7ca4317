import { tenantMemberIds, type ActorContext, type BatchApplier, type Executor, type HandlerOutcome, type Queryable, type TargetLookup } from 'holdfast/server';
import { applyTaskAction, type TaskAction } from '../shared/taskActions.js';
import type { Task } from '../shared/taskTypes.js';
import { taskColumns, toTask } from './taskRows.js';

export const existingTasks: TargetLookup = async (db, tenantId, ids) => {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM tasks WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
  return new Set(rows.map((row) => row.id));
};

/**
 * The server side of the task list's actions. The framework has recorded the ids (exactly once) and holds
 * the tenant's write lock; this plans the whole batch in memory — each action against the state the ones
 * before it left, with the same `applyTo` the page draws with — then writes once per table.
 * Last writer wins: a task list has no intent another member's edit could defeat.
 */
export const taskApplier: BatchApplier<Task> = {
  async applyAll(tx, envelopes, actor) {
    const actions = envelopes as readonly TaskAction[];
    const current = await readTasks(tx, actions, actor);
    const created = new Set<string>();
    const changed = new Set<string>();
    const team = actions.some((action) => action.type === 'assign') ? await tenantMemberIds(tx, actor.tenantId) : new Set<string>();

    const outcomes = actions.map((action): HandlerOutcome<Task> => {
      const task = current.get(action.targetId);
      if (action.type === 'create' && task) return { status: 'rejected', code: 'task-exists', message: 'A task with this id exists already.' };
      if (action.type !== 'create' && !task)
        return { status: 'rejected', code: 'task-not-found', message: 'The task was never created (its creation failed).' };
      if (action.type === 'assign' && action.payload.assigneeId !== null && !team.has(action.payload.assigneeId)) {
        return { status: 'rejected', code: 'unknown-member', message: 'No such member in your team.' };
      }
      const next = applyTaskAction(task, action, actor.agentId)!;
      if (next === task) return { status: 'applied', state: task, noop: true };
      current.set(action.targetId, next);
      if (action.type === 'create') created.add(action.targetId);
      else if (!created.has(action.targetId)) changed.add(action.targetId);
      return { status: 'applied', state: next };
    });

    await insertTasks(
      tx,
      [...created].map((id) => current.get(id)!),
      actor,
    );
    await updateTasks(
      tx,
      [...changed].map((id) => current.get(id)!),
      actor,
    );
    return outcomes;
  },
};

async function readTasks(tx: Queryable, actions: readonly TaskAction[], actor: ActorContext): Promise<Map<string, Task>> {
  const ids = [...new Set(actions.map((action) => action.targetId))];
  const { rows } = await tx.query(`SELECT ${taskColumns} FROM tasks WHERE tenant_id = $1 AND id = ANY($2::uuid[]) FOR UPDATE`, [actor.tenantId, ids]);
  return new Map(rows.map((row) => [row.id as string, toTask(row)]));
}

async function insertTasks(tx: Executor, tasks: readonly Task[], actor: ActorContext): Promise<void> {
  if (tasks.length === 0) return;
  await tx.query(
    `INSERT INTO tasks (id, tenant_id, title, notes, done, assignee_id, created_by, version)
     SELECT id, $1, title, notes, done, assignee_id, created_by, version
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::boolean[], $6::uuid[], $7::uuid[], $8::int[]) WITH ORDINALITY
       AS t(id, title, notes, done, assignee_id, created_by, version, n) ORDER BY n`,
    [actor.tenantId, ...columns(tasks)],
  );
}

async function updateTasks(tx: Executor, tasks: readonly Task[], actor: ActorContext): Promise<void> {
  if (tasks.length === 0) return;
  await tx.query(
    `UPDATE tasks SET title = t.title, notes = t.notes, done = t.done, assignee_id = t.assignee_id, version = t.version,
       updated_at = now(), change_seq = nextval('change_seq')
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::boolean[], $6::uuid[], $7::uuid[], $8::int[])
       AS t(id, title, notes, done, assignee_id, created_by, version)
     WHERE tasks.tenant_id = $1 AND tasks.id = t.id`,
    [actor.tenantId, ...columns(tasks)],
  );
}

function columns(tasks: readonly Task[]): unknown[] {
  return [
    tasks.map((task) => task.id),
    tasks.map((task) => task.title),
    tasks.map((task) => task.notes),
    tasks.map((task) => task.done),
    tasks.map((task) => task.assigneeId),
    tasks.map((task) => task.createdBy),
    tasks.map((task) => task.version),
  ];
}
