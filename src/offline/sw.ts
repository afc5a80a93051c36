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
 * - Every page and worker script it serves carries the cross-origin isolation headers
 *   (COOP/COEP), as the server's do: a cached page without them would lose crossOriginIsolated,
 *   and with it SharedArrayBuffer and multi-threaded WASM, exactly when offline. Everything else
 *   is handed over exactly as cached, so V8 can reuse its compiled code of the WASM runtime
 *   (./isolation).
 */
/// <reference lib="webworker" />
import { clientsClaim, type WorkboxPlugin } from 'workbox-core';
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { withIsolation } from './isolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// Added when a cached response is served (not when it is stored: a cacheWillUpdate plugin here
// would replace workbox's default check that refuses to precache error responses). The request
// workbox passes is its cache key; what asked for the file is the fetch event's request.
const crossOriginIsolation: WorkboxPlugin = {
  cachedResponseWillBeUsed: async ({ cachedResponse, event }) =>
    cachedResponse ? withIsolation(cachedResponse, (event as FetchEvent | undefined)?.request?.destination) : cachedResponse,
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
