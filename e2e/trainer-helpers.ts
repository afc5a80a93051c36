/** Steps shared by the trainer's end-to-end tests. */
import { expect, type Locator, type Page } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasets, fileFrom } from './files';

export type FilePayload = { name: string; mimeType: string; buffer: Buffer };

export const flowers = (split: 'train' | 'test', species: string) => resolve(datasets, 'oxford_flowers12', split, species);
export const flowerFiles = (split: 'train' | 'test', species: string, from: number, count: number): FilePayload[] =>
  readdirSync(flowers(split, species))
    .sort()
    .slice(from, from + count)
    .map((name) => fileFrom(join(flowers(split, species), name), 'image/jpeg'));

/** Drops files on one element the way a drag from the desktop does: a real DataTransfer. */
export async function dropOn(target: Locator, files: FilePayload[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  await target.evaluate((element, items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.mimeType }));
    }
    element.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    element.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

export const card = (page: Page, index: number) => page.getByTestId('class-card').nth(index);

export async function openApp(page: Page): Promise<void> {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
  await expect(page.getByTestId('class-card')).toHaveCount(2);
}

export async function renameClass(page: Page, index: number, name: string): Promise<void> {
  const input = page.getByLabel(`Name of class ${index + 1}`);
  await input.fill(name);
  await input.press('Enter');
  await expect(input).toHaveValue(name);
}

export async function tryPhoto(page: Page, file: FilePayload): Promise<string> {
  await page.getByLabel('Choose a photo to try').setInputFiles(file);
  await expect(page.getByRole('img', { name: file.name })).toBeVisible();
  return (await page.getByTestId('verdict').textContent())!;
}
