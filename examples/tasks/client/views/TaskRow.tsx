import { useState, type FormEvent } from 'react';
import type { Member } from '../../shared/taskTypes.js';
import type { TaskStore, TaskView } from '../TaskStore.js';

export function TaskRow({ task, members, store }: { task: TaskView; members: readonly Member[]; store: TaskStore }) {
  const [editing, setEditing] = useState(false);
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const title = String(new FormData(event.currentTarget).get('title')).trim();
    if (title && title !== task.title) void store.edit(task.id, { title });
    setEditing(false);
  };
  return (
    <li aria-label={task.title} data-pending={task.pending}>
      <label>
        <input type="checkbox" checked={task.done} onChange={(event) => void store.complete(task.id, event.target.checked)} /> Done
      </label>
      {editing ? (
        <form onSubmit={save}>
          {/* biome-ignore lint/a11y/noAutofocus: the field the member asked to edit, opened by their click */}
          <input name="title" aria-label="Title" defaultValue={task.title} maxLength={200} autoFocus />
          <button type="submit">Save</button>
        </form>
      ) : (
        <span className={task.done ? 'done' : undefined}>
          {task.title}
          {task.notes && <small className="notes"> — {task.notes}</small>}
        </span>
      )}
      {!editing && (
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}
      <select aria-label="Assignee" value={task.assigneeId ?? ''} onChange={(event) => void store.assign(task.id, event.target.value || null)}>
        <option value="">Nobody</option>
        {members.map((member) => (
          <option key={member.id} value={member.id}>
            {member.name}
          </option>
        ))}
      </select>
      {task.pending && <small>waiting to sync</small>}
    </li>
  );
}
