import { checkEmbedding } from './dataset';
import { knnProbabilities } from './knn';
import { rowLogits, softmax } from './logistic';
import { l2Normalize } from './normalize';
import type { Classification, HeadModel } from './types';

/** Class probabilities for one embedding (raw, as it comes out of MobileNet). */
export function predict(model: HeadModel, embedding: Float32Array): Float32Array {
  return predictBatch(model, [embedding])[0];
}

/** Throws a HeadError naming the first embedding of the wrong length or with NaN/Infinity in it. */
export function predictBatch(model: HeadModel, embeddings: Float32Array[]): Float32Array[] {
  embeddings.forEach((embedding, index) => checkEmbedding(embedding, model.dim, index));
  return embeddings.map((embedding) => {
    const normalised = l2Normalize(embedding);
    if (model.kind === 'knn') return knnProbabilities(model, normalised);
    return softmax(rowLogits(model.weights, model.bias, normalised, 0, model.dim));
  });
}

/**
 * The "not sure" rule: the top class must hold a clear majority of the probability, at least
 * max(0.5, 1.5 / classCount). From three classes on that is 0.5: the answer is more likely right
 * than wrong, and no other class can be as likely. With two classes 0.5 is always reached, so the
 * bar rises to 0.75, i.e. odds of 3 to 1.
 */
export function unsureThreshold(classCount: number): number {
  return Math.max(0.5, 1.5 / classCount);
}

export function isUnsure(probabilities: ArrayLike<number>): boolean {
  return probabilities[topClass(probabilities)] < unsureThreshold(probabilities.length);
}

/** Index of the largest probability; the lowest index among equals. */
export function topClass(probabilities: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < probabilities.length; c++) if (probabilities[c] > probabilities[best]) best = c;
  return best;
}

export function classify(model: HeadModel, embedding: Float32Array): Classification {
  const probabilities = predict(model, embedding);
  const classIndex = topClass(probabilities);
  return {
    classIndex,
    className: model.classes[classIndex],
    probabilities,
    unsure: isUnsure(probabilities),
  };
}
