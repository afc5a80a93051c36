import { expect, test, type Page } from '@playwright/test';
import { serveDatasets } from './files';
import type { BackendName } from '../src/engine';

const photos = ['hot_dog.jpg', 'cat.bmp', 'dragonfly.bmp'].map((name) => `/datasets/photos/${name}`);

async function embedOn(page: Page, backend: BackendName): Promise<number[][]> {
  await page.evaluate((b) => window.handfulLab.start('v1-0.75', b, 4), backend);
  const { results } = await page.evaluate((urls) => window.handfulLab.embedUrls(urls), photos);
  return results.map((r) => {
    expect(r.problem).toBeUndefined();
    return r.embedding!;
  });
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i];
    na += x * x;
    nb += b[i] * b[i];
  });
  return dot / Math.sqrt(na * nb);
}

test.beforeEach(async ({ page }) => {
  await serveDatasets(page);
  await page.goto('/lab.html');
});

test('every backend this browser offers gives the CPU backend’s embeddings (cosine > 0.999)', async ({ page }) => {
  test.setTimeout(300_000);
  const reference = await embedOn(page, 'cpu');
  expect(reference[0]).toHaveLength(768);
  for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
    const embeddings = await embedOn(page, backend);
    embeddings.forEach((embedding, i) => {
      const similarity = cosine(embedding, reference[i]);
      console.log(`${backend} ${photos[i]}: cosine ${similarity.toFixed(6)}`);
      expect(similarity, `${backend} on ${photos[i]}`).toBeGreaterThan(0.999);
    });
  }
});

test('a batch leaves no tensor behind', async ({ page }) => {
  // One backbone, then both backbones with flips: two models and twice the images per batch.
  for (const featuresId of ['v1-0.75', 'v1-0.75+v2-1.0+flip']) {
    await page.evaluate((id) => window.handfulLab.start(id, 'wasm', 2), featuresId);
    const before = await page.evaluate(() => window.handfulLab.stats());
    // Three photos with batch size 2: a full batch and a partial one.
    const { results } = await page.evaluate((urls) => window.handfulLab.embedUrls(urls, 3), photos);
    expect(results, featuresId).toHaveLength(3);
    expect(
      results.every((r) => r.embedding !== undefined),
      featuresId,
    ).toBe(true);
    const after = await page.evaluate(() => window.handfulLab.stats());
    expect(after.numTensors, featuresId).toBe(before.numTensors);
    expect(after.numBytes, featuresId).toBe(before.numBytes);
  }
});

test('automatic choice measures every backend and keeps the fastest', async ({ page }) => {
  test.setTimeout(300_000);
  const ready = await page.evaluate(() => window.handfulLab.start('v1-0.75', 'auto', 8));
  const measured = ready.measurements!.filter((m) => m.imagesPerSecond !== undefined);
  console.log(JSON.stringify(ready.measurements));
  expect(measured.map((m) => m.backend)).toEqual(expect.arrayContaining(['wasm', 'cpu']));
  const fastest = measured.reduce((a, b) => (b.imagesPerSecond! > a.imagesPerSecond! ? b : a));
  expect(ready.backend).toBe(fastest.backend);
});

test('the app remembers the measured backend and lets the user override it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.', { timeout: 240_000 });
  await page.getByText('Details').click();
  const measured = await page.getByTestId('backend').textContent();
  await page.reload();
  // No second measurement: the saved choice is used straight away.
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.', { timeout: 20_000 });
  await page.getByText('Details').click();
  await expect(page.getByTestId('backend')).toHaveText(measured!);
  await page.getByTestId('backend-choice').selectOption('cpu');
  await expect(page.getByTestId('backend')).toHaveText('cpu');
  await page.reload();
  await page.getByText('Details').click();
  await expect(page.getByTestId('backend')).toHaveText('cpu');
});

test('a bad file in a batch is reported by index and the rest are embedded', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start('v1-0.75', 'wasm', 8));
  const { results } = await page.evaluate(async () => {
    const good = await (await fetch('/datasets/photos/bird.bmp')).blob();
    return window.handfulLab.embedBlobs([new Blob(['not an image'], { type: 'image/jpeg' }), good]);
  });
  expect(results.find((r) => r.index === 0)?.problem).toMatch(/not a picture/);
  expect(results.find((r) => r.index === 1)?.embedding).toHaveLength(768);
});

test('embedding can be cancelled part way, and the engine keeps working', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start('v1-0.75', 'wasm', 1));
  const many = Array.from({ length: 12 }, (_, i) => photos[i % photos.length]);
  const first = await page.evaluate((urls) => window.handfulLab.embedUrls(urls, 0, 2), many);
  expect(first.cancelled).toBe(true);
  expect(first.results.length).toBeLessThan(many.length);
  const again = await page.evaluate((urls) => window.handfulLab.embedUrls(urls), photos);
  expect(again.cancelled).toBe(false);
  expect(again.results).toHaveLength(3);
});
