/// <reference lib="webworker" />
/**
 * The engine worker: decodes photos, runs the feature configuration's backbones on the chosen
 * backend, and answers the page through the protocol in ./protocol. Requests run one at a time,
 * in order; a cancel takes effect between images.
 *
 * Starting ('init') fetches the weights (reporting the download's progress), loads the models on
 * the backend asked for, or with 'auto' on the one most likely fastest here, and answers 'ready'
 * at once. With 'auto' the other backends that could run here are then measured in the
 * background: on real photos the person added, one small step at a time, only while no request
 * waits; the engine switches only to a backend clearly faster, and says what it found in 'measured'.
 */
import { unavailableReason } from './backends';
import { fetchBackboneFiles, fetchClassifierAhead, type BackboneFiles } from './backbone';
import { featuresById, formatRunsOn, type FeatureConfig } from './backbones';
import { ImageDecodeError, type DecodedPhoto } from './decode';
import { Decoder } from './decoder';
import { EarlyDecodes } from './earlyDecode';
import { loadExtractor, type FeatureExtractor } from './extractor';
import { askModelThreads, describeRuntime, liteRt, webGpuUnavailableReason } from './litert';
import { takeStageTimes, timed } from './stages';
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
  /** The init request that started it: background measurements answer to it. */
  initId: number;
}

/** A background measurement of the running configuration's other backends. */
interface Measuring {
  initId: number;
  remaining: BackendName[];
  results: BackendMeasurement[];
  candidate?: { backend: BackendName; extractor: FeatureExtractor };
}

let engine: Engine | undefined;
const decoder = new Decoder();
/** Photos of an embed request start decoding as it arrives, even while a start runs (./earlyDecode). */
const earlyDecodes = new EarlyDecodes(decoder);
self.addEventListener('message', (event: MessageEvent<unknown>) => earlyDecodes.notice(event.data));
let measuring: Measuring | undefined;
/** Weights fetched once per worker, kept across restarts on other backends or configurations. */
const filesByBackbone = new Map<string, BackboneFiles>();
const cancelled = new Set<number>();
let queue: Promise<void> = Promise.resolve();
/** Requests queued or running: the background measurement only steps in when there are none. */
let waiting = 0;
/** The last real photos decoded (model-sized squares): what the background measurement times. */
let samples: Uint8ClampedArray[] = [];
const sampleCount = 4;
/** Another backend replaces the running one only when at least this much faster. */
const clearlyFaster = 1.25;

function post(message: EngineResponse): void {
  self.postMessage(message, transferablesOf(message));
}

const usesLiteRt = (config: FeatureConfig) => config.backbones.every((spec) => spec.format === 'tflite');

/** What runs the models on `backend`, in words for the details panel and the benchmark. */
async function runtimeOf(config: FeatureConfig, backend: BackendName): Promise<string> {
  if (usesLiteRt(config)) return `LiteRT ${backend === 'webgpu' ? 'WebGPU' : 'WASM'}, ${describeRuntime(await liteRt())}`;
  const features = (await import('./tfjs')).wasmFeatures();
  return `tfjs ${backend}${features ? ` (${features})` : ''}`;
}

/**
 * The backends this configuration can run on here, the most likely fastest first, and why the
 * others cannot. LiteRT's WASM runtime comes first even with a GPU: 8-bit models are what XNNPACK
 * is best at, and the WebGPU accelerator is measured rather than assumed.
 */
async function backendsFor(config: FeatureConfig): Promise<{ usable: BackendName[]; problems: BackendMeasurement[] }> {
  const order: BackendName[] = ['wasm', 'webgpu', 'webgl', 'cpu'];
  const usable: BackendName[] = [];
  const problems: BackendMeasurement[] = [];
  for (const backend of order) {
    const problem = !config.backbones.every((spec) => formatRunsOn(spec.format, backend))
      ? 'the models of these features do not run there'
      : usesLiteRt(config) && backend === 'webgpu'
        ? await webGpuUnavailableReason(true)
        : await unavailableReason(backend);
    if (problem) problems.push({ backend, problem });
    else usable.push(backend);
  }
  return { usable, problems };
}

