import { useState, type FormEvent } from 'react';
import { useStoreSelector } from 'holdfast/react';
import type { TaskStore } from '../TaskStore.js';
import { FailedActions } from './FailedActions.js';
import { TaskRow } from './TaskRow.js';

type Props = { store: TaskStore; teamName: string; onSignOut: () => void; onSignInAgain: () => void };

export function TaskList({ store, teamName, onSignOut, onSignInAgain }: Props) {
  const tasks = useStoreSelector(store, (state) => state.tasks);
  const members = useStoreSelector(store, (state) => state.members);
  const loaded = useStoreSelector(store, (state) => state.loaded);
  const reachability = useStoreSelector(store, (state) => state.client.reachability);
  const pending = useStoreSelector(store, (state) => state.client.outbox.pending.length);
  const sessionExpired = useStoreSelector(store, (state) => state.client.sessionExpired);
  const [title, setTitle] = useState('');

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    void store.create(title.trim());
    setTitle('');
  };

  return (
    <main>
      <header>
        <h1>{teamName}</h1>
        <p role="status" aria-label="Sync status">
          {reachability === 'online' ? 'Online' : 'Offline'} · {pending === 0 ? 'All changes saved' : `${pending} waiting to sync`}
        </p>
        <span>{store.me.name}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {sessionExpired && (
        <p role="alert">
          Your session ended; your changes are kept.{' '}
          <button type="button" onClick={onSignInAgain}>
            Sign in again
          </button>
        </p>
      )}
      <form className="new-task" onSubmit={add}>
        <label>
          New task <input value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} />
        </label>
        <button type="submit">Add</button>
      </form>
      {loaded && tasks.length === 0 && <p>No tasks yet.</p>}
      <ul aria-label="Tasks">
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} members={members} store={store} />
        ))}
      </ul>
      <FailedActions store={store} />
    </main>
  );
}
