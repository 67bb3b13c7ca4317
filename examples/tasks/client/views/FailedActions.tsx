import { useStoreSelector } from 'holdfast/react';
import type { TaskStore } from '../TaskStore.js';

/** Actions the server refused: kept, with the reason, until the member retries or discards them. */
export function FailedActions({ store }: { store: TaskStore }) {
  const failed = useStoreSelector(store, (state) => state.client.outbox.failed);
  if (failed.length === 0) return null;
  return (
    <section aria-label="Needs your attention">
      <h2>Needs your attention</h2>
      <ul>
        {failed.map((entry) => (
          <li key={entry.action.id}>
            {entry.action.type}: {entry.message}{' '}
            <button type="button" onClick={() => void store.retry(entry.action.id)}>
              Retry
            </button>
            <button type="button" onClick={() => void store.discard(entry.action.id)}>
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
