import { expect, test, type Page } from '@playwright/test';
import { serveDatasets } from './files';
import type { BackendName } from '../src/engine';

const photos = ['hot_dog.jpg', 'cat.bmp', 'dragonfly.bmp'].map((name) => `/datasets/photos/${name}`);

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

async function embedWith(page: Page, featuresId: string, backend: BackendName): Promise<number[][]> {
  await page.evaluate(({ f, b }) => window.handfulLab.start(f, b, 4), { f: featuresId, b: backend });
  const { results } = await page.evaluate((urls) => window.handfulLab.embedUrls(urls), photos);
  return results.map((r) => {
    expect(r.problem).toBeUndefined();
    return r.embedding!;
  });
}

test('the backends agree: LiteRT on WASM and on WebGPU, and V1 on LiteRT against TF.js', async ({ page }) => {
  test.setTimeout(300_000);
  const compare = (what: string, a: number[][], b: number[][], least: number) =>
    a.forEach((embedding, i) => {
      const similarity = cosine(embedding, b[i]);
      console.log(`${what} ${photos[i]}: cosine ${similarity.toFixed(6)}`);
      expect(similarity, `${what} on ${photos[i]}`).toBeGreaterThan(least);
    });
  const featuresId = await page.evaluate(() => window.handfulLab.defaultFeaturesId);
  const onWasm = await embedWith(page, featuresId, 'wasm');
  // SwiftShader's WebGPU here: the automatic choice never picks a software adapter, but asked for, it runs.
  compare(`${featuresId} webgpu vs wasm`, await embedWith(page, featuresId, 'webgpu'), onWasm, 0.99);
  // The same float V1 network on two runtimes: LiteRT's embedding file against TF.js's model.
  compare(
    'v1-0.75-f32 (LiteRT) vs v1-0.75 (TF.js cpu)',
    await embedWith(page, 'v1-0.75-f32', 'wasm'),
    await embedWith(page, 'v1-0.75', 'cpu'),
    0.999,
  );
});

test('a TF.js batch leaves no tensor behind', async ({ page }) => {
  // Both earlier backbones with flips: two models and twice the images per batch.
  await page.evaluate(() => window.handfulLab.start('v1-0.75+v2-1.0+flip', 'wasm', 2));
  const before = await page.evaluate(() => window.handfulLab.stats());
  // Three photos with batch size 2: a full batch and a partial one.
  const { results } = await page.evaluate((urls) => window.handfulLab.embedUrls(urls, 3), photos);
  expect(results.every((r) => r.embedding !== undefined)).toBe(true);
  const after = await page.evaluate(() => window.handfulLab.stats());
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numBytes).toBe(before.numBytes);
});

test('a first start is ready on LiteRT’s WASM runtime with every core, measuring nothing without a graphics card', async ({ page }) => {
  const ready = await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'auto', 8));
  expect(ready.backend).toBe('wasm');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  expect(ready.runtime).toBe(`LiteRT WASM, threads (${cores})`);
  // Fewer threads when asked (the benchmark compares leaving a core to the photo decoder).
  const fewer = await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 8, 1));
  expect(fewer.runtime).toBe('LiteRT WASM, threads (1)');
  // SwiftShader's WebGPU adapter is software on the same processor: not worth measuring.
  expect(ready.measuring).toBe(false);
});

test('after guesses with the default features, the engine starts on other features', async ({ page }) => {
  // The ImageNet classifier is a third model beside the two backbones: a model whose thread the
  // runtime had to make on demand hung the worker when it was disposed of (a restart), for ever.
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 8));
  const { results } = await page.evaluate((urls) => window.handfulLab.embedUrls(urls, 3), [photos[0]]);
  expect(results[0].guesses?.[0].label).toBe('hotdog');
  const ready = await page.evaluate(() => window.handfulLab.start('v1-0.75-int8', 'wasm', 8));
  expect(ready.featuresId).toBe('v1-0.75-int8');
});

test('the app remembers its backend and lets the user override it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('engine-status')).toHaveText('Ready.', { timeout: 120_000 });
  await page.getByText('Details').click();
  await expect(page.getByTestId('backend')).toHaveText('wasm');
  await page.getByTestId('backend-choice').selectOption('webgpu');
  await expect(page.getByTestId('backend')).toHaveText('webgpu', { timeout: 120_000 });
  await page.reload();
  await page.getByText('Details').click();
  await expect(page.getByTestId('backend')).toHaveText('webgpu', { timeout: 120_000 });
});

test('a bad file in a batch is reported by index and the rest are embedded', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 8));
  const { results } = await page.evaluate(async () => {
    const good = await (await fetch('/datasets/photos/bird.bmp')).blob();
    return window.handfulLab.embedBlobs([new Blob(['not an image'], { type: 'image/jpeg' }), good]);
  });
  expect(results.find((r) => r.index === 0)?.problem).toMatch(/not a picture/);
  expect(results.find((r) => r.index === 1)?.embedding?.length).toBeGreaterThan(0);
});

test('embedding can be cancelled part way, and the engine keeps working', async ({ page }) => {
  await page.evaluate(() => window.handfulLab.start(window.handfulLab.defaultFeaturesId, 'wasm', 1));
  const many = Array.from({ length: 12 }, (_, i) => photos[i % photos.length]);
  const first = await page.evaluate((urls) => window.handfulLab.embedUrls(urls, 0, 2), many);
  expect(first.cancelled).toBe(true);
  expect(first.results.length).toBeLessThan(many.length);
  const again = await page.evaluate((urls) => window.handfulLab.embedUrls(urls), photos);
  expect(again.cancelled).toBe(false);
  expect(again.results).toHaveLength(3);
});
