/**
 * Loads a backbone and runs it: one forward pass gives both the embedding and ImageNet guesses.
 * A TF.js layers model runs on the active tfjs backend; a .tflite model on LiteRT.js.
 */
import type * as tf from '@tensorflow/tfjs';
import { formatRunsOn, type BackboneSpec } from './backbones';
import { compileTflite, type LiteRtAccelerator } from './litert';
import type { BackendName, Guess } from './protocol';
import { timed } from './stages';

export interface BackboneOutputs {
  embeddings: Float32Array[];
  probabilities: Float32Array[];
}

export interface LoadedBackbone {
  spec: BackboneSpec;
  labels: string[];
  /**
   * `input` holds `count` images, each inputSize x inputSize x 3, already scaled. `probabilities`
   * is false when no ImageNet guesses are wanted: a model that computes them apart (V1's borrowed
   * classifier layer) then skips that work, and gives none.
   */
  run(input: Float32Array, count: number, probabilities?: boolean): Promise<BackboneOutputs>;
  dispose(): void;
}

/** Files fetched once per worker and reused for every backend that is tried. */
export type BackboneFiles = { labels: string[] } & (
  { format: 'tfjs-layers'; artifacts: tf.io.ModelArtifacts } | { format: 'tflite'; bytes: Uint8Array; classifier?: Float32Array }
);

export class MissingWeightsError extends Error {}

/** Bytes received so far and expected in all (0 when the server does not say). */
export type DownloadProgress = (received: number, expected: number) => void;

/** Reads a response's body, reporting progress as it arrives. */
async function readWithProgress(response: Response, onProgress: DownloadProgress): Promise<Uint8Array> {
  const expected = Number(response.headers.get('Content-Length') ?? 0);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onProgress(received, expected);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export async function fetchBackboneFiles(spec: BackboneSpec, onProgress: DownloadProgress = () => {}): Promise<BackboneFiles> {
  try {
    const labels = spec.labelsUrl ? ((await (await fetch(spec.labelsUrl)).json()) as { labels: string[] }).labels : [];
    if (spec.format === 'tflite') {
      const get = async (url: string) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${url}`);
        return response;
      };
      // Progress counts the model and its classifier together, as one download.
      let modelBytes = 0;
      let classifierBytes = 0;
      const report = () => onProgress(modelBytes + classifierBytes, 0);
      const [bytes, classifier] = await Promise.all([
        get(spec.modelUrl).then((response) => readWithProgress(response, (received) => ((modelBytes = received), report()))),
        spec.classifier &&
          get(spec.classifier.shardUrl)
            .then((response) => readWithProgress(response, (received) => ((classifierBytes = received), report())))
            .then((raw) => new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)),
      ]);
      return { format: 'tflite', bytes, classifier, labels };
    }
    const artifacts = await (await import('./tfjs')).fetchLayersArtifacts(spec.modelUrl);
    return { format: 'tfjs-layers', artifacts, labels };
  } catch (error) {
    throw new MissingWeightsError(
      `The ${spec.title} model files could not be loaded (${(error as Error).message}). ` +
        'Whoever installed Handful should run `npm run setup`.',
    );
  }
}

/** `backend`: the tfjs backend already active (tfjs-layers), or the LiteRT accelerator to use (tflite). */
export async function loadBackbone(spec: BackboneSpec, files: BackboneFiles, backend: BackendName): Promise<LoadedBackbone> {
  if (files.format === 'tflite') {
    if (!formatRunsOn('tflite', backend)) throw new Error(`${spec.title} runs with LiteRT, on wasm or webgpu, not ${backend}`);
    return loadTflite(spec, files, backend as LiteRtAccelerator);
  }
  // TF.js (megabytes of script) loads only for the earlier models that need it.
  return (await import('./tfjs')).loadLayersBackbone(spec, files);
}

/**
 * A .tflite backbone: output 0 is the pooled embedding, output 1 (when there is one) the ImageNet
 * class probabilities. Its input has a batch of one, so a batch runs photo by photo (XNNPACK
 * uses every thread within each photo).
 */
async function loadTflite(
  spec: BackboneSpec,
  { bytes, labels, classifier }: Extract<BackboneFiles, { format: 'tflite' }>,
  accelerator: LiteRtAccelerator,
): Promise<LoadedBackbone> {
  const model = await compileTflite(bytes, accelerator);
  const size = spec.inputSize;
  const expectedInput = [1, size, size, 3];
  const [embeddingShape, probabilityShape] = model.outputShapes;
  const problem =
    model.inputShape.join() !== expectedInput.join()
      ? `takes [${model.inputShape.join(', ')}], not [${expectedInput.join(', ')}]`
      : embeddingShape?.at(-1) !== spec.embeddingSize
        ? `gives [${embeddingShape?.join(', ')}], not an embedding of ${spec.embeddingSize}`
        : probabilityShape && probabilityShape.at(-1) !== labels.length
          ? `has ${probabilityShape.at(-1)} classes but ${labels.length} labels`
          : spec.classifier && classifier?.length !== (spec.classifier.inputs + 1) * spec.classifier.classes
            ? `'s classifier has ${classifier?.length} numbers, not ${(spec.classifier.inputs + 1) * spec.classifier.classes}`
            : undefined;
  if (problem) {
    model.dispose();
    throw new Error(`${spec.title}: the model file ${problem}`);
  }
  const pixels = size * size * 3;

  async function run(input: Float32Array, count: number, wanted = true): Promise<BackboneOutputs> {
    const outputs: BackboneOutputs = { embeddings: [], probabilities: [] };
    for (let i = 0; i < count; i++) {
      const [embedding, probabilities] = await model.run(input.subarray(i * pixels, (i + 1) * pixels));
      outputs.embeddings.push(embedding);
      outputs.probabilities.push(
        probabilities ??
          (classifier && wanted ? await timed('imagenet classifier', () => classify(classifier, embedding)) : new Float32Array(0)),
      );
    }
    return outputs;
  }

  return { spec, labels: probabilityShape || classifier ? labels : [], run, dispose: () => model.dispose() };
}

/** Softmax of a 1x1 convolution over pooled features: `weights` is the kernel [inputs x classes], then the bias. */
export function classify(weights: Float32Array, features: Float32Array): Float32Array {
  const inputs = features.length;
  const classes = weights.length / (inputs + 1);
  const logits = weights.slice(inputs * classes);
  for (let i = 0; i < inputs; i++) {
    const x = features[i];
    const row = i * classes;
    for (let c = 0; c < classes; c++) logits[c] += x * weights[row + c];
  }
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c] - max);
  for (let c = 0; c < classes; c++) logits[c] /= sum;
  return logits;
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
