import { describe, expect, it } from 'vitest';
import { DEFAULT_LAMBDA, LAMBDA_GRID } from './crossValidation';
import { prepareDataset } from './dataset';
import { centreDataset, FINAL_TOLERANCE, toParams } from './logistic';
import { softmaxObjective, softmaxProblem } from './objective';
import { predict, predictBatch, topClass } from './predict';
import { gaussianClusters } from './testData';
import { fit, selectionSubsample, SELECTION_MAX_PHOTOS, train } from './train';
import type { LogisticModel, TrainingData } from './types';

function onCircle(angles: number[]): Float32Array[] {
  return angles.map((degrees) => {
    const radians = (degrees * Math.PI) / 180;
    return Float32Array.of(Math.cos(radians), Math.sin(radians));
  });
}

/** ‖∇‖ / ‖∇ at zero‖ of the training objective at the model's parameters. */
function relativeGradientNorm(model: LogisticModel, data: TrainingData): number {
  const dataset = centreDataset(prepareDataset(data));
  const problem = softmaxProblem(dataset);
  const params = toParams(model, dataset.centre);
  const gradient = new Float64Array(params.length);
  softmaxObjective(problem, model.lambda).evaluate(params, gradient);
  return Math.hypot(...gradient) / problem.gradientScale;
}

function withExtraPhoto(data: TrainingData, embedding: Float32Array, label: number): TrainingData {
  return { ...data, embeddings: [...data.embeddings, embedding], labels: [...data.labels, label] };
}

