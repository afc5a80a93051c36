import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './e2e/chromium';

// Overridable so that two test runs (say, two people on one machine) can each serve their own build.
const port = Number(process.env.E2E_PORT ?? 4174);
const outDir = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  // The model work is CPU-bound and the CI machine has two cores: one test at a time.
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    // Each test's fresh context would otherwise install the offline service worker and download
    // the whole app (~30 MB) again, and its cache would serve the requests tests route. The
    // offline tests (e2e/offline.spec.ts, e2e/origin.spec.ts) opt in with `serviceWorkers: 'allow'`.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `npx vite preview --strictPort --port ${port} --host 127.0.0.1 --outDir ${outDir}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
  },
});
