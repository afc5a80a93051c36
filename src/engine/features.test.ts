import { describe, expect, it } from 'vitest';
import { composeFeatures, meanOf } from './features';

const f32 = (...values: number[]) => Float32Array.from(values);
const close = (actual: Float32Array, expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual[i], `element ${i}`).toBeCloseTo(value, 6));
};

describe('feature composition', () => {
  it('one backbone, one view: the embedding unchanged (not normalised)', () => {
    close(composeFeatures([[f32(3, 4)]]), [3, 4]);
  });

  it('flip: the mean of the photo and its mirror, before any normalisation', () => {
    close(meanOf([f32(1, 2, 3), f32(3, 2, 7)]), [2, 2, 5]);
    close(composeFeatures([[f32(1, 2, 3), f32(3, 2, 7)]]), [2, 2, 5]);
  });

  it('several backbones: each L2-normalised, then concatenated in order', () => {
    const out = composeFeatures([[f32(3, 4)], [f32(0, 0, 2)]]);
    close(out, [0.6, 0.8, 0, 0, 1]);
  });

  it('several backbones with flip: averaged per backbone first, then normalised', () => {
    // Backbone A: mean of (1, 0) and (3, 4) = (2, 2) -> (1/√2, 1/√2). Normalising each view first would
    // give a different direction: mean of (1, 0) and (0.6, 0.8) = (0.8, 0.4).
    // Backbone B: mean of (0, 5, 0) and (0, 1, 0) = (0, 3, 0) -> (0, 1, 0).
    const out = composeFeatures([
      [f32(1, 0), f32(3, 4)],
      [f32(0, 5, 0), f32(0, 1, 0)],
    ]);
    close(out, [Math.SQRT1_2, Math.SQRT1_2, 0, 1, 0]);
    const norm = (from: number, to: number) => Math.hypot(...out.subarray(from, to));
    expect(norm(0, 2)).toBeCloseTo(1, 6);
    expect(norm(2, 5)).toBeCloseTo(1, 6);
  });

  it('keeps a zero embedding zero instead of dividing by zero', () => {
    close(composeFeatures([[f32(0, 0)], [f32(2)]]), [0, 0, 1]);
  });

  it('refuses views of different lengths', () => {
    expect(() => meanOf([f32(1, 2), f32(1)])).toThrow(/lengths 2 and 1/);
    expect(() => composeFeatures([])).toThrow(/no backbone/);
  });
});
