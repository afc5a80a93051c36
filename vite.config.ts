import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
// SharedArrayBuffer (and so multi-threaded WASM) is only available to cross-origin isolated pages,
// so every way of serving the app sends these headers: the same ones the service worker adds offline.
import { isolationHeaders } from './src/offline/isolation';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Offline and installable (src/offline/): a service worker precaches the whole build, weights
// included, and a new version waits for the page's "Reload" (registerType 'prompt').
const offline = VitePWA({
  strategies: 'injectManifest',
  srcDir: 'src/offline',
  filename: 'sw.ts',
  registerType: 'prompt',
  // src/offline/register.ts registers it, from the app page only (not lab.html).
  injectRegister: false,
  // The icons and the web manifest are in dist/ and so already in the glob below.
  includeManifestIcons: false,
  manifest: {
    name: 'Handful',
    short_name: 'Handful',
    description: 'Train an image classifier from a handful of photos, in your browser, offline.',
    lang: 'en',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#2454d6',
    background_color: '#f7f8fa',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  injectManifest: {
    // Everything in dist/: shell, engine worker, WASM binaries, every backbone's weight shards.
    globPatterns: ['**/*'],
    globIgnores: ['manifest.webmanifest'], // the plugin adds it itself
    // The unminified engine worker is ~4 MB and weight shards up to 4 MB; room for growth.
    maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
    // Not precached, so a first visit fetches a fraction of it all: the earlier engine's TF.js
    // models (kept for older classifier files and the evaluation), the float V1 file, and LiteRT's
    // build for browsers without relaxed SIMD. They are fetched from the server when needed, so
    // not offline.
    manifestTransforms: [
      async (entries) => ({
        manifest: entries.filter(
          ({ url }) =>
            !/^models\/(mobilenet_v2_1\.0_224|mobilenet_v1_0\.75_224|mobilenet_v1_0\.75_224_float)\//.test(url) &&
            !/^assets\/litert_wasm_compat_internal-/.test(url),
        ),
        warnings: [],
      }),
    ],
    rollupFormat: 'iife',
  },
  devOptions: { enabled: false },
});

export default defineConfig({
  plugins: [react(), offline],
  define: { __APP_VERSION__: JSON.stringify(version) },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
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
