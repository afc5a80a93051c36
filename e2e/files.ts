import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';

/** ../shared/datasets beside the project: real photos, never copied into the repository. */
export const datasets = resolve(import.meta.dirname, '..', '..', 'shared', 'datasets');

export function photo(name: string): string {
  return resolve(datasets, 'photos', name);
}

/** Drops files on an element the way a person's drag from the desktop does: a real DataTransfer. */
export async function dropFiles(page: Page, testId: string, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  await page.getByTestId(testId).evaluate((target, items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.mimeType }));
    }
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

export function fileFrom(path: string, mimeType: string, name = path.split('/').pop()!) {
  return { name, mimeType, buffer: readFileSync(path) };
}

/** Serves files from ../shared/datasets to the page under the app's own origin, at /datasets/. */
export async function serveDatasets(page: Page): Promise<void> {
  await page.route('**/datasets/**', (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/datasets\//, ''));
    return route.fulfill({ path: resolve(datasets, relative) });
  });
}
