/**
 * Real embeddings for the head's benchmarks (scripts/bench-head.ts, scripts/bench-refit.ts): the
 * shared datasets' photos with the features the evaluation harness cached in .cache/embeddings.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { composeFeatures } from '../../src/engine/features';
import type { TrainingData } from '../../src/head/types';

// The same folders as ./lab's. That module is not imported here: loading it (Vite, Playwright)
// makes fits in the same process about a third slower.
const projectRoot = resolve(import.meta.dirname, '..', '..');
const sharedDatasets = resolve(projectRoot, '..', 'shared', 'datasets');

/**
 * The photos of the datasets `sets` (every split of each, one class per folder name) with the
 * features of `backbones` as cached by the evaluation harness (several: composed as the app
 * does), or undefined if any photo is missing.
 */
export function cachedPhotos(sets: { name: string; splits?: string[] }[], backbones: string[]): TrainingData | undefined {
  const cacheRoot = join(projectRoot, '.cache', 'embeddings');
  if (!existsSync(cacheRoot) || !sets.every((set) => existsSync(join(sharedDatasets, set.name)))) return undefined;
  const caches = backbones.map((backbone) => readdirSync(cacheRoot).find((name) => name.startsWith(`${backbone}@`)));
  if (caches.some((cache) => cache === undefined)) return undefined;
  const classes: string[] = [];
  const embeddings: Float32Array[] = [];
  const labels: number[] = [];
  for (const set of sets) {
    const splits = set.splits ?? readdirSync(join(sharedDatasets, set.name)).sort();
    for (const name of readdirSync(join(sharedDatasets, set.name, splits[0])).sort()) {
      const label = classes.push(name) - 1;
      for (const split of splits) {
        const folder = join(sharedDatasets, set.name, split, name);
        for (const file of existsSync(folder) ? readdirSync(folder).sort() : []) {
          const hash = createHash('sha256')
            .update(readFileSync(join(folder, file)))
            .digest('hex');
          const paths = caches.map((cache) => join(cacheRoot, cache!, `${hash}.f32`));
          if (!paths.every((path) => existsSync(path))) return undefined;
          const parts = paths.map((path) => {
            const bytes = readFileSync(path);
            return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          });
          embeddings.push(composeFeatures(parts.map((part) => [part])));
          labels.push(label);
        }
      }
    }
  }
  return { classes, embeddings, labels };
}

export const LARGE_PHOTOS = 5000;
/** The app's defaultFeaturesId (src/engine/backbones.ts, which only loads under Vite). */
export const defaultFeaturesId = 'v1-0.75-int8+v2-1.0-int8';
const everySet = [{ name: 'cats_and_dogs_filtered' }, { name: 'hymenoptera' }, { name: 'oxford_flowers12' }];

/**
 * `photoCount` (LARGE_PHOTOS) photos with the app's default features, for the scale the app must handle: every
 * photo of the shared datasets (16 classes, all splits: 4,356 photos), and the rest of the way
 * the same photos as the earlier (float) models see them, evenly spread over all photos: near
 * copies, as a person's crops and re-shoots of one subject are (and as `npm run stress` makes).
 */
export function largeSet(photoCount = LARGE_PHOTOS): TrainingData | undefined {
  const backbones = defaultFeaturesId.split('+');
  const photos = cachedPhotos(everySet, backbones);
  const nearCopies = cachedPhotos(
    everySet,
    backbones.map((backbone) => backbone.replace(/-int8$/, '')),
  );
  if (!photos || !nearCopies || photos.labels.length >= photoCount) return photos;
  const extra = photoCount - photos.labels.length;
  const rows = Array.from({ length: extra }, (_, j) => Math.floor((j * nearCopies.labels.length) / extra));
  return {
    classes: photos.classes,
    embeddings: [...photos.embeddings, ...rows.map((i) => nearCopies.embeddings[i])],
    labels: [...photos.labels, ...rows.map((i) => nearCopies.labels[i])],
  };
}
