/// <reference lib="webworker" />
/**
 * The engine worker: decodes photos, runs the backbone on the chosen backend, and answers the
 * page through the protocol in ./protocol. Requests run one at a time, in order; a cancel
 * takes effect between images.
 */
import * as tf from '@tensorflow/tfjs';
import { activate, measurementOrder, unavailableReason } from './backends';
import { fetchBackboneFiles, loadBackbone, topGuesses, type BackboneFiles, type LoadedBackbone } from './backbone';
import { backboneById, type BackboneSpec } from './backbones';
import { decodeSquare, ImageDecodeError } from './decode';
import { toModelInput } from './preprocess';
import {
  decodeRequest,
  transferablesOf,
  type BackendMeasurement,
  type BackendName,
  type EngineRequest,
  type EngineResponse,
} from './protocol';

declare const self: DedicatedWorkerGlobalScope;

interface Engine {
  backbone: LoadedBackbone;
  backend: BackendName;
  batchSize: number;
}

let engine: Engine | undefined;
const filesByBackbone = new Map<string, BackboneFiles>();
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function post(message: EngineResponse): void {
  self.postMessage(message, transferablesOf(message));
}

/** Images per second on a warm batch of zeros; the first run compiles kernels and is not timed. */
async function measure(backbone: LoadedBackbone): Promise<number> {
  const count = 2;
  const size = backbone.spec.inputSize;
  const input = new Float32Array(count * size * size * 3);
  await backbone.run(input, count);
  const start = performance.now();
  await backbone.run(input, count);
  return (count * 1000) / (performance.now() - start);
}

async function start(spec: BackboneSpec, backend: BackendName, files: BackboneFiles): Promise<LoadedBackbone> {
  await activate(backend);
  return loadBackbone(spec, files);
}

async function chooseFastest(spec: BackboneSpec, files: BackboneFiles): Promise<BackendMeasurement[]> {
  const measurements: BackendMeasurement[] = [];
  for (const backend of measurementOrder) {
    const problem = await unavailableReason(backend);
    if (problem) {
      measurements.push({ backend, problem });
      continue;
    }
    let backbone: LoadedBackbone | undefined;
    try {
      backbone = await start(spec, backend, files);
      measurements.push({ backend, imagesPerSecond: await measure(backbone) });
    } catch (error) {
      measurements.push({ backend, problem: (error as Error).message });
    } finally {
      backbone?.dispose();
    }
  }
  return measurements;
}

async function init(request: Extract<EngineRequest, { type: 'init' }>): Promise<void> {
  engine?.backbone.dispose();
  engine = undefined;
  const spec = backboneById(request.backboneId);
  let files = filesByBackbone.get(spec.id);
  if (!files) {
    files = await fetchBackboneFiles(spec);
    filesByBackbone.set(spec.id, files);
  }
  let measurements: BackendMeasurement[] | undefined;
  let backend: BackendName;
  if (request.backend === 'auto') {
    measurements = await chooseFastest(spec, files);
    const usable = measurements.filter((m) => m.imagesPerSecond !== undefined);
    if (usable.length === 0) throw new Error('No way to run the model works in this browser.');
    backend = usable.reduce((best, m) => (m.imagesPerSecond! > best.imagesPerSecond! ? m : best)).backend;
  } else {
    backend = request.backend;
  }
  const backbone = await start(spec, backend, files);
  engine = { backbone, backend, batchSize: request.batchSize };
  post({ type: 'ready', id: request.id, backend, backboneId: spec.id, embeddingSize: spec.embeddingSize, measurements });
}

async function embed(request: Extract<EngineRequest, { type: 'embed' }>): Promise<void> {
  if (!engine) throw new Error('The engine was asked to embed before it was started.');
  const { backbone, batchSize } = engine;
  const size = backbone.spec.inputSize;
  const pixelsPerImage = size * size * 3;
  let pending: { index: number; started: number }[] = [];
  let batch = new Float32Array(batchSize * pixelsPerImage);

  const flush = async () => {
    if (pending.length === 0) return;
    const outputs = await backbone.run(batch.subarray(0, pending.length * pixelsPerImage), pending.length);
    const finished = performance.now();
    pending.forEach(({ index, started }, i) => {
      post({
        type: 'embedded',
        id: request.id,
        index,
        embedding: outputs.embeddings[i],
        guesses: topGuesses(outputs.probabilities[i], backbone.labels, request.guesses),
        ms: (finished - started) / pending.length,
      });
    });
    pending = [];
    batch = new Float32Array(batchSize * pixelsPerImage);
  };

  for (const [index, image] of request.images.entries()) {
    if (cancelled.has(request.id)) break;
    const started = performance.now();
    try {
      const rgba = await decodeSquare(image, size);
      batch.set(toModelInput(rgba, backbone.spec.scaling), pending.length * pixelsPerImage);
      pending.push({ index, started });
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      post({ type: 'image-failed', id: request.id, index, message: error.message });
    }
    if (pending.length === batchSize) await flush();
  }
  if (!cancelled.has(request.id)) await flush();
  post({ type: 'done', id: request.id, cancelled: cancelled.delete(request.id) });
}

async function handle(request: Exclude<EngineRequest, { type: 'cancel' }>): Promise<void> {
  switch (request.type) {
    case 'init':
      return init(request);
    case 'embed':
      return embed(request);
    case 'stats': {
      const memory = tf.memory();
      post({ type: 'stats', id: request.id, numTensors: memory.numTensors, numBytes: memory.numBytes, backend: tf.getBackend() });
      return;
    }
  }
}

self.onmessage = (event: MessageEvent<unknown>) => {
  let request: EngineRequest;
  try {
    request = decodeRequest(event.data);
  } catch (error) {
    const id = (event.data as { id?: unknown } | null)?.id;
    post({ type: 'error', id: typeof id === 'number' ? id : -1, message: (error as Error).message });
    return;
  }
  // Cancels jump the queue: the request they target is running or waiting behind others.
  if (request.type === 'cancel') {
    cancelled.add(request.target);
    return;
  }
  queue = queue
    .then(() => handle(request))
    .catch((error: unknown) => post({ type: 'error', id: request.id, message: (error as Error).message }));
};
