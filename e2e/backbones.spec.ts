/**
 * The app's backbones on LiteRT.js in its own pipeline (V1 0.75 and V2 1.0 with 8-bit weights, made
 * by `npm run setup`), and the feature configurations built on them: the ensemble and flip averaging.
 */
import { expect, test, type Page } from '@playwright/test';
import { serveDatasets } from './files';

const files = ['hot_dog.jpg', 'cat.bmp', 'bird.bmp', 'dragonfly.bmp'];
const urls = files.map((file) => `/datasets/photos/${file}`);

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

test('each backbone names hot_dog.jpg a hotdog; the 8-bit V1 agrees with the float one on all four', async ({ page }) => {
  const guessesOf = async (featuresId: string) => (await embed(page, featuresId, urls, 4, 3)).results.map((r) => r.guesses![0]);
  const float = await guessesOf('v1-0.75');
  for (const featuresId of ['v1-0.75-int8', 'v1-0.75-f32']) {
    const top = await guessesOf(featuresId);
    console.log(
      `${featuresId} top-1: ${top.map((g, i) => `${files[i]} "${g.label}" ${g.probability.toFixed(3)} (TF.js float ${float[i].probability.toFixed(3)})`).join('; ')}`,
    );
    expect(top[0].label, `${featuresId} on hot_dog.jpg`).toBe('hotdog');
    top.forEach((guess, i) => {
      expect(guess.label, `${featuresId} on ${files[i]}`).toBe(float[i].label);
      expect(Math.abs(guess.probability - float[i].probability), `${featuresId} on ${files[i]}`).toBeLessThan(0.1);
    });
  }
  // V2 8-bit's guesses come from Google's own int8 classifier layer, a model of its own loaded at the first guess.
  const v2 = await guessesOf('v2-1.0-int8');
  console.log(`v2-1.0-int8 top-1: ${v2.map((g, i) => `${files[i]} "${g.label}" ${g.probability.toFixed(3)}`).join('; ')}`);
  expect(v2[0].label, 'v2-1.0-int8 on hot_dog.jpg').toBe('hotdog');
});

test('the V1 + V2 ensemble is both embeddings, each unit length, side by side', async ({ page }) => {
  test.setTimeout(180_000);
  const photos = urls.slice(0, 3);
  const ensemble = await embed(page, 'v1-0.75-int8+v2-1.0-int8', photos, 2, 1);
  expect(ensemble.ready).toMatchObject({ featuresId: 'v1-0.75-int8+v2-1.0-int8', embeddingSize: 2048 });
  const v1 = await embed(page, 'v1-0.75-int8', photos, 2);
  const v2 = await embed(page, 'v2-1.0-int8', photos, 2);
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
  const [plain, plainMirror] = await embedWithMirror('v2-1.0-int8');
  const [flipped, flippedMirror] = await embedWithMirror('v2-1.0-int8+flip');
  expect(flipped).toHaveLength(1280);
  const mean = plain.map((x, i) => (x + plainMirror[i]) / 2);
  const similarities = {
    'flip vs mean(photo, mirror)': cosine(flipped, mean),
    'flip of photo vs flip of mirror': cosine(flipped, flippedMirror),
    'photo vs mirror, no flip': cosine(plain, plainMirror),
  };
  console.log(`v2-1.0-int8+flip on hot_dog.jpg: ${JSON.stringify(similarities)}`);
  expect(similarities['flip vs mean(photo, mirror)']).toBeGreaterThan(0.999);
  expect(similarities['flip of photo vs flip of mirror']).toBeGreaterThan(0.999);
  // The mirror really is a different input, so the average is not just the photo's embedding.
  expect(similarities['photo vs mirror, no flip']).toBeLessThan(0.999);
});

test('throughput on wasm, per feature configuration', async ({ page }) => {
  test.setTimeout(300_000);
  const photos = Array.from({ length: 16 }, (_, i) => urls[i % urls.length]);
  const rates: Record<string, number> = {};
  for (const featuresId of ['v1-0.75-int8', 'v2-1.0-int8', 'v1-0.75-int8+v2-1.0-int8', 'v2-1.0-int8+flip']) {
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
