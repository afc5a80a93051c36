import { describe, expect, it } from 'vitest';
import { calibration, evaluate, LEAVE_ONE_OUT_MAX_PHOTOS, wilsonInterval } from './evaluate';
import { trainKnn } from './knn';
import { gaussianClusters } from './testData';
import { train } from './train';
import type { TrainingData } from './types';

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
