import { describe, expect, it } from 'vitest';
import { chooseLambda, foldCount, LAMBDA_GRID, selectionFoldCount, stratifiedFolds } from './crossValidation';
import { prepareDataset } from './dataset';
import { gramMatrix } from './kernels';
import { centreDataset } from './logistic';
import { gaussianClusters } from './testData';

describe('foldCount', () => {
  it('is min(5, smallest class), not counting single-photo classes', () => {
    expect(foldCount([20, 30])).toBe(5);
    expect(foldCount([20, 3, 30])).toBe(3);
    expect(foldCount([20, 1, 2])).toBe(2);
    expect(foldCount([1, 1, 1])).toBe(0);
  });
});

describe('selectionFoldCount', () => {
  it('is 2 once every class has 30 photos, 3 from 15, foldCount below', () => {
    expect(selectionFoldCount([30, 60])).toBe(2);
    expect(selectionFoldCount([1, 30, 45])).toBe(2);
    expect(selectionFoldCount([15, 60])).toBe(3);
    expect(selectionFoldCount([1, 15, 20])).toBe(3);
    expect(selectionFoldCount([29, 60])).toBe(3);
    expect(selectionFoldCount([14, 60])).toBe(5);
    expect(selectionFoldCount([3, 60])).toBe(3);
    expect(selectionFoldCount([2, 60])).toBe(2);
    expect(selectionFoldCount([1, 1])).toBe(0);
  });
});

describe('stratifiedFolds', () => {
  it('puts each class into every fold in proportion, in contiguous blocks', () => {
    const sizes = [10, 7, 5, 13];
    const labels = sizes.flatMap((size, c) => new Array<number>(size).fill(c));
    const k = 5;
    const folds = stratifiedFolds(labels, sizes.length, k);
    sizes.forEach((size, c) => {
      const classFolds = Array.from(folds).filter((_, i) => labels[i] === c);
      for (let fold = 0; fold < k; fold++) {
        const count = classFolds.filter((f) => f === fold).length;
        expect(count).toBeGreaterThanOrEqual(Math.floor(size / k));
        expect(count).toBeLessThanOrEqual(Math.ceil(size / k));
      }
      // Photos keep their order, so neighbours (burst shots) land in the same fold.
      expect(classFolds).toEqual([...classFolds].sort((a, b) => a - b));
    });
  });

  it('never holds out the only photo of a class', () => {
    const labels = [0, 0, 0, 1, 2, 2, 2];
    expect(Array.from(stratifiedFolds(labels, 3, 3))).toEqual([0, 1, 2, -1, 0, 1, 2]);
  });
});

describe('chooseLambda', () => {
  it('picks a grid value and a start of the right size', () => {
    const dataset = centreDataset(prepareDataset(gaussianClusters([8, 6, 10], 12, 0.9, 3)));
    const choice = chooseLambda(dataset);
    expect(LAMBDA_GRID).toContain(choice.lambda);
    expect(choice.start).toHaveLength(3 * 12 + 3);
  });

  it('makes the same choice from the Gram matrix, with a start on the photos', () => {
    // 24 photos of 32 numbers: the kernel form applies.
    const dataset = centreDataset(prepareDataset(gaussianClusters([8, 6, 10], 32, 1.5, 3)));
    const primal = chooseLambda(dataset);
    const kernel = chooseLambda(dataset, gramMatrix(dataset.features, dataset.count, dataset.dim));
    expect(kernel.lambda).toBe(primal.lambda);
    expect(kernel.folds).toBe(primal.folds);
    kernel.losses.forEach((loss, j) => expect(loss).toBeCloseTo(primal.losses[j], 2));
    expect(kernel.start).toHaveLength(3 * 24 + 3);
  });

  it('prefers strong regularisation when the classes are pure noise', () => {
    // Same distribution for both classes: anything learnt is overfitting.
    const noise = gaussianClusters([40], 12, 1, 5);
    const dataset = centreDataset(
      prepareDataset({ classes: ['a', 'b'], embeddings: noise.embeddings, labels: noise.labels.map((_, i) => i % 2) }),
    );
    expect(chooseLambda(dataset).lambda).toBe(LAMBDA_GRID[0]);
  });
});