async function start(config: FeatureConfig, backend: BackendName): Promise<FeatureExtractor> {
  // LiteRT picks its accelerator per model; tfjs has one active backend for the whole worker.
  if (!usesLiteRt(config)) await (await import('./tfjs')).activate(backend);
  return loadExtractor(config, filesByBackbone, backend);
}

async function fetchFiles(config: FeatureConfig, initId: number): Promise<void> {
  const missing = config.backbones.filter((spec) => !filesByBackbone.has(spec.id));
  const received = new Map<string, number>();
  const expected = missing.reduce((sum, spec) => sum + (spec.downloadBytes ?? 0), 0);
  let lastPost = 0;
  await Promise.all(
    missing.map(async (spec) => {
      const files = await fetchBackboneFiles(spec, (bytes) => {
        received.set(spec.id, bytes);
        const now = performance.now();
        if (now - lastPost < 100) return;
        lastPost = now;
        post({ type: 'loading', id: initId, received: [...received.values()].reduce((a, b) => a + b, 0), expected });
      });
      filesByBackbone.set(spec.id, files);
    }),
  );
}

/** Photos per second of `extractor` on `photos`, the way embed runs them (no guesses). */
async function rate(extractor: FeatureExtractor, photos: Uint8ClampedArray[]): Promise<number> {
  const began = performance.now();
  await extractor.run(photos, 0);
  return (photos.length * 1000) / (performance.now() - began);
}

function stopMeasuring(): void {
  measuring?.candidate?.extractor.dispose();
  measuring = undefined;
}

/** Runs one step of the background measurement soon, if nothing is waiting for the engine. */
function scheduleMeasurement(): void {
  if (!measuring) return;
  setTimeout(() => {
    if (!measuring || waiting > 0 || samples.length === 0) return;
    queue = queue.then(measureStep).catch((error: unknown) => {
      // A failed measurement costs nothing but the measurement: the running backend stays.
      console.warn('background measurement failed', error);
      stopMeasuring();
    });
  }, 200);
}

/** One step: load the next candidate backend, or time it against the running one on real photos. */
async function measureStep(): Promise<void> {
  const m = measuring;
  if (!m || !engine || engine.initId !== m.initId || waiting > 0) return;
  const config = engine.extractor.config;
  if (!m.candidate) {
    const backend = m.remaining.shift();
    if (backend === undefined) {
      measuring = undefined;
      const { backend: running, initId } = engine;
      post({ type: 'measured', id: initId, backend: running, runtime: await runtimeOf(config, running), measurements: m.results });
      return;
    }
    try {
      m.candidate = { backend, extractor: await start(config, backend) };
    } catch (error) {
      m.results.push({ backend, problem: (error as Error).message });
    }
    return scheduleMeasurement();
  }
  const { candidate } = m;
  m.candidate = undefined;
  const photos = samples.slice();
  // The first run of a freshly loaded model compiles kernels or shaders: not timed.
  await candidate.extractor.run(photos.slice(0, 1), 0);
  const candidateRate = await rate(candidate.extractor, photos);
  const runningRate = await rate(engine.extractor, photos);
  const runningEntry = m.results.find((entry) => entry.backend === engine!.backend);
  if (runningEntry) runningEntry.imagesPerSecond = Math.max(runningEntry.imagesPerSecond ?? 0, runningRate);
  else m.results.push({ backend: engine.backend, imagesPerSecond: runningRate });
  m.results.push({ backend: candidate.backend, imagesPerSecond: candidateRate });
  if (candidateRate >= clearlyFaster * runningRate) {
    engine.extractor.dispose();
    engine = { ...engine, extractor: candidate.extractor, backend: candidate.backend };
  } else {
    candidate.extractor.dispose();
  }
  scheduleMeasurement();
}

