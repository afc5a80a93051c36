/**
 * Training data on its way to the training worker, which keeps the embeddings of the last request
 * it received: each request names its rows by key and carries only the embeddings the worker does
 * not have yet, one after another in one buffer that is transferred rather than cloned. At 5,000
 * photos × 2,048 numbers, copying every embedding into a request held the page for tens of
 * milliseconds on every relearn, and preparing them all again was a fifth of the worker's refit
 * (the worker keeps what it prepared of each: see PreparedRows in ../head).
 */
import type { TrainingData } from '../head';

export interface PackedTrainingData {
  classes: string[];
  labels: number[];
  /** The key of each row's embedding. */
  rows: number[];
  /** Embeddings the worker has not been sent before (or has let go of): `keys[j]`'s numbers are `embeddings[offsets[j]..offsets[j + 1]]`. */
  added: { keys: number[]; offsets: number[]; embeddings: Float32Array };
}

/**
 * The page's side: a key for each embedding array (the same array, the same key: an embedding's
 * numbers never change once made), and which keys the worker holds.
 */
export class TrainingPacker {
  private readonly keys = new WeakMap<Float32Array, number>();
  private nextKey = 1;
  private held = new Set<number>();

  /** Packs `data` for a worker that received everything packed since the last `forget()`. */
  pack({ classes, labels, embeddings }: TrainingData): PackedTrainingData {
    const rows = embeddings.map((embedding) => {
      let key = this.keys.get(embedding);
      if (key === undefined) this.keys.set(embedding, (key = this.nextKey++));
      return key;
    });
    const addedRows = new Map<number, Float32Array>();
    rows.forEach((key, i) => {
      if (!this.held.has(key)) addedRows.set(key, embeddings[i]);
    });
    const offsets = [0];
    for (const embedding of addedRows.values()) offsets.push(offsets[offsets.length - 1] + embedding.length);
    const packed = new Float32Array(offsets[offsets.length - 1]);
    [...addedRows.values()].forEach((embedding, j) => packed.set(embedding, offsets[j]));
    // The worker keeps exactly this request's embeddings (see TrainingStore).
    this.held = new Set(rows);
    return { classes, labels, rows, added: { keys: [...addedRows.keys()], offsets, embeddings: packed } };
  }

  /** The worker holds nothing any more (a new one was started). */
  forget(): void {
    this.held = new Set();
  }
}

/**
 * The worker's side: the embeddings of the last request, as views into the buffers they came in
 * (no copy). The arrays stay the same from one request to the next, which is what lets
 * PreparedRows recognise them.
 */
export class TrainingStore {
  private embeddings = new Map<number, Float32Array>();

  /** The training data of `packed`; afterwards only its rows are kept. */
  unpack({ classes, labels, rows, added }: PackedTrainingData): TrainingData {
    added.keys.forEach((key, j) => this.embeddings.set(key, added.embeddings.subarray(added.offsets[j], added.offsets[j + 1])));
    const embeddings = rows.map((key) => {
      const embedding = this.embeddings.get(key);
      if (!embedding) {
        // The page's packer starts afresh after a failure; so does this.
        this.embeddings = new Map();
        throw new Error('Learning was sent a photo it could not find. It starts again from all the photos when they change.');
      }
      return embedding;
    });
    this.embeddings = new Map(rows.map((key, i) => [key, embeddings[i]]));
    return { classes, labels, embeddings };
  }
}
