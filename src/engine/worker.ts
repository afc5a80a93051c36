/// <reference lib="webworker" />
/**
 * The engine worker: decodes photos, runs the feature configuration's backbones on the chosen
 * backend, and answers the page through the protocol in ./protocol. Requests run one at a time,
 * in order; a cancel takes effect between images.
 */
import * as tf from '@tensorflow/tfjs';
import { activate, measurementOrder, unavailableReason } from './backends';
import { fetchBackboneFiles, type BackboneFiles } from './backbone';
import { featuresById, type FeatureConfig } from './backbones';
import { decodePhoto, ImageDecodeError } from './decode';
import { loadExtractor, type FeatureExtractor } from './extractor';
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
  extractor: FeatureExtractor;
  backend: BackendName;
  batchSize: number;
}

let engine: Engine | undefined;
/** Weights fetched once per worker, kept across restarts on other backends or configurations. */
const filesByBackbone = new Map<string, BackboneFiles>();
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();

function post(message: EngineResponse): void {
  self.postMessage(message, transferablesOf(message));
}

/** Images per second on a warm batch of grey photos; the first run compiles kernels and is not timed. */
async function measure(extractor: FeatureExtractor): Promise<number> {
  const size = extractor.config.inputSize;
  const photos = [0, 1].map(() => new Uint8ClampedArray(size * size * 4).fill(128));
  await extractor.run(photos, 0);
  const start = performance.now();
  await extractor.run(photos, 0);
  return (photos.length * 1000) / (performance.now() - start);
}

async function start(config: FeatureConfig, backend: BackendName): Promise<FeatureExtractor> {
  await activate(backend);
  return loadExtractor(config, filesByBackbone);
}

async function fetchFiles(config: FeatureConfig): Promise<void> {
  await Promise.all(
    config.backbones.map(async (spec) => {
      if (!filesByBackbone.has(spec.id)) filesByBackbone.set(spec.id, await fetchBackboneFiles(spec));
    }),
  );
}

async function chooseFastest(config: FeatureConfig): Promise<BackendMeasurement[]> {
  const measurements: BackendMeasurement[] = [];
  for (const backend of measurementOrder) {
    const problem = await unavailableReason(backend);
    if (problem) {
      measurements.push({ backend, problem });
      continue;
    }
    let extractor: FeatureExtractor | undefined;
    try {
      extractor = await start(config, backend);
      measurements.push({ backend, imagesPerSecond: await measure(extractor) });
    } catch (error) {
      measurements.push({ backend, problem: (error as Error).message });
    } finally {
      extractor?.dispose();
    }
  }
  return measurements;
}

async function init(request: Extract<EngineRequest, { type: 'init' }>): Promise<void> {
  engine?.extractor.dispose();
  engine = undefined;
  const config = featuresById(request.featuresId);
  await fetchFiles(config);
  let measurements: BackendMeasurement[] | undefined;
  let backend: BackendName;
  if (request.backend === 'auto') {
    measurements = await chooseFastest(config);
    const usable = measurements.filter((m) => m.imagesPerSecond !== undefined);
    if (usable.length === 0) throw new Error('No way to run the model works in this browser.');
    backend = usable.reduce((best, m) => (m.imagesPerSecond! > best.imagesPerSecond! ? m : best)).backend;
  } else {
    backend = request.backend;
  }
  const extractor = await start(config, backend);
  engine = { extractor, backend, batchSize: request.batchSize };
  const { id: featuresId, embeddingSize } = config;
  post({ type: 'ready', id: request.id, backend, featuresId, embeddingSize, measurements });
}

async function embed(request: Extract<EngineRequest, { type: 'embed' }>): Promise<void> {
  if (!engine) throw new Error('The engine was asked to embed before it was started.');
  const { extractor, batchSize } = engine;
  let pending: { index: number; started: number; rgba: Uint8ClampedArray }[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const features = await extractor.run(
      pending.map((p) => p.rgba),
      request.guesses,
    );
    const finished = performance.now();
    pending.forEach(({ index, started }, i) => {
      const { embedding, guesses } = features[i];
      post({ type: 'embedded', id: request.id, index, embedding, guesses, ms: (finished - started) / pending.length });
    });
    pending = [];
  };

  for (const [index, image] of request.images.entries()) {
    if (cancelled.has(request.id)) break;
    const started = performance.now();
    try {
      // One decode per photo, whatever the number of backbones and views; the stored copy and
      // thumbnail come from it too, and go out before the model runs so they can be saved at once.
      const { rgba, copies } = await decodePhoto(image, extractor.config.inputSize, request.copies);
      if (copies) post({ type: 'prepared', id: request.id, index, ...copies });
      pending.push({ index, started, rgba });
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
