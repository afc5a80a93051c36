/**
 * Nothing read is lost: photos are kept the moment they are read, and a reload, a crashed model
 * worker or a full disk in the middle of an import leaves every one of them in the project, each
 * once, finished by the model without the person doing anything but, for a full disk, "Look at
 * them now" once there is room.
 */
import { expect, test, type Page } from '@playwright/test';
import { card, dropOn, flowerFiles, openApp } from './trainer-helpers';
import { workerNamed } from './workers';

/** The photo hashes the saved project names, read straight from IndexedDB. */
async function savedHashes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('handful-projects');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = await new Promise<{ classes: { photos: { hash: string }[] }[] }[]>((resolve, reject) => {
      const request = db.transaction('projects').objectStore('projects').getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all.flatMap((project) => project.classes.flatMap((c) => c.photos.map((photo) => photo.hash)));
  });
}

const embeddedSoFar = (page: Page) => page.evaluate(() => window.__handfulPhotosEmbedded ?? 0);

async function dropSixty(page: Page, { open = true } = {}): Promise<void> {
  if (open) await openApp(page);
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 30));
  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 30));
  // Read and kept at once, before the model has looked at most of them.
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(card(page, 1).getByTestId('photo-count')).toHaveText('30 photos');
}

async function expectAllSixtyDone(page: Page): Promise<void> {
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(card(page, 1).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(page.getByTestId('import-progress')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('waiting-count')).toHaveCount(0);
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
  const hashes = await savedHashes(page);
  expect(hashes).toHaveLength(60);
  expect(new Set(hashes).size).toBe(60);
}

test('a reload during an import of 60 photos: all 60 end up in the project, each once, the rest resumed', async ({ page }) => {
  test.setTimeout(300_000);
  await dropSixty(page);
  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText(/Looking at photos: ([5-9]|\d\d) of 60/, { timeout: 120_000 });
  await page.reload();
  await expect(progress).toContainText(/Resuming \d+ photos/);
  await expectAllSixtyDone(page);
  // Only the photos not finished before the reload went to the model again.
  const resumed = await embeddedSoFar(page);
  console.log(`photos resumed after the reload: ${resumed} of 60`);
  expect(resumed).toBeGreaterThan(0);
  expect(resumed).toBeLessThan(60);
  await page.reload();
  await expect(card(page, 1).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  expect(await embeddedSoFar(page)).toBe(0);
});

test('the model worker crashing mid-import is restarted and the import carries on where it was', async ({ page }) => {
  test.setTimeout(300_000);
  await dropSixty(page);
  await expect(page.getByTestId('import-progress')).toContainText(/Looking at photos: ([5-9]|\d\d) of 60/, { timeout: 120_000 });
  // An uncaught error in the worker is what an out-of-memory or driver crash looks like to the page.
  const engine = await workerNamed(page, 'handful-engine');
  await engine.evaluate(() =>
    setTimeout(() => {
      throw new Error('simulated crash');
    }),
  );
  await expect(page.getByTestId('model-fault')).toHaveText(/The model stopped and (is being|was) restarted \(1\)/);
  await expectAllSixtyDone(page);
});

test('a full disk mid-import keeps every photo saved so far, and the import resumes once there is room', async ({ page }) => {
  test.setTimeout(300_000);
  // Storage as a full disk fails it: the writes are accepted, then their transaction aborts with
  // QuotaExceededError, all of them together.
  type Disk = { disk?: 'full after the originals' | 'full' };
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    const failing = new WeakSet<IDBTransaction>();
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      const transaction = this.transaction;
      // First the originals still fit (they are read first) and everything after them does not;
      // then nothing does. Once per transaction: the app writes many photos in one, and its
      // `error` can be set only once.
      const { disk } = window as unknown as Disk;
      if ((disk === 'full' || (disk === 'full after the originals' && this.name !== 'inbox')) && !failing.has(transaction)) {
        failing.add(transaction);
        Object.defineProperty(transaction, 'error', { value: new DOMException('The quota has been exceeded.', 'QuotaExceededError') });
        // Before the write can complete (a microtask runs before any IndexedDB event); a
        // transaction already committed by hand (the project's) is left to succeed.
        queueMicrotask(() => {
          try {
            transaction.abort();
          } catch {
            // committed already
          }
        });
      }
      return request;
    };
  });
  await openApp(page);
  await page.evaluate(() => ((window as unknown as Disk).disk = 'full after the originals'));
  await dropSixty(page, { open: false });
  await expect(page.getByTestId('save-state')).toHaveClass(/problem/, { timeout: 120_000 });
  await expect(page.getByTestId('notice-problem').filter({ hasText: 'no room left' }).first()).toBeVisible();
  await expect(page.getByTestId('import-progress')).toHaveCount(0, { timeout: 120_000 });
  // Once the import has ended too, not only while it ran.
  await expect(page.getByTestId('save-state')).toHaveClass(/problem/);
  // Every photo read is still there, some waiting for the model.
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(card(page, 1).getByTestId('photo-count')).toHaveText('30 photos');
  const waitingBar = page.getByTestId('waiting-bar');
  await expect(waitingBar).toBeVisible();
  // Room again: one click finishes the import.
  await page.evaluate(() => ((window as unknown as Disk).disk = undefined));
  await waitingBar.getByRole('button', { name: /^Look at/ }).click();
  await expectAllSixtyDone(page);
  await page.reload();
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('30 photos');
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');

  // No room even for the originals: those photos are not added, and are named, with "Try again".
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
  await page.evaluate(() => ((window as unknown as Disk).disk = 'full'));
  const more = flowerFiles('train', 'daisy', 30, 3);
  await dropOn(card(page, 0).getByTestId('class-drop'), more);
  const noRoom = page.getByTestId('notice-problem').filter({ hasText: '3 photos could not be added' });
  await expect(noRoom).toContainText(more[0].name);
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('save-state')).toHaveClass(/problem/);
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('30 photos');
  await page.evaluate(() => ((window as unknown as Disk).disk = undefined));
  await noRoom.getByRole('button', { name: 'Try again' }).click();
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('33 photos');
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
});
