/**
 * One project open in two tabs: one tab edits, the other follows its changes and says so, and
 * can take over; photos added in either end up in the project, none lost to the other's save.
 */
import { expect, test } from '@playwright/test';
import { card, dropOn, flowerFiles, openApp } from './trainer-helpers';

test('two tabs on one project: the second follows, takes over, and both tabs’ photos are kept; eviction risk comes with a one-click backup', async ({
  context,
}) => {
  test.setTimeout(300_000);
  const first = await context.newPage();
  await openApp(first);
  await dropOn(card(first, 0).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 8));
  await expect(card(first, 0).getByTestId('photo-count')).toHaveText('8 photos');
  await expect(first.getByTestId('import-progress')).toHaveCount(0, { timeout: 120_000 });

  // This browser did not promise to keep the data (Chromium decides by use): said, with a one-click backup.
  const risk = first.getByTestId('eviction-risk');
  await expect(risk).toContainText('it may delete your projects');
  const [backup] = await Promise.all([
    first.waitForEvent('download'),
    risk.getByRole('button', { name: 'Back up this project now' }).click(),
  ]);
  expect(backup.suggestedFilename()).toMatch(/\.zip$/);

  const second = await context.newPage();
  await openApp(second);
  const banner = second.getByTestId('other-tab');
  await expect(banner).toContainText('This project is open in another tab; changes there show here.');
  await expect(card(second, 0).getByTestId('photo-count')).toHaveText('8 photos');
  await banner.getByRole('button', { name: 'Edit here instead' }).click();
  await expect(banner).toHaveCount(0);
  await expect(first.getByTestId('other-tab')).toBeVisible();

  await dropOn(card(second, 1).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 8));
  await expect(second.getByTestId('training-status')).toHaveText('Up to date.', { timeout: 120_000 });
  // The first tab shows the second one's photos without a reload.
  await expect(card(first, 1).getByTestId('photo-count')).toHaveText('8 photos');
  await expect(card(first, 0).getByTestId('photo-count')).toHaveText('8 photos');

  // Closing the editing tab hands editing back by itself.
  await second.close();
  await expect(first.getByTestId('other-tab')).toHaveCount(0);
  await first.reload();
  await expect(card(first, 0).getByTestId('photo-count')).toHaveText('8 photos');
  await expect(card(first, 1).getByTestId('photo-count')).toHaveText('8 photos');
  await expect(first.getByTestId('training-status')).toHaveText('Up to date.');
});
