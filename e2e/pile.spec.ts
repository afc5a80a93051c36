/**
 * Sorting a pile as a person does: an unsorted folder of 60 flower photos (three species, names that
 * do not give the species away), a few answered from "Check these next" by keyboard only, the sure
 * ones accepted, everything still there after a reload, and the CSV checked against the true species.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { card, flowers, openApp, renameClass } from './trainer-helpers';

const species = ['sunflower', 'daisy', 'bluebell'];

/** trip/day 1/IMG_0001.jpg …: 20 photos of each species, interleaved, over two subfolders. */
function unsortedFolder(): { folder: string; speciesOf: Map<string, string> } {
  const root = mkdtempSync(join(tmpdir(), 'handful-pile-'));
  const speciesOf = new Map<string, string>();
  const sources = species.map((name) =>
    readdirSync(flowers('train', name))
      .sort()
      .slice(0, 20)
      .map((file) => join(flowers('train', name), file)),
  );
  let n = 0;
  for (let i = 0; i < 20; i++) {
    for (const [s, name] of species.entries()) {
      n++;
      const day = `day ${1 + (n % 2)}`;
      mkdirSync(join(root, 'trip', day), { recursive: true });
      const file = `IMG_${String(n).padStart(4, '0')}.jpg`;
      copyFileSync(sources[s][i], join(root, 'trip', day, file));
      speciesOf.set(`trip/${day}/${file}`, name);
    }
  }
  return { folder: join(root, 'trip'), speciesOf };
}

async function pileCounts(page: Page) {
  return {
    pile: await page.getByTestId('pile-count').textContent(),
    classes: await Promise.all(species.map((_, i) => card(page, i).getByTestId('photo-count').textContent())),
  };
}

