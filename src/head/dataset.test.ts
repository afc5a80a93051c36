import { describe, expect, it } from 'vitest';
import { prepareDataset, PreparedRows } from './dataset';
import { HeadError, type HeadErrorCode } from './errors';
import { trainKnn } from './knn';
import { l2Normalize } from './normalize';
import { predictBatch } from './predict';
import { train } from './train';
import type { TrainingData } from './types';

const v = (...values: number[]) => Float32Array.from(values);

function expectHeadError(run: () => unknown, code: HeadErrorCode, message: RegExp, exampleIndex?: number): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HeadError);
  expect(caught).toMatchObject({ code, exampleIndex });
  expect((caught as HeadError).message).toMatch(message);
}

describe('l2Normalize', () => {
  it('scales to unit length and leaves a zero vector zero', () => {
    expect(Array.from(l2Normalize([3, 4]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
  });
});

describe('degenerate training data', () => {
  for (const [name, fit] of [
    ['logistic', train],
    ['knn', trainKnn],
  ] as const) {
    describe(name, () => {
      it('refuses a single class', () => {
        const data = { classes: ['only'], embeddings: [v(1, 0), v(0, 1)], labels: [0, 0] };
        expectHeadError(() => fit(data), 'too-few-classes', /needs at least two classes with photos/);
      });

      it('refuses two classes when only one has photos', () => {
        const data = { classes: ['a', 'b'], embeddings: [v(1, 0), v(0, 1)], labels: [0, 0] };
        expectHeadError(() => fit(data), 'too-few-classes', /needs at least two classes with photos/);
      });

      it('refuses a class without photos, naming it', () => {
        const data = { classes: ['a', 'empty', 'c'], embeddings: [v(1, 0), v(0, 1)], labels: [0, 2] };
        expectHeadError(() => fit(data), 'empty-class', /"empty" has no photos/);
      });

      it('names the photo whose embedding has NaN or Infinity', () => {
        const data = { classes: ['a', 'b'], embeddings: [v(1, 0), v(0, 1), v(Number.NaN, 1)], labels: [0, 1, 1] };
        expectHeadError(() => fit(data), 'non-finite-value', /Photo 2/, 2);
        const infinite = { ...data, embeddings: [v(1, 0), v(0, Number.POSITIVE_INFINITY), v(0, 1)] };
        expectHeadError(() => fit(infinite), 'non-finite-value', /Photo 1/, 1);
      });

      it('refuses embeddings and labels that do not pair up', () => {
        const data = { classes: ['a', 'b'], embeddings: [v(1, 0), v(0, 1)], labels: [0, 1, 1] };
        expectHeadError(() => fit(data), 'length-mismatch', /2 embeddings but 3 labels/);
      });

      it('refuses embeddings of different lengths', () => {
        const data = { classes: ['a', 'b'], embeddings: [v(1, 0), v(0, 1, 0)], labels: [0, 1] };
        expectHeadError(() => fit(data), 'dimension-mismatch', /Photo 1/, 1);
      });

      it('refuses a label that is not a class', () => {
        const data = { classes: ['a', 'b'], embeddings: [v(1, 0), v(0, 1)], labels: [0, 2] };
        expectHeadError(() => fit(data), 'invalid-label', /Photo 1 is labelled 2/, 1);
      });

      it('learns from duplicate photos and zero vectors without producing NaN', () => {
        const data: TrainingData = {
          classes: ['a', 'b'],
          embeddings: [v(1, 0), v(1, 0), v(1, 0), v(0, 0), v(0, 1), v(0, 1), v(0, 0)],
          labels: [0, 0, 0, 0, 1, 1, 1],
        };
        const model = fit(data);
        for (const p of predictBatch(model, [...data.embeddings, v(0, 0)])) {
          expect(p.every(Number.isFinite)).toBe(true);
          expect(p[0] + p[1]).toBeCloseTo(1, 5);
        }
        const [a, b] = predictBatch(model, [v(1, 0), v(0, 1)]);
        expect(a[0]).toBeGreaterThan(0.5);
        expect(b[1]).toBeGreaterThan(0.5);
      });
    });
  }
});

describe('prepared rows', () => {
  it('give the same dataset as preparing afresh, and are still checked where new', () => {
    const a = v(3, 4);
    const b = v(0, 2);
    const c = v(1, 1);
    const prepared = new PreparedRows();
    const first: TrainingData = { classes: ['x', 'y'], embeddings: [a, b], labels: [0, 1] };
    expect(prepareDataset(first, prepared)).toEqual(prepareDataset(first));
    // Reordered, relabelled, one more: the rows follow their embeddings, the labels are read anew.
    const second: TrainingData = { classes: ['x', 'y'], embeddings: [b, c, a], labels: [0, 0, 1] };
    expect(prepareDataset(second, prepared)).toEqual(prepareDataset(second));
    // A new broken embedding beside known ones is named at its place.
    const broken = { classes: ['x', 'y'], embeddings: [a, v(1, NaN), b], labels: [0, 1, 1] };
    expectHeadError(() => prepareDataset(broken, prepared), 'non-finite-value', /Photo 1 has a broken embedding/, 1);
    expectHeadError(
      () => prepareDataset({ classes: ['x', 'y'], embeddings: [v(1, 2, 3), a], labels: [0, 1] }, prepared),
      'dimension-mismatch',
      /Photo 1 has an embedding of length 2, but 3 was expected/,
      1,
    );
  });
});
