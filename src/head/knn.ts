import { classSizes, prepareDataset } from './dataset';
import type { KnnModel, TrainingData } from './types';

const MAX_K = 10;
/**
 * Each neighbour's vote weighs 1 + TIE_BREAK · cosine similarity. Vote counts (k ≤ 10) always
 * decide, since the similarity part adds at most ±0.1 in total; between classes with equal votes,
 * the one whose neighbours are more similar in total wins.
 */
const TIE_BREAK = 0.01;

/**
 * The Teachable Machine v1 approach: remember every photo, vote among the k most cosine-similar.
 * k = round(√n), at most 10, and never more than the smallest class so that a class with few
 * photos can still win a vote outright.
 */
export function trainKnn(data: TrainingData): KnnModel {
  const dataset = prepareDataset(data);
  const smallestClass = Math.min(...classSizes(dataset.labels, dataset.classCount));
  const k = Math.max(1, Math.min(Math.round(Math.sqrt(dataset.count)), MAX_K, smallestClass));
  return {
    kind: 'knn',
    classes: [...data.classes],
    dim: dataset.dim,
    k,
    embeddings: Array.from(dataset.features),
    labels: Array.from(dataset.labels),
    normalisation: 'l2',
  };
}

/** Vote shares among the k nearest stored photos; `normalised` must already have unit length or be zero. */
export function knnProbabilities(model: KnnModel, normalised: Float32Array): Float32Array {
  const { dim, labels, embeddings } = model;
  const count = labels.length;
  const k = Math.min(model.k, count);
  // Kept sorted by decreasing similarity; equal similarities keep the earlier photo first.
  const nearest: { similarity: number; label: number }[] = [];
  for (let i = 0; i < count; i++) {
    let similarity = 0;
    for (let d = 0; d < dim; d++) similarity += embeddings[i * dim + d] * normalised[d];
    if (nearest.length === k && similarity <= nearest[k - 1].similarity) continue;
    let position = nearest.length === k ? k - 1 : nearest.length;
    while (position > 0 && nearest[position - 1].similarity < similarity) position--;
    nearest.splice(position, 0, { similarity, label: labels[i] });
    if (nearest.length > k) nearest.pop();
  }
  const votes = new Float64Array(model.classes.length);
  let total = 0;
  for (const { similarity, label } of nearest) {
    const vote = 1 + TIE_BREAK * similarity;
    votes[label] += vote;
    total += vote;
  }
  return Float32Array.from(votes, (vote) => vote / total);
}
