import { describe, expect, it } from 'vitest';
import { evaluationFoldCount, rowsWhere, stratifiedFolds } from './crossValidation';
import { classSizes, prepareDataset, selectRows } from './dataset';
import { calibration, evaluate, LEAVE_ONE_OUT_MAX_PHOTOS, wilsonInterval } from './evaluate';
import flowers from './fixtures/flowers12-v1.json';
import { trainKnn } from './knn';
import { minimize } from './lbfgs';
import { centreDataset, rowLogits, softmax } from './logistic';
import { softmaxObjective, softmaxProblem } from './objective';
import { predictBatch, topClass } from './predict';
import { gaussianClusters } from './testData';
import { train } from './train';
import type { LogisticModel, TrainingData } from './types';

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    const { lower, upper } = wilsonInterval(8, 10);
    expect(lower).toBeCloseTo(0.4902, 4);
    expect(upper).toBeCloseTo(0.9433, 4);
  });

  it('stays inside [0, 1] without collapsing at 0% or 100%', () => {
    const perfect = wilsonInterval(10, 10);
    expect(perfect.upper).toBeCloseTo(1, 12);
    expect(perfect.lower).toBeGreaterThan(0.6);
    expect(perfect.lower).toBeLessThan(0.75);
    const hopeless = wilsonInterval(0, 10);
    expect(hopeless.lower).toBe(0);
    expect(hopeless.upper).toBeCloseTo(1 - perfect.lower, 12);
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
  });

  it('narrows as the photos add up', () => {
    const few = wilsonInterval(9, 10);
    const many = wilsonInterval(900, 1000);
    expect(many.upper - many.lower).toBeLessThan((few.upper - few.lower) / 5);
  });
});

describe('calibration', () => {
  it('bins top-class probabilities and weighs each bin’s gap by its share', () => {
    const result = calibration([0.95, 0.95, 0.55, 0.55], [true, false, true, true]);
    expect(result.bins).toHaveLength(10);
    expect(result.bins[9]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(result.bins[9].meanConfidence).toBeCloseTo(0.95, 12);
    expect(result.bins[5]).toMatchObject({ count: 2, accuracy: 1 });
    expect(result.bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, meanConfidence: null, accuracy: null });
    // Half the photos 0.45 overconfident, half 0.45 underconfident.
    expect(result.expectedCalibrationError).toBeCloseTo(0.45, 12);
    expect(calibration([], []).expectedCalibrationError).toBeNull();
  });
});

/** Real embeddings (see the fixture's "source"): 12 flower classes, 5 photos each. */
function flowerPhotos(perClass: number): TrainingData {
  const bytes = Buffer.from(flowers.float32Base64, 'base64');
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const rows = flowers.labels.flatMap((label, i) => (flowers.labels.indexOf(label) + perClass > i ? [i] : []));
  return {
    classes: flowers.classes,
    embeddings: rows.map((i) => all.subarray(i * flowers.dim, (i + 1) * flowers.dim)),
    labels: rows.map((i) => flowers.labels[i]),
  };
}

/**
 * What evaluate() promises to compute, the slow way: for each fold (leave-one-out up to the limit,
 * else evaluate's stratified k-fold), a cold refit at the model's penalty from zero, in the primal
 * form, until the gradient is ten thousand times smaller than where evaluate's refits stop.
 */
function exactHeldOut(data: TrainingData, lambda: number): (Float32Array | null)[] {
  const dataset = centreDataset(prepareDataset(data));
  const { classCount, count, dim } = dataset;
  const sizes = classSizes(dataset.labels, classCount);
  const folds =
    count <= LEAVE_ONE_OUT_MAX_PHOTOS
      ? Int32Array.from(dataset.labels, (label, i) => (sizes[label] < 2 ? -1 : i))
      : stratifiedFolds(dataset.labels, classCount, evaluationFoldCount(sizes));
  const predictions = new Array<Float32Array | null>(count).fill(null);
  for (const fold of new Set(folds)) {
    if (fold < 0) continue;
    const problem = softmaxProblem(
      selectRows(
        dataset,
        rowsWhere(folds, (f) => f !== fold),
      ),
    );
    const { x } = minimize(softmaxObjective(problem, lambda), new Float64Array(classCount * dim + classCount), {
      gradientTolerance: (1e-7 * lambda) / problem.count,
      maxIterations: 100_000,
    });
    for (const row of rowsWhere(folds, (f) => f === fold)) {
      predictions[row] = softmax(rowLogits(x, x.subarray(classCount * dim), dataset.features, row, dim));
    }
  }
  return predictions;
}

function inSampleAccuracy(data: TrainingData, model: LogisticModel): number {
  return predictBatch(model, data.embeddings).filter((p, i) => topClass(p) === data.labels[i]).length / data.labels.length;
}