describe('train', () => {
  it('gives three rotationally symmetric classes symmetric weights and equal odds at the origin', () => {
    const offsets = [-12, -4, 4, 12];
    const data: TrainingData = {
      classes: ['a', 'b', 'c'],
      embeddings: onCircle([90, 210, 330].flatMap((centre) => offsets.map((offset) => centre + offset))),
      labels: [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2],
    };
    const model = train(data);
    const norms = [0, 1, 2].map((c) => Math.hypot(model.weights[2 * c], model.weights[2 * c + 1]));
    expect(norms[1]).toBeCloseTo(norms[0], 6);
    expect(norms[2]).toBeCloseTo(norms[0], 6);
    expect(model.bias[1]).toBeCloseTo(model.bias[0], 6);
    expect(model.bias[2]).toBeCloseTo(model.bias[0], 6);
    // A zero vector stays zero when normalised, so only the (equal) biases speak.
    for (const p of predict(model, new Float32Array(2))) expect(p).toBeCloseTo(1 / 3, 6);
    expect(predictBatch(model, onCircle([90, 210, 330])).map(topClass)).toEqual([0, 1, 2]);
  });

  it('separates mirror-image classes along the mirror axis', () => {
    const data: TrainingData = {
      classes: ['east', 'north'],
      embeddings: onCircle([-20, 0, 10, 25, 65, 80, 90, 110]),
      labels: [0, 0, 0, 0, 1, 1, 1, 1],
    };
    const model = train(data);
    const [w0x, w0y, w1x, w1y] = model.weights;
    // Mirroring across the diagonal swaps the classes, so w0 − w1 must point along (1, −1).
    expect(w0x - w1x).toBeCloseTo(-(w0y - w1y), 6);
    expect(model.bias[0]).toBeCloseTo(model.bias[1], 6);
    expect(predictBatch(model, data.embeddings).map(topClass)).toEqual(data.labels);
    expect(predict(model, Float32Array.of(1, 0.1))[0]).toBeGreaterThan(0.9);
    expect(predict(model, Float32Array.of(1, 1))[0]).toBeCloseTo(0.5, 6);
  });

  it('returns the optimum: the gradient is within tolerance of zero', () => {
    const data = gaussianClusters([12, 9, 15], 16, 0.7, 2);
    const model = train(data);
    expect(LAMBDA_GRID).toContain(model.lambda);
    expect(relativeGradientNorm(model, data)).toBeLessThanOrEqual(FINAL_TOLERANCE);
  });

  it('returns the optimum when there are fewer photos than dimensions (kernel form)', () => {
    const data = gaussianClusters([7, 5, 9], 48, 1.2, 14);
    const result = fit(data);
    expect(result.form).toBe('kernel');
    expect(result.folds).toBe(5);
    expect(LAMBDA_GRID).toContain(result.model.lambda);
    expect(relativeGradientNorm(result.model, data)).toBeLessThanOrEqual(FINAL_TOLERANCE);
    // Cut to 16 numbers, the 21 photos outnumber the dimensions: back to the primal form.
    expect(fit({ ...data, embeddings: data.embeddings.map((e) => e.subarray(0, 16)) }).form).toBe('primal');
    // Deterministic to the last bit in this form too.
    const again = train(data);
    expect(new Uint8Array(Float64Array.from(again.weights).buffer)).toEqual(new Uint8Array(Float64Array.from(result.model.weights).buffer));
    expect(again.bias).toEqual(result.model.bias);
  });

  it('is deterministic to the last bit', () => {
    const data = gaussianClusters([8, 8, 8], 16, 0.9, 4);
    const first = train(data);
    const second = train(data);
    expect(new Uint8Array(Float64Array.from(second.weights).buffer)).toEqual(new Uint8Array(Float64Array.from(first.weights).buffer));
    expect(second.bias).toEqual(first.bias);
    expect(second.lambda).toBe(first.lambda);
  });

  it('warm-starts from a previous model to the same optimum as a cold start', () => {
    const data = gaussianClusters([10, 10, 10], 16, 0.8, 6);
    const extra = gaussianClusters([0, 1, 0], 16, 0.8, 6).embeddings[0];
    const plus = withExtraPhoto(data, extra, 1);
    const previous = train(data);
    const warm = train(plus, { previous });
    const zeros = { ...previous, weights: previous.weights.map(() => 0), bias: previous.bias.map(() => 0) };
    const cold = train(plus, { previous: zeros });
    expect(warm.lambda).toBe(previous.lambda);
    expect(cold.lambda).toBe(previous.lambda);
    expect(relativeGradientNorm(warm, plus)).toBeLessThanOrEqual(FINAL_TOLERANCE);
    expect(relativeGradientNorm(cold, plus)).toBeLessThanOrEqual(FINAL_TOLERANCE);
    const warmProbabilities = predictBatch(warm, plus.embeddings);
    predictBatch(cold, plus.embeddings).forEach((p, i) =>
      p.forEach((value, c) => expect(Math.abs(value - warmProbabilities[i][c])).toBeLessThan(0.02)),
    );
  });

  it('chooses the penalty again once a class has grown or shrunk by half since it was chosen', () => {
    const data = gaussianClusters([10, 10], 16, 1.5, 9);
    const previous = train(data);
    expect(previous.lambdaChosenOn).toEqual([10, 10]);
    const withFirst = (count: number) => gaussianClusters([count, 10], 16, 1.5, 9);
    // 14 photos is within half of 10: a warm refit, same penalty, no cross-validation.
    const warm = fit(withFirst(14), { previous });
    expect(warm.folds).toBe(0);
    expect(warm.model.lambda).toBe(previous.lambda);
    expect(warm.model.lambdaChosenOn).toEqual([10, 10]);
    // 15 (half again) and 6 (10 is half again of it) choose afresh, exactly as a first fit does.
    for (const count of [15, 6]) {
      const grown = fit(withFirst(count), { previous: { ...previous, lambda: 123 } });
      expect(grown.folds).toBeGreaterThan(0);
      expect(grown.model).toEqual(train(withFirst(count)));
    }
    // A head that does not say what its penalty was chosen on (read from a file) is a start only.
    const { lambdaChosenOn: _, ...unknown } = previous;
    expect(fit(data, { previous: { ...unknown, lambda: 123 } }).model.lambda).toBe(previous.lambda);
  });

  it('ignores a previous model with other classes, another embedding size or damaged numbers', () => {
    const data = gaussianClusters([6, 6], 8, 0.8, 8);
    const fresh = train(data);
    const renamed = { ...fresh, classes: ['x', 'y'], lambda: 123 };
    expect(train(data, { previous: renamed })).toEqual(fresh);
    const otherSize = { ...fresh, dim: 4, lambda: 123 };
    expect(train(data, { previous: otherSize })).toEqual(fresh);
    const damaged = { ...fresh, weights: fresh.weights.map((w, j) => (j === 3 ? Number.NaN : w)), lambda: 123 };
    expect(train(data, { previous: damaged })).toEqual(fresh);
  });

  it('weighs classes equally however many photos each has', () => {
    // Overlapping mirror images of each other, but every photo of the first class appears ten times.
    const east = onCircle([-10, 20, 50]);
    const north = onCircle([100, 70, 40]);
    const data: TrainingData = {
      classes: ['east', 'north'],
      embeddings: [...Array.from({ length: 10 }, () => east).flat(), ...north],
      labels: [...new Array(30).fill(0), 1, 1, 1],
    };
    const diagonal = Float32Array.of(1, 1);
    // Unweighted, the big class would claim the mirror line; balanced, it stays a coin toss.
    expect(predict(train(data), diagonal)[0]).toBeCloseTo(0.5, 1);
    // From a symmetric (zero) start the optimiser's path stays symmetric, so the answer is exact.
    const zeroStart: LogisticModel = { ...train(data), weights: [0, 0, 0, 0], bias: [0, 0] };
    expect(predict(train(data, { previous: zeroStart }), diagonal)[0]).toBeCloseTo(0.5, 6);
  });

  it('learns from a single photo per class', () => {
    const data = gaussianClusters([1, 1, 1, 1], 16, 0.5, 9);
    const model = train(data);
    expect(model.lambda).toBe(DEFAULT_LAMBDA);
    expect(predictBatch(model, data.embeddings).map(topClass)).toEqual([0, 1, 2, 3]);
  });

  it('handles 100 classes of one or two photos', () => {
    const data = gaussianClusters(
      Array.from({ length: 100 }, (_, c) => 1 + (c % 2)),
      8,
      0.05,
      10,
    );
    const model = train(data);
    const probabilities = predictBatch(model, data.embeddings);
    for (const p of probabilities) expect(p.every(Number.isFinite)).toBe(true);
    const correct = probabilities.filter((p, i) => topClass(p) === data.labels[i]).length;
    expect(correct / data.labels.length).toBeGreaterThan(0.9);
  });

  it('survives a JSON round trip', () => {
    const data = gaussianClusters([5, 7], 8, 0.8, 12);
    const model = train(data);
    const restored = JSON.parse(JSON.stringify(model)) as LogisticModel;
    expect(restored).toEqual(model);
    expect(predictBatch(restored, data.embeddings)).toEqual(predictBatch(model, data.embeddings));
  });
});

