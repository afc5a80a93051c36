import { describe, expect, it } from 'vitest';
import { addResidualProducts, multiplyByWeights } from './kernels';
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
