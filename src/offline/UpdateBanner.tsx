import { useEffect, useSyncExternalStore } from 'react';
import { applyUpdate, offlineState, startServiceWorker, subscribeOffline } from './register';
import './offline.css';

/**
 * Registers the service worker that makes Handful work offline, and says when a new version has
 * been downloaded (reloading then switches every part of the app to it at once), or when this
 * browser would not keep the app for offline use.
 */
export function UpdateBanner() {
  useEffect(startServiceWorker, []);
  const { updateReady, problem } = useSyncExternalStore(subscribeOffline, offlineState);
  if (problem)
    return (
      <p className="status" role="status" data-testid="offline-problem">
        {problem}
      </p>
    );
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
