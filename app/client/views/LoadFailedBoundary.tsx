import { Component, type ReactNode } from 'react';

/**
 * Catches a part of the app that could not be loaded (a lazy chunk no host could serve), so the agent
 * reads what happened and can retry, rather than a blank page. Nothing local is lost: the outbox and the
 * workspace data are in IndexedDB.
 */
export class LoadFailedBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="notice notice-error">
        <span>This part of the app could not be loaded from any host ({this.state.error.message}). Your work is kept in this browser.</span>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
