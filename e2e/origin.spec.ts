/**
 * "Nothing leaves your computer": every request the app makes, from the page, its workers and
 * its service worker, goes to the app's own origin. Recorded at the context level (which sees
 * dedicated and service workers) and at the page level, across the whole first-screen flow.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { dropFiles, fileFrom, photo } from './files';

// The service worker's precache downloads are part of what the app does: record them too.
test.use({ serviceWorkers: 'allow' });

/** Starts recording every request URL in the context; the returned list fills as they happen. */
function recordRequests(context: BrowserContext, page: Page): Set<string> {
  const urls = new Set<string>();
  context.on('request', (request) => urls.add(request.url()));
  page.on('request', (request) => urls.add(request.url()));
  page.on('worker', (worker) => urls.add(worker.url()));
  context.on('serviceworker', (worker) => urls.add(worker.url()));
  return urls;
}

/** URLs whose origin is not `origin`. data: URLs stay on the machine; blob: URLs carry their creator's origin. */
function foreign(urls: Iterable<string>, origin: string): string[] {
  return [...urls].filter((url) => {
    if (url.startsWith('data:')) return false;
    return new URL(url).origin !== origin;
  });
}

test('every request of the first-screen flow stays on the app’s origin', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const urls = recordRequests(context, page);

  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
  await dropFiles(page, 'try-dropzone', [fileFrom(photo('hot_dog.jpg'), 'image/jpeg')]);
  await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('hotdog');
  // Let the service worker finish precaching, so its downloads are in the record too.
  await page.evaluate(() => navigator.serviceWorker.ready);

  const list = [...urls];
  expect(list.length, 'requests were recorded').toBeGreaterThan(20);
  // The weights, the WASM binary and the engine worker were among them (the record is not empty of what matters).
  expect(list.some((url) => url.includes('/models/'))).toBe(true);
  expect(list.some((url) => url.endsWith('.wasm'))).toBe(true);
  expect(list.some((url) => url.includes('/assets/worker-'))).toBe(true);
  expect(foreign(list, origin), 'requests to other origins').toEqual([]);
});

test('the check catches a request to another origin', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const urls = recordRequests(context, page);
  // Port 1 on the same host is another origin; the request is refused before it goes anywhere.
  await context.route('http://127.0.0.1:1/**', (route) => route.abort());
  await page.goto('/?backend=wasm');
  await page.evaluate(() => fetch('http://127.0.0.1:1/beacon').catch(() => undefined));
  expect(foreign(urls, origin)).toEqual(['http://127.0.0.1:1/beacon']);
});
