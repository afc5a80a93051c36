import { useEffect, useSyncExternalStore } from 'react';
import { applyUpdate, offlineState, startServiceWorker, subscribeOffline } from './register';
import './offline.css';

/**
 * Registers the service worker that makes Handful work offline, and says when a new version has
 * been downloaded: reloading then switches every part of the app to it at once.
 */
export function UpdateBanner() {
  useEffect(startServiceWorker, []);
  const { updateReady } = useSyncExternalStore(subscribeOffline, offlineState);
  if (!updateReady) return null;
  return (
    <div className="update-banner" role="status" data-testid="update-banner">
      <span>A new version of Handful is ready.</span>
      <button type="button" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  );
}
