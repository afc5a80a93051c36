/**
 * Issue 5 in the trainer: "Download classifier" and "Open classifier" (classify photos elsewhere
 * without the training photos), "Back up project" and "Restore from backup" (the whole project,
 * into a new project, never over one). Real Chromium, real weights, real flower photos.
 *
 * The first test trains once and saves both files; the others each start in a fresh browser
 * context (Playwright gives every test its own, with empty storage) and open those files.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFrom, photo } from './files';
import { card, dropOn, flowerFiles, openApp, renameClass, type FilePayload } from './trainer-helpers';

test.describe.configure({ mode: 'serial' });

const species = ['sunflower', 'daisy', 'bluebell'];
/** From the test split: never trained on. */
const heldOut = [
  { species: 'sunflower', index: 1 },
  { species: 'daisy', index: 2 },
  { species: 'bluebell', index: 3 },
].map(({ species: name, index }) => flowerFiles('test', name, index, 1)[0]);

interface Answer {
  verdict: string;
  /** Class name -> probability, in full precision. */
  probabilities: Record<string, number>;
}

/** One folder per server port, so two runs side by side keep apart; made by the first test. */
const dir = join(tmpdir(), `handful-share-${process.env.E2E_PORT ?? 4174}`);
/** What the first test made and saw, for the others to compare with. */
const made = { classifier: join(dir, 'classifier.json'), backup: join(dir, 'backup.zip'), accuracy: '', answers: [] as Answer[] };
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function answerFor(page: Page, file: FilePayload): Promise<Answer> {
  await page.getByLabel('Choose a photo to try').setInputFiles(file);
  await expect(page.getByRole('img', { name: file.name })).toBeVisible();
  const bars = page.getByTestId('prediction').locator('li');
  const probabilities = Object.fromEntries(
    await bars.evaluateAll((items) =>
      items.map((li) => [(li as HTMLElement).dataset.class!, Number((li as HTMLElement).dataset.probability)]),
    ),
  ) as Record<string, number>;
  return { verdict: (await page.getByTestId('verdict').textContent())!, probabilities };
}

function expectSameAnswer(actual: Answer, expected: Answer, what: string): void {
  expect(actual.verdict, what).toBe(expected.verdict);
  expect(Object.keys(actual.probabilities), what).toEqual(Object.keys(expected.probabilities));
  for (const [name, p] of Object.entries(expected.probabilities)) {
    expect(Math.abs(actual.probabilities[name] - p), `${what}: probability of ${name}`).toBeLessThanOrEqual(1e-6);
  }
}

async function expectNoSeriousA11yProblems(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `accessibility of ${screen}`).toEqual([]);
}

async function renameProject(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Project name').fill(name);
  await page.getByRole('button', { name: 'Save name' }).click();
}

const payload = (path: string, name: string, mimeType: string): FilePayload => ({ name, mimeType, buffer: readFileSync(path) });
const classifierFile = () => payload(made.classifier, 'flowers-classifier.json', 'application/json');

test('train three classes, then download the classifier and back up the project', async ({ page }) => {
  test.setTimeout(240_000);
  mkdirSync(dir, { recursive: true });
  await openApp(page);
  await expect(page.getByRole('button', { name: 'Download classifier' })).toBeDisabled();
  await renameProject(page, 'Flowers');
  await page.getByRole('button', { name: '+ Add a class' }).click();
  for (const [i, name] of species.entries()) await renameClass(page, i, name);
  for (const [i, name] of species.entries()) await dropOn(card(page, i).getByTestId('class-drop'), flowerFiles('train', name, 0, 6));
  for (const i of species.keys()) await expect(card(page, i).getByTestId('photo-count')).toHaveText('6 photos');
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  made.accuracy = (await page.getByTestId('accuracy').textContent())!;
  expect(made.accuracy).toMatch(/^About \d+ out of 10 photos right/);
  for (const file of heldOut) made.answers.push(await answerFor(page, file));
  console.log(`accuracy: ${made.accuracy}; held-out: ${JSON.stringify(made.answers)}`);

  const [classifier] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download classifier' }).click(),
  ]);
  expect(classifier.suggestedFilename()).toMatch(/^flowers-classifier-\d{4}-\d\d-\d\d\.json$/);
  await classifier.saveAs(made.classifier);
  const file = JSON.parse(readFileSync(made.classifier, 'utf8'));
  expect(file).toMatchObject({
    format: 'handful-classifier',
    version: 1,
    name: 'Flowers',
    features: { id: 'v1-0.75-int8+v2-1.0-int8' },
    classifier: { classes: species, dim: 2048 },
  });
  expect(file.evaluation).toMatchObject({ evaluated: 18, perClass: [{ evaluated: 6 }, { evaluated: 6 }, { evaluated: 6 }] });

  // The backup holds the unsorted pile too: three photos waiting to be sorted, with suggestions.
  await dropOn(
    page.getByTestId('pile-drop'),
    species.map((name) => flowerFiles('train', name, 6, 1)[0]),
  );
  await expect(page.getByTestId('pile-count')).toHaveText(/^3 unsorted photos\./);
  await expect(page.getByTestId('import-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('review-suggestion')).toHaveText(/^Suggestion:/);
  const [backup] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Back up project' }).click()]);
  expect(backup.suggestedFilename()).toMatch(/^handful-flowers-\d{4}-\d\d-\d\d\.zip$/);
  await backup.saveAs(made.backup);
  await expect(page.getByRole('button', { name: 'Back up project' })).toBeEnabled();
  await expectNoSeriousA11yProblems(page, 'a trained project with its file buttons');
});

