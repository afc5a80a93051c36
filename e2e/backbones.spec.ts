/**
 * MobileNet V2 1.0 (converted from Google's 8-bit TFLite file by `npm run setup`) in the app's own
 * pipeline, and the feature configurations built on it: the V1 + V2 ensemble and flip averaging.
 */
import { expect, test, type Page } from '@playwright/test';
import { serveDatasets } from './files';

/** Top-1 of an independent float re-implementation, which resized with Pillow's antialiased bilinear. */
const reference = [
  { file: 'hot_dog.jpg', label: 'hotdog', probability: 0.973 },
  { file: 'cat.bmp', label: 'Egyptian cat', probability: 0.849 },
  { file: 'bird.bmp', label: 'chickadee', probability: 0.999 },
  { file: 'dragonfly.bmp', label: 'dragonfly', probability: 0.962 },
];
const urls = reference.map(({ file }) => `/datasets/photos/${file}`);

async function embed(page: Page, featuresId: string, photos: string[], batchSize = 4, guesses = 0) {
  const ready = await page.evaluate(({ id, size }) => window.handfulLab.start(id, 'wasm', size), { id: featuresId, size: batchSize });
  const { results, seconds } = await page.evaluate(({ list, k }) => window.handfulLab.embedUrls(list, k), { list: photos, k: guesses });
  results.forEach((r) => expect(r.problem, `${featuresId} ${photos[r.index]}`).toBeUndefined());
  return { ready, results, seconds };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, x, i) => sum + x * b[i], 0);
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => dot(a, b) / (norm(a) * norm(b));

test.beforeEach(async ({ page }) => {
  await serveDatasets(page);
  await page.goto('/lab.html');
});

test('MobileNet V2 1.0 names the four reference photos as the TFLite original does', async ({ page }) => {
  const { ready, results } = await embed(page, 'v2-1.0', urls, 4, 3);
  expect(ready).toMatchObject({ featuresId: 'v2-1.0', embeddingSize: 1280, backend: 'wasm' });
  const lines = reference.map((ref, i) => {
    const top = results[i].guesses![0];
    return `${ref.file}: "${top.label}" ${top.probability.toFixed(4)} (reference "${ref.label}" ${ref.probability}, difference ${(top.probability - ref.probability).toFixed(4)})`;
  });
  console.log(`v2-1.0 top-1 in the browser (wasm):\n  ${lines.join('\n  ')}`);
  reference.forEach((ref, i) => {
    const { embedding, guesses } = results[i];
    expect(embedding).toHaveLength(1280);
    expect(guesses!.map((g) => g.label)).not.toContain('background');
    expect(guesses![0].label, ref.file).toBe(ref.label);
    // The browser's resampler is not Pillow's: 0.05 rather than the converter test's 0.02.
    expect(Math.abs(guesses![0].probability - ref.probability), ref.file).toBeLessThanOrEqual(0.05);
  });
});

test('the V1 + V2 ensemble is both embeddings, each unit length, side by side', async ({ page }) => {
  test.setTimeout(180_000);
  const photos = urls.slice(0, 3);
  const ensemble = await embed(page, 'v1-0.75+v2-1.0', photos, 2, 1);
  expect(ensemble.ready).toMatchObject({ featuresId: 'v1-0.75+v2-1.0', embeddingSize: 2048 });
  const v1 = await embed(page, 'v1-0.75', photos, 2);
  const v2 = await embed(page, 'v2-1.0', photos, 2);
  ensemble.results.forEach((result, i) => {
    const embedding = result.embedding!;
    expect(embedding).toHaveLength(2048);
    const [first, second] = [embedding.slice(0, 768), embedding.slice(768)];
    expect(norm(first)).toBeCloseTo(1, 4);
    expect(norm(second)).toBeCloseTo(1, 4);
    // Each half points where that backbone alone points.
    expect(cosine(first, v1.results[i].embedding!)).toBeGreaterThan(0.9999);
    expect(cosine(second, v2.results[i].embedding!)).toBeGreaterThan(0.9999);
  });
  // Guesses come from the first backbone, V1 (1000 labels, no background).
  expect(ensemble.results[0].guesses![0].label).toBe('hotdog');
});

