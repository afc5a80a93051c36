import { describe, expect, it } from 'vitest';
import { withIsolation } from './isolation';

const wasm = () => new Response(new Uint8Array([0, 97, 115, 109]), { headers: { 'Content-Type': 'application/wasm' } });
const page = (headers: Record<string, string> = {}) =>
  new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html', ...headers } });

describe('withIsolation', () => {
  it('hands a file fetched by a script (the WASM runtime, weights) over as it is, so V8 can keep its code cache', () => {
    const response = wasm();
    expect(withIsolation(response, '')).toBe(response);
    const script = new Response('export {}');
    expect(withIsolation(script, 'script')).toBe(script);
  });

  it('adds COOP/COEP to a page or worker script served without them', () => {
    for (const destination of ['document', 'worker', undefined] as const) {
      const served = withIsolation(page({ 'X-Kept': 'yes' }), destination);
      expect(served.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
      expect(served.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
      expect(served.headers.get('X-Kept')).toBe('yes');
    }
  });

  it('leaves a page that already has them untouched', () => {
    const response = page({ 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    expect(withIsolation(response, 'document')).toBe(response);
  });
});
