import { describe, expect, it } from 'vitest';
import { seededRandom } from '../head/testData';
import { maybeMislabelled } from './mislabelled';

describe('maybeMislabelled', () => {
  it('flags the planted label errors, with the true class as the suggestion, and nothing else', () => {
    const random = seededRandom(4);
    const classCount = 3;
    const planted = [5, 17, 40, 71];
    const truth: number[] = [];
    const probabilities: Float32Array[] = [];
    for (let i = 0; i < 90; i++) {
      const c = i % classCount;
      truth.push(c);
      // A fair classifier: mostly sure of the true class, sometimes torn between two; the photos
      // whose label will be wrong are clear cases of their true class.
      const p = Float32Array.from({ length: classCount }, () => 0.05 + 0.1 * random.uniform());
      if (planted.includes(i)) p[c] = 0.95;
      else p[c] = random.uniform() < 0.15 ? p[(c + 1) % classCount] + 0.05 : 0.6 + 0.35 * random.uniform();
      const sum = p.reduce((a, b) => a + b, 0);
      probabilities.push(p.map((v) => v / sum));
    }
    const labels = truth.map((c, i) => (planted.includes(i) ? (c + 1) % classCount : c));
    const flagged = maybeMislabelled({ probabilities, labels });
    expect(flagged.map((f) => f.index).sort((a, b) => a - b)).toEqual(planted);
    for (const f of flagged) {
      expect(f.suggestedClass).toBe(truth[f.index]);
      expect(f.givenClass).toBe(labels[f.index]);
    }
  });

  it('does not flag a photo whose prediction prefers its own class, nor one without a prediction', () => {
    const p = (values: number[]) => Float32Array.from(values);
    const flagged = maybeMislabelled({
      probabilities: [p([0.9, 0.1]), p([0.8, 0.2]), null, p([0.3, 0.7]), p([0.2, 0.8])],
      labels: [0, 0, 1, 1, 1],
    });
    expect(flagged).toEqual([]);
  });
});
