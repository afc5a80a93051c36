/**
 * Workers that die (out of memory, a driver crash): the model's and the one that learns are
 * started again, the status line says so, and the app goes on working; one that keeps dying is
 * given up on, plainly. A worker is made to die by an uncaught error inside it, which the page
 * hears as the Worker's 'error' event, as it does a crash.
 */
import { expect, test, type Worker } from '@playwright/test';
import { card, dropOn, flowerFiles, openApp } from './trainer-helpers';
import { workerNamed } from './workers';

async function crash(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('A crash, for the test.');
    });
  });
}

test('a model or learning worker that dies is started again, said in the status line, and works as before', async ({ page }) => {
  // Dying while it loads the model (when this machine is slow enough to catch it then): the start
  // waits for the new worker rather than failing.
  await page.goto('/?backend=wasm');
  await crash(await workerNamed(page, 'handful-engine'));
  const status = page.getByTestId('engine-status');
  await expect(status).toHaveText('Ready. The model stopped and was restarted (1).');
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 2));
  await expect(card(page, 0).getByTestId('photo-count')).toHaveText('2 photos');

  await crash(await workerNamed(page, 'handful-trainer'));
  await expect(status).toHaveText('Ready. The model stopped and was restarted (1). Learning stopped and was restarted (1).');
  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 2));
  await expect(page.getByTestId('training-status')).toHaveText('Up to date.');
});

test('a worker that keeps dying is not started again, and the page says what to do', async ({ page }) => {
  await openApp(page);
  let trainer = await workerNamed(page, 'handful-trainer');
  for (let restarts = 1; restarts <= 3; restarts++) {
    await crash(trainer);
    await expect(page.getByTestId('learning-fault')).toHaveText(`Learning stopped and was restarted (${restarts}).`);
    trainer = await workerNamed(page, 'handful-trainer', trainer);
  }
  await crash(trainer);
  await expect(page.getByTestId('learning-fault')).toHaveText(
    'Learning stopped 4 times within a minute, so it was not started again. Reload the page to try again.',
  );
  await dropOn(card(page, 0).getByTestId('class-drop'), flowerFiles('train', 'daisy', 0, 2));
  await dropOn(card(page, 1).getByTestId('class-drop'), flowerFiles('train', 'sunflower', 0, 2));
  await expect(page.getByTestId('training-status')).toContainText('Reload the page to try again.');
});
