import { describe, expect, it } from 'vitest';
import { evaluate, predictBatch, train, type TrainingData } from '../../src/head';
import { gaussianClusters } from '../../src/head/testData';
import { APP_BATCH, trainAsTheAppDoes } from './appPath';

/** The photos the app had trained on when the last class got its first drop. */
function whenLastClassStarted(data: TrainingData): TrainingData {
  const last = data.classes.length - 1;
  let seen = 0;
  const rows = data.labels.flatMap((label, i) => (label < last || seen++ < APP_BATCH ? [i] : []));
  return { classes: data.classes, embeddings: rows.map((i) => data.embeddings[i]), labels: rows.map((i) => data.labels[i]) };
}

describe('trainAsTheAppDoes', () => {
  // Overlapping classes, where the best penalty depends on how many photos there are: in each,
  // the penalty chosen when the last class had its first 10 photos is not the one chosen on all
  // of them, so a head that kept its first penalty would fail.
  const cases: [string, TrainingData, number][] = [
    ['20, 20 and 60 photos', gaussianClusters([20, 20, 60], 32, 1.5, 1), 8],
    ['20, 20 and 60 photos, another draw', gaussianClusters([20, 20, 60], 32, 1.5, 2), 8],
    ['30 and 60 photos', gaussianClusters([30, 60], 32, 3, 1), 6],
  ];
  it.each(cases)('ends with the head a fresh train() gives on the same photos: %s', { timeout: 60_000 }, (_, data, trainings) => {
    const app = trainAsTheAppDoes(data);
    // A training after each drop of 10 from the second class on.
    expect(app.trainings).toBe(trainings);
    expect(app.data.labels).toEqual(data.labels);
    const fresh = train(app.data);
    expect(train(whenLastClassStarted(data)).lambda).not.toBe(fresh.lambda);
    expect(app.model.lambda).toBe(fresh.lambda);
    // Both are the optimum for that penalty to the solver's tolerance (FINAL_TOLERANCE), reached
    // from different starts: probabilities agree to a few hundredths.
    const [appP, freshP] = [predictBatch(app.model, data.embeddings), predictBatch(fresh, data.embeddings)];
    appP.forEach((p, i) => p.forEach((value, c) => expect(Math.abs(value - freshP[i][c])).toBeLessThan(0.05)));
    // Held-out predictions depend on the photos and the penalty only, so the app shows exactly
    // what evaluating the fresh head shows.
    expect(app.evaluation.accuracy).toBe(evaluate(app.data, fresh).accuracy);
  });
});
