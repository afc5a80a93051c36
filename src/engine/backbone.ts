/** Loads a backbone and runs it: one forward pass gives both the embedding and ImageNet guesses. */
import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec } from './backbones';
import type { Guess } from './protocol';

export interface BackboneOutputs {
  embeddings: Float32Array[];
  probabilities: Float32Array[];
}

export interface LoadedBackbone {
  spec: BackboneSpec;
  labels: string[];
  /** `input` holds `count` images, each inputSize x inputSize x 3, already scaled. */
  run(input: Float32Array, count: number): Promise<BackboneOutputs>;
  dispose(): void;
}

/** Files fetched once per worker and reused for every backend that is tried. */
export interface BackboneFiles {
  artifacts: tf.io.ModelArtifacts;
  labels: string[];
}

export class MissingWeightsError extends Error {}

export async function fetchBackboneFiles(spec: BackboneSpec): Promise<BackboneFiles> {
  try {
    // http() always implements load(); the interface only marks it optional for save-only handlers.
    const artifacts = await tf.io.http(spec.modelUrl).load!();
    if (!spec.labelsUrl) return { artifacts, labels: [] };
    const metadata = (await (await fetch(spec.labelsUrl)).json()) as { labels: string[] };
    return { artifacts, labels: metadata.labels };
  } catch (error) {
    throw new MissingWeightsError(
      `The ${spec.title} model files could not be loaded (${(error as Error).message}). ` +
        'Whoever installed Handful should run `npm run setup`.',
    );
  }
}

export async function loadBackbone(spec: BackboneSpec, files: BackboneFiles): Promise<LoadedBackbone> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(files.artifacts));
  const embedding = spec.embeddingLayer ? (model.getLayer(spec.embeddingLayer).output as tf.SymbolicTensor) : model.outputs[0];
  const classes = model.outputs[0].shape.at(-1);
  if (spec.embeddingLayer && classes !== files.labels.length) {
    model.dispose();
    throw new Error(`${spec.title} has ${classes} outputs but ${files.labels.length} labels`);
  }
  // One forward pass for both outputs; a model without a classifier has the embedding only.
  const outputs = spec.embeddingLayer ? [embedding, model.outputs[0]] : [embedding];
  const extractor = tf.model({ inputs: model.inputs, outputs });
  const size = spec.inputSize;

  async function run(input: Float32Array, count: number): Promise<BackboneOutputs> {
    const results = tf.tidy(() => {
      const predicted = extractor.predict(tf.tensor4d(input, [count, size, size, 3]));
      return Array.isArray(predicted) ? predicted : [predicted];
    });
    try {
      const [flatEmbeddings, flatProbabilities] = await Promise.all(results.map((tensor) => tensor.data()));
      const split = (flat: tf.TypedArray | undefined, width: number) =>
        Array.from({ length: count }, (_, i) => Float32Array.from(flat?.subarray(i * width, (i + 1) * width) ?? []));
      return {
        embeddings: split(flatEmbeddings, spec.embeddingSize),
        probabilities: split(flatProbabilities, files.labels.length),
      };
    } finally {
      results.forEach((tensor) => tensor.dispose());
    }
  }

  return { spec, labels: files.labels, run, dispose: () => model.dispose() };
}

/**
 * The k most probable labels, each shortened to its first synonym ("hotdog, hot dog" -> "hotdog").
 * `backgroundClass` ("none of these") is never a guess.
 */
export function topGuesses(probabilities: Float32Array, labels: string[], k: number, backgroundClass?: number): Guess[] {
  if (k === 0) return [];
  return Array.from(probabilities.keys())
    .filter((index) => index !== backgroundClass)
    .sort((a, b) => probabilities[b] - probabilities[a])
    .slice(0, k)
    .map((index) => ({ label: labels[index].split(',')[0].trim(), probability: probabilities[index] }));
}
