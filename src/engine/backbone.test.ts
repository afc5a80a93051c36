import { describe, expect, it } from 'vitest';
import { classify, topGuesses } from './backbone';

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

describe('classify', () => {
  it('is the softmax of features times the kernel plus the bias', () => {
    // 2 inputs, 3 classes: kernel rows per input, then the bias.
    const weights = Float32Array.from([1, 0, -1, 0, 2, 0, 0.5, 0, 0]);
    const probabilities = classify(weights, Float32Array.from([1, 1]));
    const logits = [1.5, 2, -1];
    const sum = logits.reduce((a, l) => a + Math.exp(l), 0);
    logits.forEach((l, c) => expect(probabilities[c]).toBeCloseTo(Math.exp(l) / sum, 6));
  });
});
