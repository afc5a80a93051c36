/**
 * The service worker: after one online visit, everything the app needs (the shell, the engine
 * worker, the LiteRT runtime and the weights of the features it offers, ~23 MB) is served from the
 * device. What only older classifier files need is not precached (see manifestTransforms in
 * vite.config.ts).
 *
 * - Precaching is workbox's: each file is stored under its revision (a content hash), a new
 *   version downloads into the cache while the old one keeps serving, and the old entries go
 *   only once the new worker takes over, so a page never mixes two versions.
 * - registerType 'prompt': a new worker waits until the page asks it to take over (the "A new
 *   version of Handful is ready" banner), never in the middle of someone's work.
 * - Every response it serves carries the cross-origin isolation headers (COOP/COEP), as the
 *   server's do: a cached page without them would lose crossOriginIsolated, and with it
 *   SharedArrayBuffer and multi-threaded WASM, exactly when offline.
 */
/// <reference lib="webworker" />
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

const isolationHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function withIsolation(response: Response): Response {
  // Opaque and error responses cannot be re-wrapped (and are never ours to serve).
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if (Object.entries(isolationHeaders).every(([name, value]) => response.headers.get(name) === value)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(isolationHeaders)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// Added when a cached response is served (not when it is stored: a cacheWillUpdate plugin here
// would replace workbox's default check that refuses to precache error responses).
const crossOriginIsolation: WorkboxPlugin = {
  cachedResponseWillBeUsed: async ({ cachedResponse }) => (cachedResponse ? withIsolation(cachedResponse) : cachedResponse),
};

addPlugins([crossOriginIsolation]);
// Query strings never change what a precached file is: '/?backend=wasm' is '/index.html'.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });
cleanupOutdatedCaches();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
// The first install takes the open page at once, so it works offline without a reload. Updates
// wait for SKIP_WAITING above.
clientsClaim();