test('flip averaging is the mean of the photo’s and its mirror image’s embeddings', async ({ page }) => {
  test.setTimeout(180_000);
  // hot_dog.jpg is 512 x 384: its centred square has equal margins, so the mirror's square is the square's mirror.
  const embedWithMirror = (featuresId: string) =>
    page.evaluate(async (id) => {
      const photo = await (await fetch('/datasets/photos/hot_dog.jpg')).blob();
      const bitmap = await createImageBitmap(photo);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.scale(-1, 1);
      context.drawImage(bitmap, -bitmap.width, 0);
      const mirrored = await canvas.convertToBlob({ type: 'image/png' });
      await window.handfulLab.start(id, 'wasm', 2);
      const { results } = await window.handfulLab.embedBlobs([photo, mirrored]);
      return results.map((r) => r.embedding!);
    }, featuresId);
  const [plain, plainMirror] = await embedWithMirror('v2-1.0');
  const [flipped, flippedMirror] = await embedWithMirror('v2-1.0+flip');
  expect(flipped).toHaveLength(1280);
  const mean = plain.map((x, i) => (x + plainMirror[i]) / 2);
  const similarities = {
    'flip vs mean(photo, mirror)': cosine(flipped, mean),
    'flip of photo vs flip of mirror': cosine(flipped, flippedMirror),
    'photo vs mirror, no flip': cosine(plain, plainMirror),
  };
  console.log(`v2-1.0+flip on hot_dog.jpg: ${JSON.stringify(similarities)}`);
  expect(similarities['flip vs mean(photo, mirror)']).toBeGreaterThan(0.999);
  expect(similarities['flip of photo vs flip of mirror']).toBeGreaterThan(0.999);
  // The mirror really is a different input, so the average is not just the photo's embedding.
  expect(similarities['photo vs mirror, no flip']).toBeLessThan(0.999);
});

test('throughput on wasm, per feature configuration', async ({ page }) => {
  test.setTimeout(300_000);
  const photos = Array.from({ length: 16 }, (_, i) => urls[i % urls.length]);
  const rates: Record<string, number> = {};
  for (const featuresId of ['v1-0.75', 'v2-1.0', 'v1-0.75+v2-1.0', 'v2-1.0+flip']) {
    const { ready } = await embed(page, featuresId, urls, 8); // warm-up: compiles the kernels
    const { results, seconds, wallSeconds } = await page.evaluate(async (list) => {
      const startedAt = performance.now();
      const run = await window.handfulLab.embedUrls(list);
      return { ...run, wallSeconds: (performance.now() - startedAt) / 1000 };
    }, photos);
    // A rate only means something for work really done: every photo embedded, in its place (the
    // 16 photos are the 4 repeated, so a batch that mixes up or drops photos shows), and timed
    // within the call that did it (which also fetched the photos, so it took at least as long).
    expect(results.map((r) => r.index)).toEqual(photos.map((_, i) => i));
    for (const [i, result] of results.entries()) {
      expect(result.problem, `${featuresId} photo ${i}`).toBeUndefined();
      expect(result.embedding, `${featuresId} photo ${i}`).toHaveLength(ready.embeddingSize);
      expect(
        cosine(result.embedding!, results[i % urls.length].embedding!),
        `${featuresId} photo ${i} against its first copy`,
      ).toBeGreaterThan(0.9999);
    }
    expect(cosine(results[0].embedding!, results[1].embedding!), `${featuresId}: two different photos`).toBeLessThan(0.99);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(wallSeconds);
    rates[featuresId] = Number((photos.length / seconds).toFixed(1));
  }
  console.log(`images/s on wasm, batches of 8 (decode + embed): ${JSON.stringify(rates)}`);
});
