import { describe, expect, it } from 'vitest';
import { gaussianClusters, seededRandom } from '../head/testData';
import { pileSketch } from './sketch';
import { margin, reviewQueue } from './queue';

/** Four groups of very different sizes, plus three lone photos far from everything. */
function clusteredPile() {
  const { embeddings, labels } = gaussianClusters([60, 30, 15, 8], 24, 0.15, 3);
  const random = seededRandom(9);
  const outliers = Array.from({ length: 3 }, () => Float32Array.from({ length: 24 }, () => 3 * random.normal()));
  return { pile: [...embeddings, ...outliers], groups: [...labels, -1, -1, -1] };
}

const probabilitiesWithMargins = (margins: number[]) =>
  margins.map((m) => {
    const p = new Float32Array(3);
    p[0] = (1 + m) / 2;
    p[1] = (1 - m) / 2;
    return p;
  });

describe('reviewQueue', () => {
  it('starts by covering the pile: one typical photo of each group before any second, and no outliers', () => {
    const { pile, groups } = clusteredPile();
    const queue = reviewQueue({ pile, labelled: [], count: 4, classCount: 4 });
    expect(new Set(queue.map((i) => groups[i]))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('skips groups that already have a labelled photo', () => {
    const { pile, groups } = clusteredPile();
    const labelled = [0, 60].map((i) => ({ embedding: pile[i], classIndex: groups[i] }));
    const queue = reviewQueue({ pile, labelled, count: 2, classCount: 4, exclude: new Set([0, 60]) });
    expect(new Set(queue.map((i) => groups[i]))).toEqual(new Set([2, 3]));
  });

  it('asks about the least sure photos once every class has a few labels, spread over the pile', () => {
    const { pile, groups } = clusteredPile();
    const labelled = [0, 1, 2, 60, 61, 62, 90, 91, 92].map((i) => ({ embedding: pile[i], classIndex: groups[i] % 3 }));
    // Group 0 holds the two least sure photos, group 1 the third: the queue should not spend
    // its second question on a near-copy of the first.
    const margins = pile.map(() => 0.9);
    margins[10] = 0.01;
    margins[11] = 0.02;
    margins[70] = 0.05;
    const queue = reviewQueue({ pile, labelled, probabilities: probabilitiesWithMargins(margins), count: 3, classCount: 3 });
    expect([...queue].sort((a, b) => a - b)).toEqual([10, 11, 70]);
    expect(new Set(queue.slice(0, 2).map((i) => groups[i]))).toEqual(new Set([0, 1]));
  });

  it('covers the pile while classes have fewer than three labels, even with predictions', () => {
    const { pile, groups } = clusteredPile();
    const labelled = [0, 60, 90].map((i) => ({ embedding: pile[i], classIndex: groups[i] }));
    const margins = pile.map(() => 0.9);
    margins[10] = 0;
    const queue = reviewQueue({ pile, labelled, probabilities: probabilitiesWithMargins(margins), count: 1, classCount: 3 });
    expect(groups[queue[0]]).toBe(3);
  });

  it('while covering, gives each class its turn by the suggestions, even where the pile is already covered', () => {
    const { pile, groups } = clusteredPile();
    const labelled = [0, 60].map((i) => ({ embedding: pile[i], classIndex: groups[i] }));
    // Group 1 is class 1 and has a labelled photo; everything else is suggested as class 0, and
    // groups 2 and 3, far from any labelled photo, would win every pick on distance alone.
    const probabilities = groups.map((group) => Float32Array.from(group === 1 ? [0.2, 0.8] : [0.8, 0.2]));
    const queue = reviewQueue({ pile, labelled, probabilities, count: 4, classCount: 2, exclude: new Set([0, 60]) });
    expect(queue.filter((i) => groups[i] === 1)).toHaveLength(2);
  });

  it('never returns an excluded photo, returns each photo once, and stops when the pile runs out', () => {
    const { pile } = clusteredPile();
    const exclude = new Set(pile.map((_, i) => i).filter((i) => i % 7 !== 0));
    const queue = reviewQueue({ pile, labelled: [], count: 100, classCount: 2, exclude });
    expect(queue.every((i) => !exclude.has(i))).toBe(true);
    expect(new Set(queue).size).toBe(queue.length);
    expect(queue).toHaveLength(pile.length - exclude.size);
  });

  it('gives the same order with a sketch of a larger pile and the rows of the photos left in it', () => {
    const { pile } = clusteredPile();
    const sketch = pileSketch(pile);
    const rows = pile.map((_, i) => i).filter((i) => i % 2 === 1);
    const smaller = rows.map((row) => pile[row]);
    const whole = reviewQueue({
      pile,
      labelled: [],
      count: 5,
      classCount: 4,
      sketch,
      exclude: new Set(pile.map((_, i) => i).filter((i) => i % 2 === 0)),
    });
    const part = reviewQueue({ pile: smaller, labelled: [], count: 5, classCount: 4, sketch, sketchRows: rows });
    expect(part.map((i) => rows[i])).toEqual(whole);
  });
});

describe('margin', () => {
  it('is the gap between the two most likely classes', () => {
    expect(margin([0.2, 0.5, 0.3])).toBeCloseTo(0.2);
    expect(margin([0.5, 0.5])).toBe(0);
  });
});