async function init(request: Extract<EngineRequest, { type: 'init' }>): Promise<void> {
  stopMeasuring();
  engine?.extractor.dispose();
  engine = undefined;
  samples = [];
  const config = featuresById(request.featuresId);
  askModelThreads(request.threads);
  // Only an automatic choice looks at what else could run here (asking for a WebGPU adapter
  // takes a while), while the weights come.
  const asked = request.backend;
  const [, listed] = await Promise.all([fetchFiles(config, request.id), asked === 'auto' ? backendsFor(config) : undefined]);
  const usable = listed?.usable ?? [];
  if (asked === 'auto' && usable.length === 0) throw new Error('No way to run the model works in this browser.');
  const backend = asked === 'auto' ? usable[0] : asked;
  // Guesses (Try it) come from the first backbone: its classifier's file comes while the models compile.
  const [first] = config.backbones;
  fetchClassifierAhead(first, filesByBackbone.get(first.id)!);
  // tfjs has one active backend per worker, so only LiteRT's accelerators are measured side by side.
  const others = asked === 'auto' && usesLiteRt(config) ? usable.slice(1) : [];
  const extractor = await start(config, backend);
  engine = { extractor, backend, batchSize: request.batchSize, initId: request.id };
  if (others.length > 0) measuring = { initId: request.id, remaining: others, results: [...listed!.problems] };
  const { id: featuresId, embeddingSize } = config;
  const runtime = await runtimeOf(config, backend);
  post({ type: 'ready', id: request.id, backend, featuresId, embeddingSize, runtime, measuring: measuring !== undefined });
}

async function embed(request: Extract<EngineRequest, { type: 'embed' }>): Promise<void> {
  // Taken first, so a request that fails here does not leave its early decodes held.
  const decoding: (Promise<DecodedPhoto> | undefined)[] = earlyDecodes.take(request.id);
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
    samples = [...samples, ...pending.map((p) => p.rgba)].slice(-sampleCount);
    pending = [];
  };

  // One decode per photo, whatever the number of backbones and views; the stored copy and
  // thumbnail come from it too. The decoding thread works up to two batches ahead, so the next
  // photos are decoded while the models run on these.
  const { images } = request;
  const ahead = 2 * batchSize;
  for (const [index] of images.entries()) {
    if (cancelled.has(request.id)) break;
    for (let next = decoding.length; next < Math.min(images.length, index + ahead); next++) {
      decoding[next] = decoder.decode(images[next], extractor.config.inputSize, !!request.copies);
      // Photos a cancel leaves undecoded are not waited for; their failures are nobody's.
      decoding[next]!.catch(() => {});
    }
    const started = performance.now();
    try {
      const { rgba, copies } = await timed('waiting for decoding', () => decoding[index]!);
      // The copies go out before the model runs, so they can be saved at once.
      if (copies) post({ type: 'prepared', id: request.id, index, ...copies });
      pending.push({ index, started, rgba });
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      post({ type: 'image-failed', id: request.id, index, message: error.message });
    } finally {
      decoding[index] = undefined;
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
      // tfjs's tensors (LiteRT's are freed as each photo is done): none while only LiteRT has run.
      const memory = engine && usesLiteRt(engine.extractor.config) ? undefined : (await import('./tfjs')).tensorMemory();
      const backend = engine?.backend ?? memory?.backend ?? 'none';
      const { numTensors = 0, numBytes = 0 } = memory ?? {};
      post({ type: 'stats', id: request.id, numTensors, numBytes, backend, stages: takeStageTimes() });
      return;
    }
  }
}

// The LiteRT runtime (a WASM binary and its threads) loads while the page is still opening and
// the weights download: the first start then only compiles the models. A failure here is not
// lost: it is what every start that needs LiteRT reports (liteRt() keeps the failed load). The
// decoding thread starts now too, ready for the first photo.
liteRt().catch(() => {});
decoder.start();

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
  waiting++;
  queue = queue
    .then(() => handle(request))
    .catch((error: unknown) => post({ type: 'error', id: request.id, message: (error as Error).message }))
    .finally(() => {
      waiting--;
      if (waiting === 0) scheduleMeasurement();
    });
};
