/**
 * Registers the service worker (./sw.ts, built to /sw.js) and tells the page when a new version
 * has been downloaded and is waiting. Production builds only; `?sw=off` in the address skips it
 * for a visit (debugging, or tests that want the network every time).
 */
import { Workbox } from 'workbox-window';

export interface OfflineState {
  /** A new version is downloaded and waits for the page to let it take over. */
  updateReady: boolean;
  /** Why this browser will not keep the app for offline use, in plain words. */
  problem?: string;
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

/** Said when the service worker could not be registered (a private window, blocked or full storage); the reason goes to the console. */
export const registrationProblem =
  'This browser did not let Handful keep itself for offline use. It works as usual while online, and your projects are kept either way.';

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
      // Best effort: offline the check fails, and the next one, an hour later, tries again.
      if (registration)
        setInterval(
          () => void registration.update().catch((error: unknown) => console.warn('Checking for a new version failed', error)),
          UPDATE_CHECK_MS,
        );
    })
    .catch((error: unknown) => {
      // No service worker (private window, blocked, full disk): the app works online as before, and says so.
      console.warn('Registering the service worker failed', error);
      setState({ ...state, problem: registrationProblem });
    });
}

/** Lets the waiting version take over, then reloads into it. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}
