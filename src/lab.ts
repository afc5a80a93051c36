/**
 * The engine lab page: exposes the app's own engine (same worker, preprocessing and weights) to
 * automation, so benchmarks and the evaluation harness measure exactly what users run.
 */
import { decodeSquare } from './engine/decode';
import { createEngine, defaultFeaturesId, featuresById, type BackendChoice, type EngineReady } from './engine';
import { firstFit, loadPhotos, refit } from './trainer/refitLab';

const engine = createEngine();

export interface LabEmbedding {
  index: number;
  embedding?: number[];
  guesses?: { label: string; probability: number }[];
  problem?: string;
}

interface PreparedSizes {
  index: number;
  image: number[];
  thumbnail: number[];
  original: number[];
  /** The stored copy is the file, byte for byte. */
  fileKept: boolean;
  type: string;
}

async function sameBytes(a: Blob, b: Blob): Promise<boolean> {
  if (a.size !== b.size) return false;
  const [x, y] = await Promise.all([a.arrayBuffer(), b.arrayBuffer()]).then((buffers) => buffers.map((buffer) => new Uint8Array(buffer)));
  return x.every((byte, i) => byte === y[i]);
}

const lab = {
  /** The engine's decode step on its own (same code as in the worker), to test it on known pixels. */
  async decode(blob: Blob, size: number): Promise<number[]> {
    return Array.from(await decodeSquare(blob, size));
  },
  defaultFeaturesId,
  /**
   * `featuresId`: a backbone id ('v1-0.75', 'v2-1.0') or a combination ('v1-0.75+v2-1.0', 'v2-1.0+flip').
   * `threads`: LiteRT's threads per model, to compare with the default.
   */
  start(featuresId: string, backend: BackendChoice, batchSize: number, threads?: number): Promise<EngineReady> {
    return engine.start({ featuresId, backend, batchSize, ...(threads ? { threads } : {}) });
  },
  /** Which exact weights a configuration uses, so callers can key caches by them, and the files the engine fetches for them. */
  weightsOf(featuresId: string): { backbone: string; weightsManifestSha256: string; files: string[] }[] {
    return featuresById(featuresId).backbones.map(({ id, weightsManifestSha256, format, modelUrl, labelsUrl, classifier }, i) => ({
      backbone: id,
      weightsManifestSha256,
      // A TF.js model's shards are named in its model.json; only .tflite backbones list every file here.
      // Guesses come from the first backbone, so only its classifier is ever fetched.
      files: [modelUrl, ...(format === 'tflite' && classifier && i === 0 ? [classifier.url] : []), ...(labelsUrl ? [labelsUrl] : [])],
    }));
  },
  /** The WebGPU adapter this browser offers, in words ('none' without one), for the benchmark's machine line. */
  async gpuAdapter(): Promise<string> {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown> } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return 'no WebGPU adapter';
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    return `WebGPU adapter ${name || 'unnamed'}${info.isFallbackAdapter ? ' (software fallback, not a graphics card)' : ''}`;
  },
  /**
   * Embeds the lot in one request; `cancelAfter` aborts once that many results have arrived.
   * `copies`: also has the stored copy and thumbnail made, as adding photos in the app does.
   */
  async embedBlobs(
    blobs: Blob[],
    guesses = 0,
    cancelAfter?: number,
    copies = false,
  ): Promise<{ results: LabEmbedding[]; seconds: number; cancelled: boolean }> {
    const controller = new AbortController();
    let arrived = 0;
    const startedAt = performance.now();
    const { results, cancelled } = await engine.embed(blobs, {
      guesses,
      ...(copies ? { onPrepared: () => {} } : {}),
      signal: controller.signal,
      onResult: () => {
        if (++arrived === cancelAfter) controller.abort();
      },
    });
    const seconds = (performance.now() - startedAt) / 1000;
    return {
      seconds,
      cancelled,
      results: results.map((r) => ('problem' in r ? r : { index: r.index, embedding: Array.from(r.embedding), guesses: r.guesses })),
    };
  },
  /**
   * Embeds with the stored copies asked for: says in which order the worker's messages came,
   * the pixel sizes of each photo's copy and thumbnail, and whether the copy is the file itself.
   */
  async embedWithCopies(blobs: Blob[]): Promise<{ order: string[]; sizes: PreparedSizes[] }> {
    const order: string[] = [];
    const pending: Promise<PreparedSizes>[] = [];
    const sizeOf = async (blob: Blob) => {
      const bitmap = await createImageBitmap(blob);
      const size = [bitmap.width, bitmap.height];
      bitmap.close();
      return size;
    };
    await engine.embed(blobs, {
      onPrepared: (index, copies) => {
        order.push(`prepared ${index}`);
        pending.push(
          Promise.all([sizeOf(copies.image), sizeOf(copies.thumbnail), sameBytes(copies.image, blobs[index])]).then(
            ([image, thumbnail, fileKept]) => ({
              index,
              image,
              thumbnail,
              original: [copies.width, copies.height],
              fileKept,
              type: copies.image.type,
            }),
          ),
        );
      },
      onResult: (result) => order.push(`${'problem' in result ? 'failed' : 'embedded'} ${result.index}`),
    });
    return { order, sizes: await Promise.all(pending) };
  },
  /** Fetches each URL (same origin) first, so the time reported is decode + embed only. */
  async embedUrls(urls: string[], guesses = 0, cancelAfter?: number, copies = false) {
    const blobs = await Promise.all(urls.map(async (url) => (await fetch(url)).blob()));
    return lab.embedBlobs(blobs, guesses, cancelAfter, copies);
  },
  stats: () => engine.stats(),
  /** The trainer worker's warm refit at thousands of photos (scripts/bench-refit.ts). */
  trainer: { loadPhotos, firstFit, refit },
};

declare global {
  interface Window {
    handfulLab: typeof lab;
  }
}
window.handfulLab = lab;
