import { describe, expect, it } from 'vitest';
import { evaluate, finish, PreparedRows, type LogisticModel, type TrainingData } from '../head';
import { gaussianClusters } from '../head/testData';
import { TrainingPacker, TrainingStore } from './packing';
import { trainHead } from './trainHead';

/** `data` with `rows` of it, in that order. */
const pick = (data: TrainingData, rows: number[], labels = rows.map((i) => data.labels[i])): TrainingData => ({
  classes: data.classes,
  embeddings: rows.map((i) => data.embeddings[i]),
  labels,
});

describe('trainHead with what the worker keeps between requests', () => {
  it('trains and evaluates exactly as from scratch, whatever changed in between', () => {
    const project = gaussianClusters([9, 8], 12, 1.2, 4);
    const other = gaussianClusters([7, 7, 6], 12, 1, 5);
    // The same photos seen with other features: new embeddings, of another length.
    const otherFeatures = gaussianClusters([9, 8], 20, 1.2, 6);
    const all = project.labels.map((_, i) => i);
    const requests: TrainingData[] = [
      pick(project, all.slice(0, 16)),
      // One more photo.
      pick(project, all),
      // A photo moved to the other class (its embedding is the same array).
      pick(
        project,
        all,
        project.labels.map((label, i) => (i === 2 ? 1 : label)),
      ),
      // A photo removed, and the rest in another order.
      pick(project, [...all.slice(9), ...all.slice(0, 5), ...all.slice(6, 9)]),
      otherFeatures,
      // Another project, then back to the first.
      other,
      pick(project, all),
    ];
    const packer = new TrainingPacker();
    const store = new TrainingStore();
    const prepared = new PreparedRows();
    let previous: LogisticModel | undefined;
    for (const request of requests) {
      const packed = packer.pack(request);
      const received = store.unpack(structuredClone(packed, { transfer: [packed.added.embeddings.buffer] }));
      const kept = trainHead(received, previous, undefined, prepared);
      const afresh = trainHead(request, previous);
      expect(kept.model).toEqual(afresh.model);
      const evaluation = finish(kept.evaluation);
      expect(evaluation).toEqual(finish(afresh.evaluation));
      // The evaluation takes the photos as the fit centred them: the same as evaluating the head on its own.
      expect(evaluation).toEqual(evaluate(request, kept.model));
      previous = kept.model;
    }
  });
});