describe('evaluate: held-out predictions are held out', () => {
  // Each case is one where the model gets every training photo right but exact held-out refits
  // do not: a "held-out" prediction that leaks the photo shows up as a wrong class or probability.
  const cases: [string, () => TrainingData, 'leave-one-out' | 'k-fold'][] = [
    ['real flower embeddings, 12 classes x 2 photos', () => flowerPhotos(2), 'leave-one-out'],
    ['real flower embeddings, 12 classes x 5 photos', () => flowerPhotos(5), 'k-fold'],
    ['planted: 2 overlapping classes of 8 in 128 dimensions', () => gaussianClusters([8, 8], 128, 3, 7), 'leave-one-out'],
    ['planted: 4 overlapping classes of 5 in 256 dimensions', () => gaussianClusters([5, 5, 5, 5], 256, 2.5, 7), 'leave-one-out'],
    ['planted: 2 overlapping classes of 30 in 128 dimensions', () => gaussianClusters([30, 30], 128, 3, 8), 'k-fold'],
  ];
  // Dozens of cold refits to a very small gradient: seconds, not milliseconds.
  it.each(cases)('agrees with exact cold refits on %s', { timeout: 120_000 }, (_, make, scheme) => {
    const data = make();
    const model = train(data);
    const result = evaluate(data, model);
    expect(result.scheme).toBe(scheme);
    const exact = exactHeldOut(data, model.lambda);
    expect(inSampleAccuracy(data, model)).toBe(1);
    const exactCorrect = exact.filter((p, i) => topClass(p!) === data.labels[i]).length;
    expect(exactCorrect).toBeLessThan(data.labels.length);
    expect(result.correct).toBe(exactCorrect);
    exact.forEach((expected, i) => {
      const actual = result.predictions[i]!;
      expect(topClass(actual)).toBe(topClass(expected!));
      expected!.forEach((p, c) => expect(Math.abs(actual[c] - p)).toBeLessThan(1e-3));
    });
  });
});

describe('evaluate', () => {
  // Class 2 overlaps class 0, so there are mistakes to count.
  function overlapping(sizes: number[]): TrainingData {
    const data = gaussianClusters(sizes, 8, 0.9, 21);
    const centre0 = data.embeddings[0];
    return {
      ...data,
      embeddings: data.embeddings.map((embedding, i) =>
        data.labels[i] === 2 ? embedding.map((value, d) => 0.5 * value + 0.5 * centre0[d]) : embedding,
      ),
    };
  }

  it('keeps counts and example indices consistent in the confusion matrix', () => {
    const data = overlapping([12, 10, 8]);
    const result = evaluate(data, train(data));
    expect(result.scheme).toBe('leave-one-out');
    expect(result.evaluated).toBe(30);
    expect(result.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
    result.confusionExamples.forEach((row, truth) =>
      row.forEach((examples, predicted) => {
        expect(examples).toHaveLength(result.confusion[truth][predicted]);
        for (const index of examples) expect(data.labels[index]).toBe(truth);
      }),
    );
    const diagonal = result.confusion.reduce((sum, row, c) => sum + row[c], 0);
    expect(result.correct).toBe(diagonal);
    expect(result.accuracy).toBe(diagonal / 30);
    expect(result.interval.lower).toBeLessThanOrEqual(result.accuracy!);
    expect(result.interval.upper).toBeGreaterThanOrEqual(result.accuracy!);
    result.perClass.forEach((perClass, c) => {
      expect(perClass.evaluated).toBe([12, 10, 8][c]);
      expect(perClass.correct).toBe(result.confusion[c][c]);
    });
    expect(result.calibration.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(30);
    const mistakes = result.confusionExamples.flatMap((row, truth) => row.filter((_, p) => p !== truth).flat());
    expect(mistakes.length).toBe(30 - diagonal);
    for (const index of mistakes) expect(result.predictions[index]).not.toBeNull();
  });

  it('switches to stratified k-fold above the leave-one-out limit', () => {
    const data = gaussianClusters([30, 25], 6, 0.5, 22);
    expect(data.labels.length).toBeGreaterThan(LEAVE_ONE_OUT_MAX_PHOTOS);
    const result = evaluate(data, train(data));
    expect(result).toMatchObject({ scheme: 'k-fold', folds: 5, evaluated: 55 });
    expect(result.accuracy).toBeGreaterThan(0.9);
  });

  it('leaves out the only photo of a class, and says so', () => {
    const data = gaussianClusters([5, 1, 4], 8, 0.5, 23);
    const result = evaluate(data, train(data));
    expect(result.notEvaluated).toEqual([5]);
    expect(result.predictions[5]).toBeNull();
    expect(result.perClass[1]).toMatchObject({ evaluated: 0, accuracy: null, interval: { lower: 0, upper: 1 } });
    expect(result.evaluated).toBe(9);
  });

  it('reports nothing, rather than NaN, when every class has one photo', () => {
    const data = gaussianClusters([1, 1, 1], 8, 0.5, 24);
    const result = evaluate(data, train(data));
    expect(result).toMatchObject({ evaluated: 0, accuracy: null, interval: { lower: 0, upper: 1 } });
    expect(result.calibration.expectedCalibrationError).toBeNull();
    expect(result.unsure.accuracyWhenSure).toBeNull();
  });

  it('evaluates the kNN baseline the same way', () => {
    const data = overlapping([10, 10, 10]);
    const result = evaluate(data, trainKnn(data));
    expect(result.evaluated).toBe(30);
    expect(result.accuracy).toBeGreaterThan(0.5);
  });

  it('refuses a model trained for other classes', () => {
    const data = gaussianClusters([4, 4], 8, 0.5, 25);
    const model = { ...train(data), classes: ['x', 'y'] };
    expect(() => evaluate(data, model)).toThrow(expect.objectContaining({ code: 'incompatible-model' }));
  });
});