test('the classifier opens in a fresh browser without the photos, and answers exactly as it did there', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Open a classifier file').setInputFiles(classifierFile());
  const opened = page.getByTestId('opened-classifier');
  await expect(opened.getByRole('heading', { name: 'Classifier “Flowers”' })).toBeVisible();
  await expect(opened.getByTestId('opened-classes').locator('li')).toHaveText(species);
  await expect(opened.getByTestId('opened-accuracy')).toContainText('of 18 photos right');
  await expect(opened.getByTestId('opened-engine')).toHaveText('Ready to try photos.');
  // No project data here: the trainer and its project menu are gone until "Back to your projects".
  await expect(page.getByTestId('class-card')).toHaveCount(0);
  await expect(page.getByTestId('project-choice')).toHaveCount(0);

  for (const [i, file] of heldOut.entries()) expectSameAnswer(await answerFor(page, file), made.answers[i], `held-out photo ${file.name}`);
  expect(await page.evaluate(() => window.__handfulPhotosEmbedded), 'photos embedded: only those tried').toBe(heldOut.length);
  await expectNoSeriousA11yProblems(page, 'an opened classifier with a tried photo');

  // Pasting a photo anywhere tries it too.
  const pasted = flowerFiles('test', 'daisy', 0, 1)[0];
  await page.locator('body').evaluate((body, base64) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'pasted.jpg', { type: 'image/jpeg' }));
    body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, pasted.buffer.toString('base64'));
  await expect(page.getByRole('img', { name: 'pasted.jpg' })).toBeVisible();

  await opened.getByRole('button', { name: 'Back to your projects' }).click();
  await expect(page.getByTestId('class-card')).toHaveCount(2);
  await expect(page.getByTestId('project-choice').locator('option')).toHaveText(['My first project (0 photos)']);
});

test('a file that is not a usable classifier is refused in plain words, and the page keeps working', async ({ page }) => {
  await openApp(page);
  const open = page.getByLabel('Open a classifier file');

  await open.setInputFiles(fileFrom(photo('hot_dog.jpg'), 'application/json', 'hot_dog.json'));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('“hot_dog.json” could not be opened as a classifier.');
  await expect(alert).toContainText('This is a JPEG photo, not a classifier file.');

  const png = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ff7e1c0d0000000049454e44ae426082',
    'hex',
  );
  await open.setInputFiles({ name: 'picture.json', mimeType: 'application/json', buffer: png });
  await expect(page.getByRole('alert').filter({ hasText: 'picture.json' })).toContainText('This is a PNG image, not a classifier file.');

  const newer = JSON.parse(readFileSync(made.classifier, 'utf8'));
  newer.version = 2;
  await open.setInputFiles({ name: 'from-the-future.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(newer)) });
  await expect(page.getByRole('alert').filter({ hasText: 'from-the-future.json' })).toContainText(
    'This classifier was saved by a newer version of Handful (file format version 2; this version reads up to 1). Update Handful',
  );

  await open.setInputFiles(payload(made.backup, 'backup.zip', 'application/zip'));
  await expect(page.getByRole('alert').filter({ hasText: 'backup.zip' })).toContainText('Open it with “Restore from backup” instead.');
  await expect(page.getByTestId('opened-classifier')).toHaveCount(0);
  await expectNoSeriousA11yProblems(page, 'the trainer with refused files');

  // Still working: the trainer takes photos, and a good classifier file dropped anywhere (here on
  // a class, which would otherwise take it for a photo) opens; the old messages go.
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'iris', 0, 1));
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('1 photo');
  await dropOn(card(page, 1).getByTestId('class-drop'), [classifierFile()]);
  await expect(page.getByTestId('opened-classifier')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.getByRole('button', { name: 'Back to your projects' }).click();
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('1 photo');
  await expect(card(page, 1).getByTestId('photo-count')).toHaveText('0 photos');
});

