import { useStoreSelector } from 'holdfast/react';
import { appUpdates } from '../registerServiceWorker.js';

/**
 * "Update available" in every open tab once a new version is installed; "Update" moves every tab to it
 * (each saves its drafts and reloads once). Also says when a new version failed to install: this one keeps
 * working meanwhile.
 */
export function UpdateBanner() {
  const { available, applying, failed } = useStoreSelector(appUpdates, (state) => state);
  if (failed && !available) {
    return (
      <p role="status" className="notice notice-info update-banner">
        {failed} This version keeps working.
      </p>
    );
  }
  if (!available) return null;
  return (
    <p role="status" className="notice notice-info update-banner">
      {applying ? 'Updating…' : 'Update available.'}{' '}
      <button type="button" disabled={applying} onClick={() => appUpdates.apply()}>
        Update
      </button>
    </p>
  );
}
