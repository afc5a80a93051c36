/**
 * Offline: after one online visit the service worker has the whole app, weights included, and
 * it runs with the network off, still cross-origin isolated (so WASM keeps its threads). And a
 * new version waits for "Reload" instead of swapping files under a running page.
 *
 * Service workers are blocked for the other e2e files (playwright.config.ts); these opt in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { dropFiles, fileFrom, photo } from './files';
import { card, dropOn, flowerFiles, renameClass } from './trainer-helpers';

test.use({ serviceWorkers: 'allow' });

/** The app page with WASM forced (as the first-screen tests do) and the service worker on. */
const appUrl = '/?backend=wasm';

async function openApp(page: Page): Promise<void> {
  await page.goto(appUrl);
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
}

/** Resolves once the worker has precached everything (it is active) and controls the page. */
async function waitUntilOfflineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/**
 * Cuts the network two ways: Chromium's offline mode, and a route that fails (and records)
 * anything that still tries to reach the server, service worker fetches included. Returns that record.
 */
async function goOffline(context: BrowserContext): Promise<string[]> {
  const reachedNetwork: string[] = [];
  await context.route('**/*', (route) => {
    reachedNetwork.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  await context.setOffline(true);
  return reachedNetwork;
}

/**
 * What the app can do offline, step by step. Each takes the page after an offline reload; the
 * trainer's steps (add classes, train, classify) go here as they land.
 */
const offlineSteps: { name: string; run(page: Page): Promise<void> }[] = [
  {
    name: 'the first screen names a dropped hot dog photo',
    async run(page) {
      await dropFiles(page, 'try-dropzone', [fileFrom(photo('hot_dog.jpg'), 'image/jpeg')]);
      await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('hotdog');
      await expect(page.getByTestId('facts')).toContainText('wasm');
    },
  },
  {
    name: 'two classes of four flowers are learned, and a new photo is classified',
    async run(page) {
      await expect(page.getByTestId('class-card')).toHaveCount(2);
      await renameClass(page, 0, 'daisy');
      await renameClass(page, 1, 'sunflower');
      await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 4));
      await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 4));
      await expect(card(page, 0).getByTestId('photo-count')).toHaveText('4 photos');
      await expect(card(page, 1).getByTestId('photo-count')).toHaveText('4 photos');
      await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
      await expect(page.getByTestId('accuracy')).toHaveText(/^About \d+ out of 10 photos right/);
      const daisy = flowerFiles('test', 'daisy', 0, 1)[0];
      await page.getByLabel('Choose a photo to try').setInputFiles(daisy);
      await expect(page.getByRole('img', { name: daisy.name })).toBeVisible();
      await expect(page.getByTestId('verdict')).toHaveText(/daisy/);
    },
  },
  {
    name: 'the classifier is downloaded and opened again',
    async run(page) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download classifier' }).click(),
      ]);
      await page.getByLabel('Open a classifier file').setInputFiles(await download.path());
      await expect(page.getByTestId('opened-classes').locator('li')).toHaveText(['daisy', 'sunflower']);
      const sunflower = flowerFiles('test', 'sunflower', 0, 1)[0];
      await page.getByLabel('Choose a photo to try').setInputFiles(sunflower);
      await expect(page.getByTestId('verdict')).toHaveText(/sunflower/);
      await page.getByRole('button', { name: 'Back to your projects' }).click();
      await expect(page.getByTestId('class-card')).toHaveCount(2);
    },
  },
];

test('after one online visit, the app works with the network off, still cross-origin isolated', async ({ page, context }) => {
  await openApp(page);
  await waitUntilOfflineReady(page);

  const reachedNetwork = await goOffline(context);
  const notFromCache: string[] = [];
  const served: string[] = [];
  page.on('response', (response) => {
    const url = response.url();
    served.push(url);
    if (url.startsWith('http') && !response.fromServiceWorker()) notFromCache.push(url);
  });
  await page.reload();
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');

  // COOP/COEP must survive the cache, in the page and in the engine's worker alike.
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  const engineWorker = page.workers().find((worker) => worker.url().includes('/assets/worker-'));
  expect(engineWorker, 'the engine worker is running').toBeDefined();
  expect(await engineWorker!.evaluate(() => self.crossOriginIsolated)).toBe(true);
  // ...so LiteRT ran its threaded build, every pthread a worker started from that same script.
  expect(served.some((url) => url.includes('litert_wasm_threaded_internal'))).toBe(true);
  await page.getByText('Details').click();
  await expect(page.getByText(/LiteRT WASM, threads \(\d+\)/)).toBeVisible();

  for (const step of offlineSteps) await test.step(step.name, () => step.run(page));

  expect(reachedNetwork, 'requests that went to the network while offline').toEqual([]);
  expect(notFromCache, 'responses not served by the service worker').toEqual([]);
});

test('the service worker adds COOP/COEP itself, even where the server did not send them', async ({ page, context }) => {
  // A host without the headers (a plain static host): strip them from every response, the
  // service worker's precache downloads included.
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = Object.fromEntries(
      Object.entries(response.headers()).filter(([name]) => !name.toLowerCase().startsWith('cross-origin-')),
    );
    await route.fulfill({ response, headers });
  });
  await openApp(page);
  expect(await page.evaluate(() => window.crossOriginIsolated), 'online, without the headers').toBe(false);
  await waitUntilOfflineReady(page);
  await context.unroute('**/*');

  await goOffline(context);
  await page.reload();
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
  expect(await page.evaluate(() => window.crossOriginIsolated), 'offline, served by the service worker').toBe(true);
});

test('a new version is picked up on the next visit and waits for "Reload"', async ({ page }) => {
  await openApp(page);
  await waitUntilOfflineReady(page);
  await expect(page.getByTestId('update-banner')).toHaveCount(0);

  // A new deployment: sw.js changes on the server (Playwright cannot route the browser's own
  // update check, so the served file itself changes, and is put back whatever happens).
  const swPath = resolve(process.env.E2E_DIST ?? 'dist', 'sw.js');
  const current = readFileSync(swPath, 'utf8');
  writeFileSync(swPath, `${current}\n// the next version\n`);
  try {
    await page.reload();
    await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
    const banner = page.getByTestId('update-banner');
    await expect(banner).toHaveText(/A new version of Handful is ready\./);
    // Until asked, the old version keeps serving: the new one only waits.
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);

    await page.evaluate(() => ((window as unknown as { beforeUpdate: boolean }).beforeUpdate = true));
    await banner.getByRole('button', { name: 'Reload' }).click();
    await page.waitForFunction(() => !(window as unknown as { beforeUpdate?: boolean }).beforeUpdate); // it reloaded
    await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
    await expect(banner).toHaveCount(0);
    expect(
      await page.evaluate(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        return { waiting: Boolean(registration?.waiting), controlled: Boolean(navigator.serviceWorker.controller) };
      }),
    ).toEqual({ waiting: false, controlled: true });
  } finally {
    writeFileSync(swPath, current);
  }
});

test('the app is installable: a web app manifest with icons', async ({ page, request }) => {
  await page.goto(appUrl);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const manifest = await (await request.get(href!)).json();
  expect(manifest).toMatchObject({ name: 'Handful', display: 'standalone', start_url: '/' });
  const sizes = (manifest.icons as { sizes: string; purpose?: string }[]).map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  for (const icon of manifest.icons as { src: string }[]) {
    const response = await request.get(icon.src);
    expect(response.headers()['content-type']).toBe('image/png');
  }
});
