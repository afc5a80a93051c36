/**
 * The trainer worker at thousands of photos, for scripts/bench-refit.ts through the lab page: a
 * first fit, then, while its head is being evaluated, a warm refit after one more photo, as
 * `npm run stress` does it in the app, but on embeddings the benchmark hands over.
 */
import type { LogisticModel, TrainingData } from '../head';
import { createTrainer, type TrainerClient } from './client';

export interface RefitSample {
  /** From the page's request until the head is back on the page, and in the worker. */
  firstMs: number;
  firstWorkerMs: number;
  refitMs: number;
  refitWorkerMs: number;
  /** The refit's head, to compare builds number for number. */
  refitModel: LogisticModel;
}

let photos: { before: TrainingData; after: TrainingData } | undefined;

/**
 * Reads `count` embeddings of `dimension` numbers (little-endian float32, one after another) and
 * their labels; `before` is all of them but row `extra`, the photo added for the refit.
 */
export async function loadPhotos(url: string, classes: string[], labels: number[], dimension: number, extra: number): Promise<void> {
  const numbers = new Float32Array(await (await fetch(url)).arrayBuffer());
  const embeddings = labels.map((_, i) => numbers.slice(i * dimension, (i + 1) * dimension));
  const keep = (_: unknown, i: number) => i !== extra;
  photos = {
    before: { classes, embeddings: embeddings.filter(keep), labels: labels.filter(keep) },
    after: { classes, embeddings, labels },
  };
}

let trainer: TrainerClient | undefined;
let first: { model: LogisticModel; firstMs: number; firstWorkerMs: number } | undefined;

/** A new trainer worker's first fit on all photos but the extra one; its evaluation goes on. */
export async function firstFit(): Promise<void> {
  if (!photos) throw new Error('loadPhotos first');
  // The previous run's worker goes only now, so that its profile can be taken after its refit.
  trainer?.dispose();
  trainer = createTrainer();
  const started = performance.now();
  const trained = await trainer.train(photos.before);
  if (trained.type !== 'trained') throw new Error(`the first fit ended ${trained.type}`);
  first = { model: trained.model, firstMs: performance.now() - started, firstWorkerMs: trained.ms };
}

/** Then, while that head is being evaluated, the refit with the extra photo, warm-started from that head. */
export async function refit(): Promise<RefitSample> {
  if (!photos || !trainer || !first) throw new Error('firstFit first');
  const { model, firstMs, firstWorkerMs } = first;
  first = undefined;
  const started = performance.now();
  const refitted = await trainer.train(photos.after, model);
  if (refitted.type !== 'trained') throw new Error(`the refit ended ${refitted.type}`);
  return { firstMs, firstWorkerMs, refitMs: performance.now() - started, refitWorkerMs: refitted.ms, refitModel: refitted.model };
}
