import { describe, expect, it } from 'vitest';
import { addResidualProducts, gramMatrix, multiplyByWeights } from './kernels';
import { seededRandom } from './testData';

describe('kernels', () => {
  // Six classes: one block of four and a remainder of two.
  const rows = 8;
  const dim = 5;
  const classes = 6;
  const random = seededRandom(3);
  const features = Float32Array.from({ length: rows * dim }, () => random.normal());
  const weights = Float64Array.from({ length: classes * dim }, () => random.normal());
  const residuals = Float64Array.from({ length: rows * classes }, () => random.normal());

  it('multiplyByWeights computes features · weightsᵀ', () => {
    const logits = new Float64Array(rows * classes);
    multiplyByWeights(features, rows, dim, weights, classes, logits);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < classes; c++) {
        let expected = 0;
        for (let d = 0; d < dim; d++) expected += features[i * dim + d] * weights[c * dim + d];
        expect(logits[i * classes + c]).toBeCloseTo(expected, 12);
      }
    }
  });

  it('gramMatrix computes features · featuresᵀ, also for counts and sizes that are not multiples of 4', () => {
    for (const [count, size] of [
      [rows, dim],
      [7, 3],
      [13, 10],
    ]) {
      const values = Float32Array.from({ length: count * size }, () => random.normal());
      const gram = gramMatrix(values, count, size);
      for (let i = 0; i < count; i++) {
        for (let j = 0; j < count; j++) {
          let expected = 0;
          for (let d = 0; d < size; d++) expected += values[i * size + d] * values[j * size + d];
          expect(gram[i * count + j]).toBeCloseTo(expected, 5);
        }
      }
    }
  });

  it('addResidualProducts adds residualsᵀ · features', () => {
    const gradient = new Float64Array(classes * dim).fill(1);
    addResidualProducts(residuals, features, rows, dim, classes, gradient);
    for (let c = 0; c < classes; c++) {
      for (let d = 0; d < dim; d++) {
        let expected = 1;
        for (let i = 0; i < rows; i++) expected += residuals[i * classes + c] * features[i * dim + d];
        expect(gradient[c * dim + d]).toBeCloseTo(expected, 12);
      }
    }
  });
});
