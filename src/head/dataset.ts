import { HeadError } from './errors';
import { l2Normalize } from './normalize';
import type { TrainingData } from './types';

/** Validated training photos, L2-normalised and packed row-major for the numeric kernels. */
export interface Dataset {
  features: Float32Array;
  labels: Int32Array;
  count: number;
  dim: number;
  classCount: number;
}

export function checkEmbedding(embedding: ArrayLike<number>, dim: number, index: number): void {
  if (embedding.length !== dim) {
    throw new HeadError(
      'dimension-mismatch',
      `Photo ${index} has an embedding of length ${embedding.length}, but ${dim} was expected.`,
      index,
    );
  }
  for (let d = 0; d < dim; d++) {
    if (!Number.isFinite(embedding[d])) {
      throw new HeadError(
        'non-finite-value',
        `Photo ${index} has a broken embedding (it contains NaN or Infinity); remove it or compute it again.`,
        index,
      );
    }
  }
}

/**
 * Photos' rows as preparePhotos makes them (checked, L2-normalised), kept from one training to
 * the next by the embedding array each came from, so that a refit after one more photo prepares
 * only that one: at 5,000 photos of 2,048 numbers preparing them all took a fifth of a warm refit.
 * Keyed by the array itself, so it holds only as long as its arrays' numbers never change (an
 * embedding is never changed once made: other features make new arrays), and it forgets a row once
 * nothing else holds its embedding. Labels and classes are not kept: every training reads them anew.
 */
export class PreparedRows {
  private readonly rows = new WeakMap<ArrayLike<number>, Float32Array>();

  /** The prepared row of `embedding`, if it was prepared before. */
  get(embedding: ArrayLike<number>): Float32Array | undefined {
    return this.rows.get(embedding);
  }

  set(embedding: ArrayLike<number>, row: Float32Array): void {
    this.rows.set(embedding, row);
  }
}

/** Validated photos, L2-normalised, each row in an array of its own (see preparePhotos). */
export interface PreparedPhotos {
  /** Never to be written to: they may be PreparedRows' own. */
  rows: Float32Array[];
  labels: Int32Array;
  count: number;
  dim: number;
  classCount: number;
}

/**
 * Checks everything a head needs and throws a HeadError otherwise. A class without photos is an
 * error rather than silently dropped, so a model's class list always equals the one it was given.
 * With `prepared`, rows prepared before are taken from there (the same numbers, not copied), and
 * new ones are kept there. Rows in arrays of their own serve passes that read every photo once
 * into a matrix of their own anyway (centring: see centredProblem): packing them into one matrix
 * first was a tenth of a warm refit at 5,000 photos.
 */
export function preparePhotos(data: TrainingData, prepared?: PreparedRows): PreparedPhotos {
  const { classes, embeddings, labels } = data;
  if (embeddings.length !== labels.length) {
    throw new HeadError(
      'length-mismatch',
      `Got ${embeddings.length} embeddings but ${labels.length} labels; they must pair up one to one.`,
    );
  }
  const classCount = classes.length;
  labels.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new HeadError('invalid-label', `Photo ${index} is labelled ${label}, which is not one of the ${classCount} classes.`, index);
    }
  });
  const sizes = classSizes(labels, classCount);
  if (sizes.filter((size) => size > 0).length < 2) {
    throw new HeadError('too-few-classes', 'Training needs at least two classes with photos.');
  }
  const emptyClass = sizes.indexOf(0);
  if (emptyClass >= 0) {
    throw new HeadError('empty-class', `Class "${classes[emptyClass]}" has no photos yet; add at least one or remove the class.`);
  }
  const dim = embeddings[0].length;
  if (dim === 0) throw new HeadError('dimension-mismatch', 'Photo 0 has an empty embedding.', 0);
  const rows = embeddings.map((embedding, index) => {
    const known = prepared?.get(embedding);
    if (known && known.length === dim) return known;
    checkEmbedding(embedding, dim, index);
    const row = l2Normalize(embedding);
    prepared?.set(embedding, row);
    return row;
  });
  return { rows, labels: Int32Array.from(labels), count: rows.length, dim, classCount };
}

/** preparePhotos(), packed row-major into one matrix for the numeric kernels. */
export function prepareDataset(data: TrainingData, prepared?: PreparedRows): Dataset {
  return packPhotos(preparePhotos(data, prepared));
}

export function packPhotos({ rows, labels, count, dim, classCount }: PreparedPhotos): Dataset {
  const features = new Float32Array(count * dim);
  rows.forEach((row, index) => features.set(row, index * dim));
  return { features, labels, count, dim, classCount };
}

export function sameClassNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((name, c) => name === b[c]);
}

export function classSizes(labels: ArrayLike<number>, classCount: number): number[] {
  const sizes = new Array<number>(classCount).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return sizes;
}

export function selectRows(dataset: Dataset, rows: ArrayLike<number>): Dataset {
  const { dim } = dataset;
  const features = new Float32Array(rows.length * dim);
  const labels = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    features.set(dataset.features.subarray(row * dim, row * dim + dim), r * dim);
    labels[r] = dataset.labels[row];
  }
  return { features, labels, count: rows.length, dim, classCount: dataset.classCount };
}

/**
 * Weights that give every class present the same total (and all of them sum to 1), so a class
 * with 60 photos does not drown one with 3: each photo weighs 1 / (classesPresent · classSize).
 */
export function balancedWeights(labels: ArrayLike<number>, classCount: number): Float64Array {
  const sizes = classSizes(labels, classCount);
  const present = sizes.filter((size) => size > 0).length;
  const weights = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) weights[i] = 1 / (present * sizes[labels[i]]);
  return weights;
}
