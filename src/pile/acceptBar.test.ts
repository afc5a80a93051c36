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
  it('does not let a handful of held-out photos that were all right make the classifier look infallible', () => {
    // 24 held-out photos, every one right: without a prior the fit runs to T = 1/20, and the
    // app promised 99.8% right where 97% were.
    const heldOut = predictions(24, () => 1, 15);
    expect(fitTemperature(heldOut).temperature).toBeLessThan(0.06);
    const { temperature } = fitTemperature(heldOut, { prior: { temperature: 1, sd: 0.5 } });
    expect(temperature).toBeGreaterThan(0.3);
    expect(temperature).toBeLessThan(1);
    // With many photos the held-out evidence wins over the prior.
    const many = fitTemperature(predictions(2000, overconfident, 16), { prior: { temperature: 1, sd: 0.5 } });
    expect(many.temperature).toBeGreaterThan(1.3);
  });

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

describe('acceptBar with few held-out photos', () => {
  it('keeps its promise on average over many small labelled sets, those that happened to be all right included', () => {
    // Three classes, suggestions as right as their confidence says. With 24 held-out photos about
    // one set in five is all right with these confidences; without a prior those sets fit T = 1/20
    // and promise nearly 100%.
    const random = seededRandom(17);
    const make = (count: number) => {
      const probabilities: Float32Array[] = [];
      const labels: number[] = [];
      for (let i = 0; i < count; i++) {
        const suggested = i % 3;
        const confidence = 0.75 + 0.25 * Math.sqrt(random.uniform());
        const p = new Float32Array(3).fill((1 - confidence) / 2);
        p[suggested] = confidence;
        probabilities.push(p);
        labels.push(random.uniform() < confidence ? suggested : (suggested + 1) % 3);
      }
      return { probabilities, labels };
    };
    let accepted = 0;
    let right = 0;
    let promisedWrong = 0;
    for (let run = 0; run < 40; run++) {
      const pile = make(600);
      const plan = acceptBar(make(24), pile.probabilities);
      for (const c of plan.perClass) {
        accepted += c.photos.length;
        right += c.photos.filter((i) => pile.labels[i] === c.classIndex).length;
        promisedWrong += c.expectedWrong;
      }
    }
    expect(accepted).toBeGreaterThan(1000);
    expect(Math.abs(1 - promisedWrong / accepted - right / accepted)).toBeLessThan(0.02);
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
