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

/**
 * Files fetched once per worker and reused for every backend that is tried. `classifierBytes`:
 * the ImageNet classifier's file, when fetched ahead (fetchClassifierAhead).
 */
export type BackboneFiles = { labels: string[] } & (
  | { format: 'tfjs-layers'; artifacts: tf.io.ModelArtifacts }
  | { format: 'tflite'; bytes: Uint8Array; classifierBytes?: Promise<Uint8Array> }
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

async function get(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${response.status} ${response.statusText} for ${url}`);
  return response;
}

export async function fetchBackboneFiles(spec: BackboneSpec, onProgress: DownloadProgress = () => {}): Promise<BackboneFiles> {
  try {
    const labels = spec.labelsUrl ? ((await (await fetch(spec.labelsUrl)).json()) as { labels: string[] }).labels : [];
    if (spec.format === 'tflite') {
      const bytes = await readWithProgress(await get(spec.modelUrl), (received) => onProgress(received, 0));
      return { format: 'tflite', bytes, labels };
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

async function fetchBytes(url: string): Promise<Uint8Array> {
  return new Uint8Array(await (await get(url)).arrayBuffer());
}

/**
 * Starts fetching the ImageNet classifier of a .tflite backbone, so the first photo with guesses
 * (Try it) finds its file here and only compiles it. Only the file: the classifier is still
 * compiled by the first request that asks for guesses, as before.
 */
export function fetchClassifierAhead(spec: BackboneSpec, files: BackboneFiles): void {
  if (files.format !== 'tflite' || !spec.classifier || files.classifierBytes) return;
  files.classifierBytes = fetchBytes(spec.classifier.url);
  // Not lost: loadClassifier fetches the file again, and reports that failure.
  files.classifierBytes.catch(() => {});
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

/** ImageNet probabilities from a backbone's embedding. */
interface Classifier {
  classify(embedding: Float32Array): Promise<Float32Array>;
  dispose(): void;
}

/** Loads `spec.classifier` (its file fetched `ahead`, if it was), checked against the backbone and its labels. */
async function loadClassifier(spec: BackboneSpec, labels: string[], ahead: Promise<Uint8Array> | undefined): Promise<Classifier> {
  const { url, inputs, classes } = spec.classifier!;
  let bytes: Uint8Array;
  try {
    // A file that failed to come ahead is fetched now.
    bytes = (await ahead?.catch(() => undefined)) ?? (await fetchBytes(url));
  } catch (error) {
    throw new MissingWeightsError(
      `The ImageNet classifier of ${spec.title} could not be loaded (${(error as Error).message}). ` +
        'Whoever installed Handful should run `npm run setup`.',
    );
  }
  if (inputs !== spec.embeddingSize || classes !== labels.length) {
    throw new Error(`${spec.title}: its classifier takes ${inputs} features to ${classes} classes, for ${labels.length} labels`);
  }
  // A few milliseconds per photo at most: always on the WASM runtime, whatever runs the backbone, and
  // on one thread. A model on N threads keeps N - 1 of the runtime's pthread workers, which has
  // room for two backbones' (see pthreadPoolSize): a classifier on more threads beside them got a
  // worker made on demand, and disposing of it (a restart on other features after Try it) hung.
  const model = await compileTflite(bytes, 'wasm', 1);
  if (model.inputShape.at(-1) !== inputs || model.outputShapes.length !== 1 || model.outputShapes[0].at(-1) !== classes) {
    model.dispose();
    throw new Error(`${spec.title}: its classifier file takes [${model.inputShape.join(', ')}] to [${model.outputShapes.join('; ')}]`);
  }
  return { classify: async (embedding) => (await model.run(embedding))[0], dispose: () => model.dispose() };
}

/**
 * A .tflite backbone: its output is the pooled embedding; ImageNet probabilities come from its
 * classifier, loaded the first time they are asked for (so a start loads and compiles only the
 * backbone). Its input has a batch of one, so a batch runs photo by photo (XNNPACK uses every
 * thread within each photo).
 */
async function loadTflite(
  spec: BackboneSpec,
  files: Extract<BackboneFiles, { format: 'tflite' }>,
  accelerator: LiteRtAccelerator,
): Promise<LoadedBackbone> {
  const { bytes, labels } = files;
  const model = await compileTflite(bytes, accelerator);
  const size = spec.inputSize;
  const expectedInput = [1, size, size, 3];
  const problem =
    model.inputShape.join() !== expectedInput.join()
      ? `takes [${model.inputShape.join(', ')}], not [${expectedInput.join(', ')}]`
      : model.outputShapes.length !== 1 || model.outputShapes[0].at(-1) !== spec.embeddingSize
        ? `gives [${model.outputShapes.join('; ')}], not an embedding of ${spec.embeddingSize}`
        : undefined;
  if (problem) {
    model.dispose();
    throw new Error(`${spec.title}: the model file ${problem}`);
  }
  const pixels = size * size * 3;
  let classifier: Promise<Classifier> | undefined;
  const classifierOnce = () => {
    if (!classifier) {
      classifier = loadClassifier(spec, labels, files.classifierBytes);
      // A failed load is tried again the next time guesses are asked for.
      classifier.catch(() => (classifier = undefined));
    }
    return classifier;
  };

  async function run(input: Float32Array, count: number, wanted = true): Promise<BackboneOutputs> {
    const outputs: BackboneOutputs = { embeddings: [], probabilities: [] };
    const guessing = wanted && spec.classifier ? await classifierOnce() : undefined;
    for (let i = 0; i < count; i++) {
      const [embedding] = await model.run(input.subarray(i * pixels, (i + 1) * pixels));
      outputs.embeddings.push(embedding);
      outputs.probabilities.push(guessing ? await timed('imagenet classifier', () => guessing.classify(embedding)) : new Float32Array(0));
    }
    return outputs;
  }

  function dispose(): void {
    model.dispose();
    classifier?.then((loaded) => loaded.dispose()).catch(() => {});
  }

  return { spec, labels: spec.classifier ? labels : [], run, dispose };
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
