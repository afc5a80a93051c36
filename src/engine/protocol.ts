/**
 * The one message protocol between the page and the engine worker. Every request carries an id;
 * every response names the request it answers. Embeddings travel as transferred Float32Arrays.
 */
import type { PhotoCopies } from './decode';

export type { PhotoCopies };

export const backendNames = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
/**
 * 'auto' starts on the backend most likely fastest here (LiteRT's WASM runtime without a GPU
 * adapter), answers at once, and measures the others in the background on real photos.
 */
export type BackendChoice = BackendName | 'auto';

export interface BackendMeasurement {
  backend: BackendName;
  /** Images per second on a warm batch; absent when the backend could not run here. */
  imagesPerSecond?: number;
  problem?: string;
}

export interface Guess {
  label: string;
  probability: number;
}

export type EngineRequest =
  /** `featuresId` names a feature configuration (see featuresById): 'v1-0.75', 'v1-0.75+v2-1.0', 'v2-1.0+flip', ... */
  | {
      type: 'init';
      id: number;
      featuresId: string;
      backend: BackendChoice;
      batchSize: number;
      /** Threads each LiteRT model runs on; absent for the default (every core). For comparisons. */
      threads?: number;
    }
  /**
   * `copies`: also make each photo's stored copy and thumbnail from the same decode, sent in a
   * 'prepared' message before the model looks at it (so it can be saved at once).
   */
  | { type: 'embed'; id: number; images: (Blob | ImageBitmap)[]; guesses: number; copies?: boolean }
  | { type: 'cancel'; id: number; target: number }
  | { type: 'stats'; id: number };

export interface EngineReady {
  backend: BackendName;
  /** The feature configuration running, as asked for. */
  featuresId: string;
  embeddingSize: number;
  /** What runs the models, e.g. 'LiteRT WASM, threads (2)' or 'tfjs webgl'. */
  runtime: string;
  /** True when other backends are still to be measured in the background (a 'measured' follows). */
  measuring: boolean;
}

/** The background measurement's outcome: `backend` is the one running from now on. */
export interface EngineMeasured {
  backend: BackendName;
  runtime: string;
  measurements: BackendMeasurement[];
}

export interface EngineStats {
  /** tfjs's tensors (LiteRT's are freed as each photo is done). */
  numTensors: number;
  numBytes: number;
  backend: string;
  /** Milliseconds spent per stage of the pipeline, and how often, since the last stats request. */
  stages: Record<string, { ms: number; count: number }>;
}

export type EngineResponse =
  /** Weights download progress of an init, in bytes (expected 0 when unknown). */
  | { type: 'loading'; id: number; received: number; expected: number }
  | ({ type: 'ready'; id: number } & EngineReady)
  | ({ type: 'measured'; id: number } & EngineMeasured)
  | ({ type: 'prepared'; id: number; index: number } & PhotoCopies)
  | { type: 'embedded'; id: number; index: number; embedding: Float32Array; guesses: Guess[]; ms: number }
  | { type: 'image-failed'; id: number; index: number; message: string }
  | { type: 'done'; id: number; cancelled: boolean }
  | ({ type: 'stats'; id: number } & EngineStats)
  | { type: 'error'; id: number; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const isId = (value: unknown): value is number => Number.isSafeInteger(value);
const isBackendChoice = (value: unknown): value is BackendChoice =>
  value === 'auto' || (backendNames as readonly unknown[]).includes(value);

/** Checks a message received by the worker; anything malformed is refused, never half-handled. */
export function decodeRequest(data: unknown): EngineRequest {
  if (!isRecord(data) || !isId(data.id)) throw new Error('engine message without an id');
  switch (data.type) {
    case 'init':
      if (typeof data.featuresId !== 'string' || data.featuresId === '' || !isBackendChoice(data.backend)) break;
      if (!Number.isInteger(data.batchSize) || (data.batchSize as number) < 1) break;
      if (data.threads !== undefined && (!Number.isInteger(data.threads) || (data.threads as number) < 1)) break;
      return {
        type: 'init',
        id: data.id,
        featuresId: data.featuresId,
        backend: data.backend,
        batchSize: data.batchSize as number,
        ...(data.threads !== undefined ? { threads: data.threads as number } : {}),
      };
    case 'embed': {
      const { images, guesses, copies } = data;
      if (!Array.isArray(images) || !Number.isInteger(guesses) || (guesses as number) < 0) break;
      if (!images.every((image) => image instanceof Blob || image instanceof ImageBitmap)) break;
      if (copies !== undefined && typeof copies !== 'boolean') break;
      return { type: 'embed', id: data.id, images, guesses: guesses as number, ...(copies ? { copies } : {}) };
    }
    case 'cancel':
      if (!isId(data.target)) break;
      return { type: 'cancel', id: data.id, target: data.target };
    case 'stats':
      return { type: 'stats', id: data.id };
  }
  throw new Error(`malformed engine request of type ${String(data.type)}`);
}

/** What postMessage must transfer rather than copy: embedding buffers, and bitmaps sent to the worker. */
export function transferablesOf(message: EngineRequest | EngineResponse): Transferable[] {
  if (message.type === 'embedded') return [message.embedding.buffer as ArrayBuffer];
  if (message.type === 'embed') return message.images.filter((image) => !(image instanceof Blob)) as ImageBitmap[];
  return [];
}
