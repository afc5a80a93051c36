/** The webcam, with Chromium's built-in test camera: a moving test pattern, allowed without asking. */
import { expect, test } from '@playwright/test';
import { card, dropOn, flowerFiles, openApp } from './trainer-helpers';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

test('holding the button takes a burst of photos; "Try it" follows the camera live', async ({ page }) => {
  await openApp(page);
  await card(page, 0).getByRole('button', { name: 'Use the camera' }).click();
  const hold = card(page, 0).getByRole('button', { name: 'Hold to take photos' });
  await hold.hover();
  await page.mouse.down();
  await page.waitForTimeout(900);
  await page.mouse.up();
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText(/^[3-6] photos$/);
  await expect(card(page, 0).getByRole('img').first()).toHaveAttribute('alt', /^camera-.*\.jpg$/);
  await card(page, 0).getByRole('button', { name: 'Close the camera' }).click();

  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 3));
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
  const embeddedBefore = await page.evaluate(() => window.__handfulPhotosEmbedded ?? 0);
  await page.getByRole('button', { name: 'Use the camera' }).last().click();
  await expect(page.getByTestId('verdict')).toHaveText(/^(It’s |Not sure)/);
  // Live: frame after frame goes to the model while the camera is on.
  await expect.poll(() => page.evaluate(() => window.__handfulPhotosEmbedded ?? 0)).toBeGreaterThan(embeddedBefore + 2);
  await page.getByRole('button', { name: 'Stop the camera' }).click();
});
