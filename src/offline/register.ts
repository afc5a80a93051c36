/**
 * Registers the service worker (./sw.ts, built to /sw.js) and tells the page when a new version
 * has been downloaded and is waiting. Production builds only; `?sw=off` in the address skips it
 * for a visit (debugging, or tests that want the network every time).
 */
import { Workbox } from 'workbox-window';

export interface OfflineState {
  /** A new version is downloaded and waits for the page to let it take over. */
  updateReady: boolean;
}

let state: OfflineState = { updateReady: false };
const listeners = new Set<() => void>();
let workbox: Workbox | undefined;
let started = false;

function setState(next: OfflineState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

export function subscribeOffline(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function offlineState(): OfflineState {
  return state;
}

/** An hour: a tab left open for days still hears of a new version. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function shouldRegister(env: { prod: boolean; search: string; hasServiceWorker: boolean }): boolean {
  return env.prod && env.hasServiceWorker && new URLSearchParams(env.search).get('sw') !== 'off';
}

/** Safe to call more than once (React's StrictMode does). */
export function startServiceWorker(): void {
  if (started) return;
  started = true;
  if (!shouldRegister({ prod: import.meta.env.PROD, search: location.search, hasServiceWorker: 'serviceWorker' in navigator })) return;
  const base = import.meta.env.BASE_URL;
  workbox = new Workbox(`${base}sw.js`, { scope: base });
  // Also fires when a worker was already waiting from an earlier visit.
  workbox.addEventListener('waiting', () => setState({ ...state, updateReady: true }));
  workbox
    .register()
    .then((registration) => {
      if (registration) setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_MS);
    })
    .catch(() => {
      // No service worker (private window, blocked, file://): the app works online as before.
    });
}

/** Lets the waiting version take over, then reloads into it. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}
