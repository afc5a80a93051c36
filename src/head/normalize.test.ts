import { describe, expect, it } from 'vitest';
import { cosine, l2Normalize } from './normalize';

describe('cosine and L2 normalisation', () => {
  it('measures the angle, not the length', () => {
    expect(cosine([1, 0], [3, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 2])).toBeCloseTo(0);
    expect(cosine([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(cosine([3, 4], [4, 3])).toBeCloseTo(24 / 25);
  });

  it('gives unit length, and leaves a zero vector zero', () => {
    expect(Array.from(l2Normalize([3, 4]))).toEqual([0.6000000238418579, 0.800000011920929]);
    expect(Array.from(l2Normalize([0, 0]))).toEqual([0, 0]);
  });
});
