import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// SharedArrayBuffer (and so multi-threaded WASM) is only available to cross-origin isolated pages,
// so every way of serving the app sends these two headers.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: {
    format: 'es',
    // tfjs-backend-wasm starts its pthreads from the source text of its own functions; renamed
    // identifiers break them ("e is not defined"), so the worker bundle stays unminified.
    rolldownOptions: { output: { minify: false } },
  },
  build: {
    target: 'es2022',
    // tfjs with three backends is large; it loads once, inside the worker.
    chunkSizeWarningLimit: 4096,
    // lab.html exposes the same engine to the benchmark, the evaluation harness and e2e tests.
    rolldownOptions: { input: { app: 'index.html', lab: 'lab.html' } },
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
