/**
 * The cross-origin isolation headers (COOP/COEP) on what the service worker serves from its cache.
 * Pages and worker scripts need them to be cross-origin isolated (SharedArrayBuffer, WASM
 * threads), offline too; every other file is handed over exactly as Cache Storage holds it.
 * Chromium keeps V8's compiled code of a service worker's response (beside the entry in Cache
 * Storage) only when it is the cached entry itself, never for a rebuilt `new Response(...)`, so the
 * runtime's WASM (9 MB) is handed over as it is. Chromium 156 writes none today all the same: V8
 * hands over its optimised code at once past 1 MB of it, or 2 s after the last tier-up, and the
 * runtime's stays under 1 MB while the timed hand-over never fired (with V8's
 * --wasm-caching-hard-threshold=100000 it is written, and a visit after a browser restart reads it).
 * Later visits in one browser session reuse the compiled module from memory whatever the response.
 * Same-origin files need none of these headers under COEP require-corp.
 */
/** Also what the dev and preview servers send with every response (vite.config.ts). */
export const isolationHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** What asks for a page or a worker script: only these responses need the headers. */
const isolatedDestinations = new Set<RequestDestination>(['document', 'iframe', 'worker', 'sharedworker']);

/**
 * `response` with the headers, if it is for a page or worker script that lacks them; else
 * `response` itself. `destination`: what asked for the file; when unknown, treated as a page.
 */
export function withIsolation(response: Response, destination: RequestDestination | undefined): Response {
  if (destination !== undefined && !isolatedDestinations.has(destination)) return response;
  // Opaque and error responses cannot be re-wrapped (and are never ours to serve).
  if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  if (Object.entries(isolationHeaders).every(([name, value]) => response.headers.get(name) === value)) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(isolationHeaders)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
