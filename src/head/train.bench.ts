/**
 * Timings for the targets, run by hand: npx vitest bench --run src/head
 * (12 classes × 60 photos × 768 dims, Gaussian clusters; noisier clusters take longer).
 */
import { bench, describe } from 'vitest';
import { gaussianClusters } from './testData';
import { train } from './train';
import type { TrainingData } from './types';

const settings = { time: 0, iterations: 5, warmupIterations: 1 };

for (const spread of [1, 3]) {
  const all = gaussianClusters(new Array(12).fill(61), 768, spread, 1);
  const isLastOfClass = (i: number) => i % 61 === 60;
  const data: TrainingData = {
    ...all,
    embeddings: all.embeddings.filter((_, i) => !isLastOfClass(i)),
    labels: all.labels.filter((_, i) => !isLastOfClass(i)),
  };
  const previous = train(data);

  describe(`12 × 60 × 768, cluster spread ${spread} (λ = ${previous.lambda.toPrecision(2)})`, () => {
    bench('full fit, penalty chosen by cross-validation', () => void train(data), settings);
    bench('warm refit after one more photo', () => void train(all, { previous }), settings);
  });
}
