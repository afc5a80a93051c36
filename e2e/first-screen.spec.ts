import { expect, test } from '@playwright/test';
import { dropFiles, fileFrom, photo } from './files';

test('a photo dropped in the first moments of a first visit is taken and looked at', async ({ page }) => {
  const opened = Date.now();
  await page.goto('/');
  await page.getByTestId('try-dropzone').waitFor();
  const status = await page.getByTestId('engine-status').textContent();
  await dropFiles(page, 'try-dropzone', [fileFrom(photo('hot_dog.jpg'), 'image/jpeg')]);
  console.log(`dropped ${Date.now() - opened} ms after opening, the status then: "${status}"`);
  await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('hotdog');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test.describe('once ready', () => {
  // The first screen runs on WASM directly; the automatic choice has its own test in engine.spec.ts.
  test.beforeEach(async ({ page }) => {
    await page.goto('/?backend=wasm');
    await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
  });

  test('a dropped hot dog photo is seen as a hotdog, with the facts shown', async ({ page }) => {
    await dropFiles(page, 'try-dropzone', [fileFrom(photo('hot_dog.jpg'), 'image/jpeg')]);
    const guesses = page.getByTestId('guesses').locator('li');
    await expect(guesses).toHaveCount(3);
    await expect(guesses.first().locator('.label')).toHaveText('hotdog');
    await expect(guesses.first().locator('.value')).toHaveText(/^9\d%$/);
    // The default photo features: V2 1.0 (1280 numbers) and V1 0.75 (768) together.
    await expect(page.getByTestId('embedding-length')).toHaveText('2048');
    await expect(page.getByTestId('facts')).toContainText('wasm');
    await expect(page.getByRole('img', { name: 'hot_dog.jpg' })).toBeVisible();
  });

  test('a BMP and a PNG work through the file picker', async ({ page }) => {
    await page.getByLabel('Choose a photo to try').setInputFiles(photo('bird.bmp'));
    await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('chickadee');

    // A PNG made from the cat photo by the browser's own encoder.
    const catBmp = fileFrom(photo('cat.bmp'), 'image/bmp');
    const catPng = await page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const blob = await canvas.convertToBlob({ type: 'image/png' });
      const buffer = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      buffer.forEach((b) => (binary += String.fromCharCode(b)));
      return { type: blob.type, base64: btoa(binary) };
    }, catBmp.buffer.toString('base64'));
    expect(catPng.type).toBe('image/png');
    await page
      .getByLabel('Choose a photo to try')
      .setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: Buffer.from(catPng.base64, 'base64') });
    await expect(page.getByRole('img', { name: 'cat.png' })).toBeVisible();
    await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('Egyptian cat');
  });

  test('a text file named .jpg gets a plain message and the page keeps working', async ({ page }) => {
    await dropFiles(page, 'try-dropzone', [
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('shopping list: eggs, milk') },
    ]);
    await expect(page.getByRole('alert')).toContainText('“notes.jpg” could not be used');
    await expect(page.getByRole('alert')).toContainText('not a picture this browser can open');

    await dropFiles(page, 'try-dropzone', [fileFrom(photo('hot_dog.jpg'), 'image/jpeg')]);
    await expect(page.getByTestId('guesses').locator('li .label').first()).toHaveText('hotdog');
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('an empty file is reported as empty', async ({ page }) => {
    await dropFiles(page, 'try-dropzone', [{ name: 'empty.png', mimeType: 'image/png', buffer: Buffer.alloc(0) }]);
    await expect(page.getByRole('alert')).toContainText('The file is empty.');
  });
});
