import { describe, expect, it } from 'vitest';
import { seededRandom } from '../head/testData';
import { acceptBar, fitTemperature, pileWeights } from './acceptBar';
import { pileSketch } from './sketch';

/**
 * Two-class predictions whose confidence c is right with probability truth(c): a classifier that
 * is more sure than right when truth(c) < c.
 */
function predictions(count: number, truth: (confidence: number) => number, seed: number) {
  const random = seededRandom(seed);
  const probabilities: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const suggested = random.uniform() < 0.5 ? 0 : 1;
    const confidence = 0.5 + 0.5 * Math.sqrt(random.uniform());
    const p = new Float32Array(2);
    p[suggested] = confidence;
    p[1 - suggested] = 1 - confidence;
    probabilities.push(p);
    labels.push(random.uniform() < truth(confidence) ? suggested : 1 - suggested);
  }
  return { probabilities, labels };
}

/** Softmax heads are typically more sure than right in this way: log-odds 1.6 times too large. */
const overconfident = (confidence: number) => 1 / (1 + ((1 - confidence) / confidence) ** (1 / 1.6));

describe('acceptBar', () => {
  it('promises, within 2 points, the precision the accepted photos turn out to have', () => {
    const heldOut = predictions(300, overconfident, 1);
    const pile = predictions(3000, overconfident, 2);
    const plan = acceptBar(heldOut, pile.probabilities, { targetPrecision: 0.9 });
    const accepted = plan.perClass.flatMap((c) => c.photos.map((i) => ({ i, c: c.classIndex })));
    expect(accepted.length).toBeGreaterThan(300);
    const right = accepted.filter(({ i, c }) => pile.labels[i] === c).length;
    const promised = 1 - plan.perClass.reduce((sum, c) => sum + c.expectedWrong, 0) / accepted.length;
    console.log(
      right / accepted.length,
      promised,
      accepted.length,
      plan.perClass.map((c) => c.bar),
    );
    expect(Math.abs(right / accepted.length - promised)).toBeLessThan(0.02);
    expect(right / accepted.length).toBeGreaterThan(0.88);
  });

  it('sets the bar where the calibrated accuracy reaches the target, above the raw confidence for an overconfident classifier', () => {
    const heldOut = predictions(400, overconfident, 3);
    const pile = predictions(500, overconfident, 4);
    const plan = acceptBar(heldOut, pile.probabilities, { targetPrecision: 0.9 });
    for (const { bar, photos } of plan.perClass) {
      expect(bar).not.toBeNull();
      // The classifier would say 0.9 at 0.9; it is right that often only from about 0.97 on.
      expect(bar!).toBeGreaterThan(0.92);
      expect(photos.every((i) => pile.probabilities[i][0] >= bar! || pile.probabilities[i][1] >= bar!)).toBe(true);
    }
  });

  it('accepts nothing before there are enough held-out predictions, and never an excluded photo', () => {
    const pile = predictions(100, () => 1, 5);
    const few = predictions(8, () => 1, 6);
    expect(acceptBar(few, pile.probabilities).perClass.every((c) => c.bar === null && c.photos.length === 0)).toBe(true);
    const many = predictions(200, () => 1, 7);
    const exclude = new Set([0, 1, 2, 3, 4]);
    const photos = acceptBar(many, pile.probabilities, { exclude }).perClass.flatMap((c) => c.photos);
    expect(photos.length).toBeGreaterThan(0);
    expect(photos.some((i) => exclude.has(i))).toBe(false);
  });

  it('gives a class that is often wrong a higher bar than one that is always right', () => {
    const heldOut = predictions(400, () => 1, 8);
    // Suggestions of class 1 are right only 80% of the time, whatever their confidence.
    const random = seededRandom(9);
    heldOut.labels = heldOut.labels.map((label, i) => (heldOut.probabilities[i][1] > 0.5 && random.uniform() < 0.2 ? 0 : label));
    const pile = predictions(500, () => 1, 10);
    const [zero, one] = acceptBar(heldOut, pile.probabilities).perClass;
    expect(zero.bar).not.toBeNull();
    expect(one.bar === null || one.bar > zero.bar!).toBe(true);
  });
});

describe('fitTemperature', () => {
  it('cools an overconfident classifier (temperature above 1) and leaves a calibrated one near 1, with a range around it', () => {
    const cooled = fitTemperature(predictions(2000, overconfident, 12));
    expect(cooled.temperature).toBeGreaterThan(1.2);
    expect(cooled.range.lower).toBeLessThan(cooled.temperature);
    expect(cooled.range.upper).toBeGreaterThan(cooled.temperature);
    expect(fitTemperature(predictions(2000, (c) => c, 13)).temperature).toBeCloseTo(1, 0);
  });

  it('counts a photo by its weight', () => {
    const heldOut = predictions(400, overconfident, 14);
    // Weighting only the right answers makes the classifier look more trustworthy.
    const weights = heldOut.labels.map((label, i) => (heldOut.probabilities[i][label] > 0.5 ? 5 : 1));
    expect(fitTemperature({ ...heldOut, weights }).temperature).toBeLessThan(fitTemperature(heldOut).temperature);
  });
});

describe('pileWeights', () => {
  it('counts the pile photos nearest to each labelled photo', () => {
    const pile = [
      [1, 0, 0],
      [0.9, 0.1, 0],
      [0.95, 0, 0.05],
      [0, 1, 0],
    ].map((v) => Float32Array.from(v));
    const sketch = pileSketch(pile, { dim: 2 });
    expect(pileWeights(sketch, [pile[0], pile[3]])).toEqual([4, 2]);
    expect(pileWeights(sketch, [pile[0], pile[3]], new Set([0, 3]))).toEqual([3, 1]);
  });
});
