/** The classifiers the harness compares, all trained on the same sampled embeddings. */
import { predictBatch, train, trainKnn, type TrainingData } from '../../src/head';
import { trainTeachableMachineHead } from '../../src/head/teachableMachineHead';

export interface Method {
  /** Name in tables and JSON: `<head>:<features>`, or a product's name when it is the whole pipeline. */
  name: string;
  features: string;
  /** Trains, and returns the head's one use: probabilities for the test set (tfjs memory is freed then). */
  fit(data: TrainingData, seed: number): Promise<(embeddings: Float32Array[]) => Float32Array[]>;
}

export function logistic(features: string): Method {
  return {
    name: `logistic:${features}`,
    features,
    fit: async (data) => {
      const model = train(data);
      return (embeddings) => predictBatch(model, embeddings);
    },
  };
}

/** Cosine k-nearest neighbours, Teachable Machine v1's approach. */
export function knn(features: string): Method {
  return {
    name: `knn:${features}`,
    features,
    fit: async (data) => {
      const model = trainKnn(data);
      return (embeddings) => predictBatch(model, embeddings);
    },
  };
}

/** Teachable Machine v2's head and training recipe, on the given embeddings. */
export function tmHead(features: string): Method {
  return {
    name: `tm-head:${features}`,
    features,
    fit: async (data, seed) => {
      const head = await trainTeachableMachineHead(data.embeddings, data.labels, data.classes.length, { seed });
      return (embeddings) => {
        const probabilities = head.predict(embeddings);
        head.dispose();
        return probabilities;
      };
    },
  };
}

/** Teachable Machine exactly: its own MobileNet V2 0.35 backbone under its head and recipe. */
export const teachableMachine: Method = { ...tmHead('tm-v2-0.35'), name: 'teachable-machine' };
