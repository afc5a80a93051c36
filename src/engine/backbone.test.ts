import { describe, expect, it } from 'vitest';
import { topGuesses } from './backbone';

describe('topGuesses', () => {
  const labels = ['background', 'hotdog, hot dog, red hot', 'Egyptian cat', 'chickadee'];

  it('orders by probability and keeps the first synonym', () => {
    const guesses = topGuesses(Float32Array.from([0.1, 0.6, 0.2, 0.1]), labels, 2);
    expect(guesses.map((g) => g.label)).toEqual(['hotdog', 'Egyptian cat']);
    expect(guesses[0].probability).toBeCloseTo(0.6, 6);
  });

  it('never offers the background class, even when it is the most probable', () => {
    const guesses = topGuesses(Float32Array.from([0.7, 0.05, 0.2, 0.05]), labels, 2, 0);
    expect(guesses.map((g) => g.label)).toEqual(['Egyptian cat', 'hotdog']);
    expect(topGuesses(Float32Array.from([0.7, 0.1, 0.1, 0.1]), labels, 0, 0)).toEqual([]);
  });
});