describe('choosing the penalty on a subsample of a large set', () => {
  it('takes every photo of small classes and an evenly spread, ordered share of large ones', () => {
    const sizes = [1000, 600, 50, 10];
    const data = gaussianClusters(sizes, 4, 1, 3);
    const dataset = centreDataset(prepareDataset(data));
    const subsample = selectionSubsample(dataset, 500);
    const kept = [0, 1, 2, 3].map((c) => Array.from(subsample.labels).filter((label) => label === c).length);
    expect(kept.slice(2)).toEqual([50, 10]);
    expect(kept[0]).toBe(kept[1]);
    expect(kept.reduce((a, b) => a + b)).toBeLessThanOrEqual(500);
    expect(kept[0]).toBeGreaterThan(200);
    // The first class's photos, in order: row 0, then every (1000 / quota)-th.
    const firstClass = Array.from({ length: kept[0] }, (_, j) => Math.floor((j * 1000) / kept[0]));
    firstClass.forEach((row, j) =>
      expect(Array.from(subsample.features.subarray(j * 4, j * 4 + 4))).toEqual(
        Array.from(dataset.features.subarray(row * 4, row * 4 + 4)),
      ),
    );
  });

  it('still learns from every photo: the optimum for the penalty chosen', () => {
    const data = gaussianClusters([SELECTION_MAX_PHOTOS, 400], 8, 1.5, 4);
    const result = fit(data);
    expect(relativeGradientNorm(result.model, data)).toBeLessThanOrEqual(FINAL_TOLERANCE);
    expect(result.folds).toBe(2);
  });
});
