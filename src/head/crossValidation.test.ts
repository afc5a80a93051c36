import { describe, expect, it } from 'vitest';
import { chooseLambda, foldCount, LAMBDA_GRID, stratifiedFolds } from './crossValidation';
import { prepareDataset } from './dataset';
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

  it('prefers strong regularisation when the classes are pure noise', () => {
    // Same distribution for both classes: anything learnt is overfitting.
    const noise = gaussianClusters([40], 12, 1, 5);
    const dataset = centreDataset(
      prepareDataset({ classes: ['a', 'b'], embeddings: noise.embeddings, labels: noise.labels.map((_, i) => i % 2) }),
    );
    expect(chooseLambda(dataset).lambda).toBe(LAMBDA_GRID[0]);
  });
});
