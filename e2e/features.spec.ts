/**
 * A project's photo features (which models look at its photos): changing them looks at the
 * photos again from their stored copies and relearns; going back to features used before, and
 * reloading, run the model on nothing; Stop during a change goes back to the features before.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { card, dropOn, flowerFiles, openApp, renameClass } from './trainer-helpers';

const photosEmbedded = (page: Page) => page.evaluate(() => window.__handfulPhotosEmbedded ?? 0);

async function expectLearned(page: Page): Promise<void> {
  await expect(page.getByTestId('import-progress')).toHaveCount(0);
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  await expect(page.getByTestId('accuracy')).toHaveText(/^About \d+ out of 10 photos right/);
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.');
}

async function expectNoSeriousA11yProblems(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `accessibility of ${screen}`,
  ).toEqual([]);
}

test('switching features re-embeds once, switching back and reloading embed nothing, Stop goes back', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await renameClass(page, 0, 'sunflower');
  await renameClass(page, 1, 'daisy');
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 4));
  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 4));
  for (const i of [0, 1]) await expect(card(page, i).getByTestId('photo-count')).toHaveText('4 photos');
  await expectLearned(page);
  expect(await photosEmbedded(page)).toBe(8);

  // A new project starts with the default features (both models); the fold says which, in words.
  const name = page.getByTestId('features-name');
  await expect(name).toHaveText('Both models');
  await page.getByTestId('features').locator('summary').click();
  const fast = page.getByRole('radio', { name: /^Fast/ });
  const both = page.getByRole('radio', { name: /^Both models/ });
  const mirrored = page.getByRole('checkbox', { name: 'Also look at each photo mirrored' });
  await expect(both).toBeChecked();
  await expectNoSeriousA11yProblems(page, 'the photo features choice');

  // Fast: every photo is looked at again, from its stored copy, and it learns again.
  await fast.click();
  await expect(fast).toBeChecked();
  await expect(name).toHaveText('Fast');
  await expectLearned(page);
  expect(await photosEmbedded(page), 'photos embedded for the fast model').toBe(16);
  await expect(page.getByText(/^Model: v1-0\.75-int8, 768-number embedding/)).toHaveCount(1);
  // The speed seen while adding photos is quoted (the first batch after a start is not timed).
  await expect(page.getByTestId('features').locator('.choice', { hasText: 'Both models (2 models' })).toContainText(
    /Measured: about [\d.]+ photos a second here\./,
  );
  await page.screenshot({ path: test.info().outputPath('features.png'), fullPage: true });

  // Back to both models: the embeddings kept from before serve, the model runs on nothing.
  await both.click();
  await expect(name).toHaveText('Both models');
  await expectLearned(page);
  await expect(page.getByText(/^Model: v1-0\.75-int8\+v2-1\.0-int8, 2048-number embedding/)).toHaveCount(1);
  // And on to Fast again: kept too; then back to both for the rest of the test.
  await fast.click();
  await expect(name).toHaveText('Fast');
  await expectLearned(page);
  await both.click();
  await expect(name).toHaveText('Both models');
  await expectLearned(page);
  expect(await photosEmbedded(page), 'photos embedded after switching back and forth').toBe(16);
  const accuracy = await page.getByTestId('accuracy').textContent();

  // The project remembers its features: a reload opens it with them, trained, without the model.
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
  await page.reload();
  await expect(page.getByTestId('class-card')).toHaveCount(2);
  await expect(name).toHaveText('Both models');
  await expectLearned(page);
  await expect(page.getByTestId('accuracy')).toHaveText(accuracy!);
  await expect(page.getByText(/^Model: v1-0\.75-int8\+v2-1\.0-int8, 2048-number embedding/)).toHaveCount(1);
  expect(await photosEmbedded(page), 'photos embedded after the reload').toBe(0);

  // Mirrored too (the slowest): Stop while it looks goes back to both models, without the model.
  await page.getByTestId('features').locator('summary').click();
  await mirrored.click();
  await expect(mirrored).toBeChecked();
  const progress = page.getByTestId('import-progress');
  await expect(progress).toContainText('Looking at the photos again with the new photo features');
  await expect(mirrored).toBeDisabled();
  await progress.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('notice-info')).toContainText('Stopped. The project keeps its earlier photo features (Both models).');
  await expect(name).toHaveText('Both models');
  await expect(mirrored).not.toBeChecked();
  await expectLearned(page);
  const afterStop = await photosEmbedded(page);
  expect(afterStop, 'photos sent to the model for the stopped change only').toBe(8);
  await page.reload();
  await expect(name).toHaveText('Both models');
  await expectLearned(page);
  expect(await photosEmbedded(page), 'photos embedded after the second reload').toBe(0);
});

test('a project made with the earlier engine’s features is looked at again from its stored copies, never mixed', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 3));
  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 3));
  await expectLearned(page);
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
  // Made into a project of the earlier engine: its features id, and embeddings under that id only
  // (of the wrong length, so that using them would show), as a project saved before this release.
  await page.evaluate(async () => {
    const request = (r: IDBRequest) =>
      new Promise<unknown>((resolve, reject) => ((r.onsuccess = () => resolve(r.result)), (r.onerror = () => reject(r.error))));
    const open = async (name: string) => (await request(indexedDB.open(name))) as IDBDatabase;
    const projects = (await open('handful-projects')).transaction('projects', 'readwrite').objectStore('projects');
    for (const project of (await request(projects.getAll())) as { id: string }[]) {
      await request(projects.put({ ...project, featuresId: 'v1-0.75+v2-1.0' }, project.id));
    }
    const embeddings = (await open('handful-embeddings')).transaction('embeddings', 'readwrite').objectStore('embeddings');
    for (const key of (await request(embeddings.getAllKeys())) as string[]) {
      const hash = key.split(':').at(-1)!;
      await request(embeddings.delete(key));
      const record = { version: 1, featuresId: 'v1-0.75+v2-1.0', hash, embedding: new Float32Array(5).fill(1) };
      await request(embeddings.put(record, `v1-0.75+v2-1.0:${hash}`));
    }
  });
  await page.reload();
  // Today's same choice ("Both models"), every photo looked at again with the progress bar.
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await expectLearned(page);
  await expect(page.getByTestId('features-name')).toHaveText('Both models');
  expect(await photosEmbedded(page), 'photos looked at again').toBe(6);
  await expect(page.getByText(/^Model: v1-0\.75-int8\+v2-1\.0-int8, 2048-number embedding/)).toHaveCount(1);
  await page.reload();
  await expectLearned(page);
  expect(await photosEmbedded(page), 'photos embedded after a reload').toBe(0);
});
