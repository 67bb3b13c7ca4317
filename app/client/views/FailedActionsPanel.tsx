import { useWorkspace, useWorkspaceStore } from '../state/useWorkspace.js';
import { describeAction } from './describeAction.js';

/**
 * Actions the server did not apply, each with its reason and what the agent can do: a rejected one can
 * be retried or discarded; a conflict can be applied anyway (against the state as it is now) or dropped.
 * Nothing leaves this list without the agent's decision.
 */
export function FailedActionsPanel() {
  const store = useWorkspaceStore();
  const failed = useWorkspace((state) => state.outbox.failed);
  const conversations = useWorkspace((state) => state.conversations);
  const agents = useWorkspace((state) => state.agents);
  if (failed.length === 0) return null;
  return (
    <section className="failed-actions" aria-labelledby="failed-actions-title">
      <h2 id="failed-actions-title">Needs your attention ({failed.length})</h2>
      <ul>
        {failed.map((item) => (
          <li key={item.action.id} data-kind={item.kind}>
            <p>
              <strong>{describeAction(item.action, conversations, agents)}</strong>
            </p>
            <p className="muted small">
              {item.kind === 'conflict' ? 'Conflict: ' : 'Not applied: '}
              {item.message}
            </p>
            {item.kind === 'conflict' ? (
              <button type="button" onClick={() => void store.applyAnyway(item)}>
                Apply anyway
              </button>
            ) : (
              <button type="button" onClick={() => void store.retryFailed(item.action.id)}>
                Retry
              </button>
            )}
            <button type="button" onClick={() => void store.discardFailed(item.action.id)}>
              Discard
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
