import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { trainTeachableMachineHead } from './teachableMachineHead';
import { gaussianClusters } from './testData';

describe('trainTeachableMachineHead', () => {
  const data = gaussianClusters([60, 60], 8, 0.3, 5);

  it('learns a trivially separable problem and releases its tensors', async () => {
    await tf.ready();
    const tensorsBefore = tf.memory().numTensors;
    const head = await trainTeachableMachineHead(data.embeddings, data.labels, 2, { seed: 3, epochs: 2 });
    // ⌈15%⌉ of 60 is 9 photos per class held out.
    expect(head.validationIndices).toHaveLength(18);
    const probabilities = head.predict(data.embeddings);
    const correct = probabilities.filter((p, i) => (p[1] > p[0] ? 1 : 0) === data.labels[i]).length;
    expect(correct / data.labels.length).toBeGreaterThanOrEqual(0.9);
    for (const p of probabilities) expect(p[0] + p[1]).toBeCloseTo(1, 5);
    head.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('is deterministic for a given seed', async () => {
    const first = await trainTeachableMachineHead(data.embeddings, data.labels, 2, { seed: 7, epochs: 1 });
    const second = await trainTeachableMachineHead(data.embeddings, data.labels, 2, { seed: 7, epochs: 1 });
    expect(second.validationIndices).toEqual(first.validationIndices);
    expect(second.predict(data.embeddings.slice(0, 5))).toEqual(first.predict(data.embeddings.slice(0, 5)));
    first.dispose();
    second.dispose();
  });
});
