/**
 * `E2E_DIST=dist npx tsx scripts/eval/headFixture.ts` writes src/head/fixtures/flowers12-v1.json:
 * real embeddings for the head's unit tests, which must not depend on ../shared being present.
 * Five training photos of each of the 12 flower classes (sampleShots, seed 1), embedded by the
 * app's engine with the "Fast" features (768 numbers each), as little-endian float32 in base64.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDataset } from './datasets';
import { createEmbeddingSource } from './embeddings';
import { sampleShots } from './sampling';
import { projectRoot, sharedDatasets } from '../lib/lab';

const features = 'v1-0.75';
const dataset = readDataset(join(sharedDatasets, 'oxford_flowers12'));
const chosen = sampleShots(
  dataset.train.map((p) => p.label),
  5,
  1,
);
const photos = chosen.map((i) => dataset.train[i]);
const source = createEmbeddingSource((line) => console.error(line));
try {
  const embeddings = await source.embed(
    features,
    dataset.root,
    photos.map((p) => p.path),
  );
  const packed = new Float32Array(embeddings.length * embeddings[0].length);
  embeddings.forEach((embedding, i) => packed.set(embedding, i * embedding.length));
  const fixture = {
    source: `oxford_flowers12 train split, 5 photos per class (sampleShots seed 1), ${features} embeddings by the app's engine`,
    features,
    classes: dataset.classes,
    files: photos.map((p) => p.path),
    labels: photos.map((p) => p.label),
    dim: embeddings[0].length,
    float32Base64: Buffer.from(packed.buffer).toString('base64'),
  };
  await writeFile(join(projectRoot, 'src', 'head', 'fixtures', 'flowers12-v1.json'), JSON.stringify(fixture, null, 1) + '\n');
} finally {
  await source.close();
}
