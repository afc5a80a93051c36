import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/head/random';
import { meanAndStd, sampleShots } from './sampling';

const labels = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2];

describe('sampleShots', () => {
  it('takes k photos of every class', () => {
    const chosen = sampleShots(labels, 2, 1);
    expect(chosen).toHaveLength(6);
    for (const cls of [0, 1, 2]) expect(chosen.filter((i) => labels[i] === cls)).toHaveLength(2);
  });

  it('is reproducible for a seed and differs between seeds', () => {
    expect(sampleShots(labels, 2, 7)).toEqual(sampleShots(labels, 2, 7));
    const draws = new Set([1, 2, 3, 4, 5].map((seed) => sampleShots(labels, 2, seed).join()));
    expect(draws.size).toBeGreaterThan(1);
  });

  it("keeps every photo for 'all' and when a class has fewer than k", () => {
    expect(sampleShots(labels, 'all', 3).sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    expect(sampleShots(labels, 4, 3).filter((i) => labels[i] === 1)).toHaveLength(3);
  });
});

describe('seededRandom and meanAndStd', () => {
  it('draws uniform numbers in [0, 1)', () => {
    const random = seededRandom(42);
    const draws = Array.from({ length: 2000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(meanAndStd(draws).mean).toBeCloseTo(0.5, 1);
  });

  it('uses the sample standard deviation', () => {
    expect(meanAndStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanAndStd([0.9])).toEqual({ mean: 0.9, std: 0 });
  });
});
