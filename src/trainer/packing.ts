/**
 * Training data with its embeddings one after another in one buffer, which is handed to the
 * training worker (transferred) rather than cloned array by array: at thousands of photos,
 * cloning each photo's embedding held the page for a few hundred milliseconds on every relearn.
 */
import type { TrainingData } from '../head';

export interface PackedTrainingData {
  classes: string[];
  labels: number[];
  /** Row i is embedding i, `dimension` numbers long. */
  embeddings: Float32Array;
  dimension: number;
}

/** A copy in one buffer; post it with `[packed.embeddings.buffer]` as the transfer list. */
export function packTrainingData({ classes, labels, embeddings }: TrainingData): PackedTrainingData {
  const dimension = embeddings[0]?.length ?? 0;
  const packed = new Float32Array(embeddings.length * dimension);
  embeddings.forEach((row, i) => {
    if (row.length !== dimension) throw new Error(`Embedding ${i} has ${row.length} numbers, not ${dimension}.`);
    packed.set(row, i * dimension);
  });
  return { classes, labels, embeddings: packed, dimension };
}

/** The rows as views into the one buffer (no copy). */
export function unpackTrainingData({ classes, labels, embeddings, dimension }: PackedTrainingData): TrainingData {
  return { classes, labels, embeddings: labels.map((_, i) => embeddings.subarray(i * dimension, (i + 1) * dimension)) };
}
