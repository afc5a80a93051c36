/**
 * The cross-origin isolation headers (COOP/COEP) on what the service worker serves from its cache.
 * Pages and worker scripts need them to be cross-origin isolated (SharedArrayBuffer, WASM
 * threads), offline too; every other file is handed over exactly as Cache Storage holds it.
 * Chromium gives V8 a code cache for a service worker's response only when it is the cached entry
 * itself, never for a rebuilt `new Response(...)`: with the runtime's WASM (9 MB) handed over as
 * it is, later visits in the same browser session reuse its compiled code instead of compiling
 * its ~940 functions again (seen in traces; after a browser restart it was not seen to, so far).
 * Same-origin files need none of these headers under COEP require-corp.
 */
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
