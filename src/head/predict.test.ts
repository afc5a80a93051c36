import { describe, expect, it } from 'vitest';
import { HeadError } from './errors';
import { classify, isUnsure, predict, predictBatch, topClass, unsureThreshold } from './predict';
import type { LogisticModel } from './types';

const model: LogisticModel = {
  kind: 'logistic',
  classes: ['cat', 'dog', 'fox'],
  dim: 2,
  weights: [4, 0, 0, 4, -4, -4],
  bias: [0, 0, 0],
  lambda: 0.1,
  normalisation: 'l2',
};

describe('unsure rule', () => {
  it('asks for a clear majority: 0.75 for two classes, 0.5 from three on', () => {
    expect(unsureThreshold(2)).toBe(0.75);
    expect(unsureThreshold(3)).toBe(0.5);
    expect(unsureThreshold(100)).toBe(0.5);
    expect(isUnsure([0.7, 0.3])).toBe(true);
    expect(isUnsure([0.2, 0.8])).toBe(false);
    expect(isUnsure([0.45, 0.35, 0.2])).toBe(true);
    expect(isUnsure([0.55, 0.25, 0.2])).toBe(false);
  });
});

describe('predict', () => {
  it('normalises the embedding, so its length does not matter', () => {
    expect(predict(model, Float32Array.of(30, 0))).toEqual(predict(model, Float32Array.of(0.3, 0)));
  });

  it('gives the bias-only answer, not NaN, for a zero embedding', () => {
    const p = predict(model, new Float32Array(2));
    for (const value of p) expect(value).toBeCloseTo(1 / 3, 6);
  });

  it('classifies with a name and an unsure flag', () => {
    const sure = classify(model, Float32Array.of(0, 1));
    expect(sure).toMatchObject({ classIndex: 1, className: 'dog', unsure: false });
    expect(sure.probabilities).toBeInstanceOf(Float32Array);
    expect(classify(model, Float32Array.of(1, 1)).unsure).toBe(true);
  });

  it('breaks exact ties toward the lowest index', () => {
    expect(topClass([0.4, 0.4, 0.2])).toBe(0);
  });

  it('names the broken embedding of a batch', () => {
    const run = () => predictBatch(model, [Float32Array.of(1, 0), Float32Array.of(1, Number.NaN)]);
    expect(run).toThrow(HeadError);
    expect(run).toThrow(expect.objectContaining({ code: 'non-finite-value', exampleIndex: 1 }));
    expect(() => predict(model, Float32Array.of(1, 0, 0))).toThrow(expect.objectContaining({ code: 'dimension-mismatch' }));
  });
});