function parseCsv(text: string): string[][] {
  // The app's CSV quotes fields with commas or quotes; these paths and names have neither.
  return text
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

test('sorts an unsorted folder: review by keyboard, accept the sure ones, reload, export the CSV', async ({ page }) => {
  test.setTimeout(480_000);
  const { folder, speciesOf } = unsortedFolder();
  await openApp(page);
  await page.getByRole('button', { name: '+ Add a class' }).click();
  for (const [i, name] of species.entries()) await renameClass(page, i, name);

  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(0);
  await page.getByLabel('Add a folder of unsorted photos').setInputFiles(folder);
  await expect(page.getByTestId('import-progress')).toBeVisible();
  // The model looks at 60 photos (about a minute on a busy two-core machine).
  await expect(page.getByTestId('pile-count')).toHaveText(/^60 unsorted photos\./, { timeout: 240_000 });
  await expect(page.getByTestId('import-progress')).toHaveCount(0);

  console.log(`60 photos in the pile after ${seconds()} s`);
  // Keyboard only: the person tabs to the review panel and answers with number keys.
  const review = page.getByTestId('review');
  const photo = review.getByTestId('review-photo');
  await review.focus();
  const pathOf = async () => (await review.locator('.review-name').textContent())!;
  let answered = 0;
  let skippedOnce = false;
  let undoneOnce = false;
  const labelledPerClass = new Map(species.map((name) => [name, 0]));
  while (answered < 24 || [...labelledPerClass.values()].some((n) => n < 3)) {
    expect(answered, 'answers needed before every class has three photos').toBeLessThan(45);
    await expect(photo).toBeVisible();
    const path = await pathOf();
    const truth = speciesOf.get(path)!;
    expect(truth, `the review shows a photo of the pile (${path})`).toBeDefined();
    if (!skippedOnce && answered === 2) {
      skippedOnce = true;
      await page.keyboard.press('s');
      await expect(review.locator('.review-name')).not.toHaveText(path);
      await page.keyboard.press('u');
      await expect(review.locator('.review-name')).toHaveText(path);
    }
    await page.keyboard.press(String(species.indexOf(truth) + 1));
    await expect(review.locator('.review-name')).not.toHaveText(path);
    if (!undoneOnce && answered === 4) {
      // A wrong answer taken back: the photo returns to the screen and leaves the class.
      undoneOnce = true;
      await page.keyboard.press('u');
      await expect(review.locator('.review-name')).toHaveText(path);
      await page.keyboard.press(String(species.indexOf(truth) + 1));
      await expect(review.locator('.review-name')).not.toHaveText(path);
    }
    labelledPerClass.set(truth, labelledPerClass.get(truth)! + 1);
    answered++;
  }
  console.log(`${seconds()} s: answered ${answered} from the queue: ${JSON.stringify(Object.fromEntries(labelledPerClass))}`);
  for (const [i, name] of species.entries())
    await expect(card(page, i).getByTestId('photo-count')).toHaveText(`${labelledPerClass.get(name)} photos`);
  await expect(page.getByTestId('pile-count')).toHaveText(new RegExp(`^${60 - answered} unsorted photos\\.`));

  // Accept the sure ones, class by class, once the classifier has caught up with the answers.
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  const accept = page.getByTestId('accept');
  await expect(accept.getByRole('button', { name: /^Accept \d+ as/ }).first()).toBeEnabled();
  const offers = await accept.getByTestId('accept-class').allTextContents();
  console.log(`accept offers: ${JSON.stringify(offers)}`);
  let acceptedCount = 0;
  const acceptButtons = accept.getByRole('button', { name: /^Accept \d+ as/ });
  for (let offered = await acceptButtons.count(); offered > 0; offered--) {
    acceptedCount += Number((await acceptButtons.first().textContent())!.match(/\d+/)![0]);
    await acceptButtons.first().click();
    // Accepting takes those photos off the offer (the others stay until the next fit).
    await expect(acceptButtons).toHaveCount(offered - 1);
  }
  expect(acceptedCount).toBeGreaterThan(0);
  await expect(page.getByTestId('pile-count')).toHaveText(
    // "1 unsorted photo" when one is left.
    new RegExp(`^${60 - answered - acceptedCount} unsorted photos?, ${acceptedCount} accepted\\.`),
  );
  await expect(
    page
      .getByTestId('pile-photo')
      .filter({ hasText: /^Accepted: / })
      .first(),
  ).toBeVisible();

  // The map lays out every photo (drawn on one canvas).
  await page.getByRole('button', { name: 'Show a map of the photos' }).click();
  await expect(page.getByLabel(/^Map of 60 photos/)).toBeVisible();
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="pile"]').analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Reload in the middle: the pile, the answers and the acceptances are all still there. This
  // browser then plays one without the folder picker, so the sorted copies come as a .zip.
  await expect(page.getByTestId('save-state')).toHaveText(/^All saved on this device/);
  const before = await pileCounts(page);
  await page.addInitScript(() => delete (window as { showDirectoryPicker?: unknown }).showDirectoryPicker);
  await page.reload();
  await expect(page.getByTestId('pile-count')).toBeVisible();
  expect(await pileCounts(page)).toEqual(before);

  // The CSV: every photo once, by-hand labels all right, accepted ones nearly all right.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export labels (CSV)' }).click()]);
  const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
  expect(rows[0]).toEqual(['relative_path', 'file_name', 'label', 'how', 'confidence']);
  const body = rows.slice(1);
  expect(body).toHaveLength(60);
  expect(new Set(body.map((row) => row[0]))).toEqual(new Set(speciesOf.keys()));
  const byHow = (how: string) => body.filter((row) => row[3] === how);
  expect(byHow('by hand')).toHaveLength(answered);
  expect(byHow('accepted suggestion')).toHaveLength(acceptedCount);
  expect(byHow('by hand').every((row) => speciesOf.get(row[0]) === row[2])).toBe(true);
  const acceptedRight = byHow('accepted suggestion').filter((row) => speciesOf.get(row[0]) === row[2]).length;
  const suggestedRight = byHow('unsorted').filter((row) => speciesOf.get(row[0]) === row[2]).length;
  console.log(
    `CSV: ${answered} by hand, ${acceptedRight} of ${acceptedCount} accepted right, ${suggestedRight} of ${byHow('unsorted').length} remaining suggestions right`,
  );
  expect(acceptedRight / acceptedCount).toBeGreaterThanOrEqual(0.9);
  const [zipped] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download sorted copies (.zip)' }).click(),
  ]);
  const entries = Object.keys(unzipSync(readFileSync((await zipped.path())!)));
  expect(entries).toHaveLength(answered + acceptedCount);
  for (const row of [...byHow('by hand'), ...byHow('accepted suggestion')]) expect(entries).toContain(`${row[2]}/${row[1]}`);
  // After a reload the originals are gone, and the page says so rather than pretending.
  await expect(page.getByTestId('originals-missing')).toContainText(
    `${answered + acceptedCount} photos were added before this page was last opened`,
  );
});
