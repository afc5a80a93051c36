import { describe, expect, it } from 'vitest';
import { trainKnn } from './knn';
import { predict, predictBatch, topClass } from './predict';
import { gaussianClusters } from './testData';
import type { TrainingData } from './types';

describe('trainKnn', () => {
  it('classifies new photos of well-separated clusters', () => {
    // 15 photos per class: the first 10 of each to train on, the other 5 (never seen) to test.
    const all = gaussianClusters([15, 15, 15], 8, 0.2, 1);
    const split = (keep: (i: number) => boolean): TrainingData => {
      const rows = all.labels.flatMap((_, i) => (keep(i % 15) ? [i] : []));
      return { classes: all.classes, embeddings: rows.map((i) => all.embeddings[i]), labels: rows.map((i) => all.labels[i]) };
    };
    const data = split((i) => i < 10);
    const test = split((i) => i >= 10);
    const model = trainKnn(data);
    expect(model.k).toBe(5);
    for (const embedding of test.embeddings) expect(data.embeddings).not.toContainEqual(embedding);
    expect(predictBatch(model, test.embeddings).map(topClass)).toEqual(test.labels);
  });

  it('uses k = round(√n), capped at 10 and at the smallest class', () => {
    expect(trainKnn(gaussianClusters([200, 200], 4, 1)).k).toBe(10);
    expect(trainKnn(gaussianClusters([3, 30], 4, 1)).k).toBe(3);
    expect(trainKnn(gaussianClusters([1, 1], 4, 1)).k).toBe(1);
  });

  it('breaks a tied vote by summed similarity', () => {
    const data: TrainingData = {
      classes: ['a', 'b'],
      embeddings: [Float32Array.of(1, 0.2), Float32Array.of(1, -0.5), Float32Array.of(1, 0.3), Float32Array.of(1, -0.6)],
      labels: [0, 0, 1, 1],
    };
    const model = trainKnn(data);
    expect(model.k).toBe(2);
    // The two nearest to (1, 0.26) are a's (1, 0.2) and b's (1, 0.3): one vote each, and b's
    // neighbour is the more similar one.
    const p = predict(model, Float32Array.of(1, 0.26));
    expect(p[0] + p[1]).toBeCloseTo(1, 6);
    expect(Math.abs(p[0] - 0.5)).toBeLessThan(0.01);
    expect(topClass(p)).toBe(1);
    expect(topClass(predict(model, Float32Array.of(1, 0.24)))).toBe(0);
  });
});
