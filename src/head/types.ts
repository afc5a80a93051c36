import type { PreparedRows } from './dataset';

/** Photos of every class as embeddings; `labels[i]` indexes `classes` for `embeddings[i]`. */
export interface TrainingData {
  classes: string[];
  embeddings: Float32Array[];
  labels: number[];
}

/**
 * Multinomial logistic regression on L2-normalised embeddings:
 * p = softmax(W · x / |x| + bias). Plain data, so it survives JSON and structured clone.
 */
export interface LogisticModel {
  kind: 'logistic';
  classes: string[];
  dim: number;
  /** classes.length × dim, row-major. */
  weights: number[];
  bias: number[];
  /** L2 penalty on the weights, relative to a class-balanced mean loss (see README). */
  lambda: number;
  /**
   * Photos per class when `lambda` was chosen; absent when unknown (e.g. a head read from a
   * file). A refit keeps `lambda` only while every class is within half of these counts.
   */
  lambdaChosenOn?: number[];
  normalisation: 'l2';
}

/** Cosine k-nearest-neighbours: keeps every normalised training embedding. */
export interface KnnModel {
  kind: 'knn';
  classes: string[];
  dim: number;
  k: number;
  /** One normalised embedding per training photo, each `dim` long, concatenated. */
  embeddings: number[];
  labels: number[];
  normalisation: 'l2';
}

export type HeadModel = LogisticModel | KnnModel;

export interface TrainOptions<M extends HeadModel> {
  /** The model trained before the latest change to the photos; reused when compatible. */
  previous?: M;
  /** Rows prepared by earlier trainings, reused for the same embeddings (see PreparedRows). */
  prepared?: PreparedRows;
}

export interface Classification {
  classIndex: number;
  className: string;
  probabilities: Float32Array;
  unsure: boolean;
}