test('a backup restores in a fresh browser: same classes, photos, accuracy and answers, and no photo looked at again', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Restore a project from a backup file').setInputFiles(payload(made.backup, 'backup.zip', 'application/zip'));
  await expect(page.getByTestId('notice-info')).toContainText('Restored “Flowers” as a new project.');
  await expect(page.getByTestId('project-choice').locator('option:checked')).toHaveText('Flowers (18 photos)');
  await expect(page.getByTestId('class-card')).toHaveCount(3);
  for (const [i, name] of species.entries()) {
    await expect(page.getByLabel(`Name of class ${i + 1}`)).toHaveValue(name);
    await expect(card(page, i).getByTestId('photo-count')).toHaveText('6 photos');
    await expect(card(page, i).getByRole('img')).toHaveCount(6);
  }
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  await expect(page.getByTestId('accuracy')).toHaveText(made.accuracy);
  // The unsorted pile came back with its embeddings: suggested at once, no photo looked at again.
  await expect(page.getByTestId('pile-count')).toHaveText(/^3 unsorted photos\./);
  await expect(page.getByTestId('pile-photo')).toHaveCount(3);
  await expect(page.getByTestId('review-suggestion')).toHaveText(/^Suggestion:/);
  expect(await page.evaluate(() => window.__handfulPhotosEmbedded ?? 0), 'photos embedded after the restore').toBe(0);
  for (const i of [0, 2])
    expectSameAnswer(await answerFor(page, heldOut[i]), made.answers[i], `held-out photo ${heldOut[i].name} after the restore`);

  // And it stays: a reload opens it again, still without looking at any photo.
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
  await page.reload();
  await expect(page.getByTestId('accuracy')).toHaveText(made.accuracy);
  expect(await page.evaluate(() => window.__handfulPhotosEmbedded ?? 0), 'photos embedded after a reload').toBe(0);
});

test('restoring never overwrites: with a project of the same name here, both are kept', async ({ page }) => {
  await openApp(page);
  await renameProject(page, 'Flowers');
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'pansy', 0, 1));
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('1 photo');

  // Dropped anywhere on the page, as from a file manager.
  await dropOn(page.locator('main'), [payload(made.backup, 'handful-flowers.zip', 'application/zip')]);
  await expect(page.getByTestId('notice-info')).toContainText(
    'Restored “Flowers” as a new project, “Flowers (restored)”. The project “Flowers” already here was left as it was.',
  );
  const choice = page.getByTestId('project-choice');
  await expect(choice.locator('option')).toHaveText(['Flowers (1 photo)', 'Flowers (restored) (18 photos)']);
  await expect(page.getByTestId('accuracy')).toHaveText(made.accuracy);
  await choice.selectOption({ label: 'Flowers (1 photo)' });
  await expect(page.getByTestId('class-card')).toHaveCount(2);
  await expect(card(page, 0).getByRole('img')).toHaveCount(1);
});

test('a classifier made with another model gets that model started for it', async ({ page }) => {
  test.setTimeout(180_000);
  // The same classes on MobileNet V2's 1280 numbers: the weights are made up, the file is valid.
  const file = JSON.parse(readFileSync(made.classifier, 'utf8'));
  const v2 = {
    id: 'v2-1.0',
    title: 'MobileNet V2 1.0 (more accurate)',
    weightsManifestSha256: 'bee3d6b613b71119e248f43de937f5b2eae307106803923e0efe6d1672c0a2a4',
    embeddingLayer: 'global_average_pooling2d',
    size: 1280,
    preprocessing: { ...file.features.backbones[0].preprocessing, scale: { divide: 128, subtract: 1 } },
  };
  file.name = 'Made with V2';
  file.features = { id: 'v2-1.0', flip: false, combine: 'none', size: 1280, backbones: [v2] };
  file.classifier.dim = 1280;
  file.classifier.weights = species.map((_, c) => Array.from({ length: 1280 }, (_, d) => Math.sin(d * (c + 1)) / 10));
  file.evaluation = null;

  await openApp(page);
  await page
    .getByLabel('Open a classifier file')
    .setInputFiles({ name: 'v2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  const status = page.getByTestId('opened-engine');
  await expect(status).toHaveText(
    /This classifier was made with MobileNet V2 1\.0 \(more accurate\), so that model is being loaded for it/,
  );
  await expect(status).toHaveText('Ready: running MobileNet V2 1.0 (more accurate), which this classifier was made with.', {
    timeout: 120_000,
  });
  await answerFor(page, heldOut[0]);
  await expect(page.getByTestId('embedding-length')).toHaveText('1280');
  await expect(page.getByTestId('prediction').locator('li')).toHaveCount(3);

  // Back in the trainer, its own features (the default, V1 0.75 + V2 1.0, 8-bit) are the ones that run.
  await page.getByRole('button', { name: 'Back to your projects' }).click();
  await page.getByLabel('Choose a photo to try').setInputFiles(heldOut[1]);
  await expect(page.getByTestId('embedding-length')).toHaveText('2048');
});
