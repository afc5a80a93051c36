/**
 * The page's side of the engine: sends protocol requests to the worker and turns the answers
 * into promises. If the worker dies (out of memory, a driver crash), every call in flight fails
 * with EngineCrashedError and a fresh worker is started with the same settings, after a wait that
 * grows with each crash (./restarts); calls made meanwhile go to it. After too many crashes in a
 * row it is not started again, and every call fails with EngineStoppedError.
 */
import type {
  BackendChoice,
  EngineMeasured,
  EngineReady,
  EngineRequest,
  EngineResponse,
  EngineStats,
  Guess,
  PhotoCopies,
} from './protocol';
import { transferablesOf } from './protocol';
import { RestartBudget, type RestartPolicy, type WorkerFault } from './restarts';

export interface EngineConfig {
  /** A feature configuration id (see featuresById): a backbone id such as 'v1-0.75', or e.g. 'v1-0.75+v2-1.0+flip'. */
  featuresId: string;
  backend: BackendChoice;
  batchSize: number;
  /** Threads each LiteRT model runs on, for comparisons; absent for the default. */
  threads?: number;
}

export interface StartOptions {
  /** The weights download: bytes received and expected (0 when unknown). */
  onProgress?: (received: number, expected: number) => void;
  /** The background measurement's outcome, after 'ready' (only when ready.measuring). */
  onMeasured?: (measured: EngineMeasured) => void;
}

export type EmbedResult = { index: number; embedding: Float32Array; guesses: Guess[]; ms: number } | { index: number; problem: string };

export interface EmbedOptions {
  /** How many ImageNet guesses to return with each embedding. */
  guesses?: number;
  signal?: AbortSignal;
  onResult?: (result: EmbedResult) => void;
  /**
   * When given, the worker also makes each photo's stored copy and thumbnail from its one decode
   * and hands them here before the model looks at the photo; the result follows in onResult.
   */
  onPrepared?: (index: number, copies: PhotoCopies) => void;
}

export class EngineCrashedError extends Error {
  constructor() {
    super('The model stopped unexpectedly and is being restarted. Please try again.');
    this.name = 'EngineCrashedError';
  }
}

/** The worker crashed too often in a row to be started again. */
export class EngineStoppedError extends Error {
  constructor() {
    super('The model stopped several times in a row and was not started again. Reload the page to try again.');
    this.name = 'EngineStoppedError';
  }
}

/** Anything with a Worker's shape: lets tests drive the client without a browser. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: Event) => void): void;
  terminate(): void;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Call {
  onResponse(response: EngineResponse): void;
  fail(error: Error): void;
}

export class EngineClient {
  /** Undefined while a restart waits, and for good once the restarts are spent. */
  private worker: WorkerLike | undefined;
  /** Messages sent while a restart waits: posted to the new worker after its init. */
  private queued: { message: unknown; transfer: Transferable[] }[] = [];
  private stopped: EngineStoppedError | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly budget: RestartBudget;
  private nextId = 1;
  private readonly calls = new Map<number, Call>();
  private config: EngineConfig | undefined;
  /** The latest start's request. */
  private startId: number | undefined;
  /** A start that is ready and still measuring in the background: a later start ends that. */
  private measuringStart: number | undefined;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly onFault: (fault: WorkerFault) => void = () => {},
    policy?: RestartPolicy,
  ) {
    this.budget = new RestartBudget(policy);
    this.spawn();
  }

  private spawn(): void {
    const worker = this.createWorker();
    worker.addEventListener('message', (event) => {
      const response = (event as MessageEvent<EngineResponse>).data;
      this.calls.get(response.id)?.onResponse(response);
    });
    const crashed = () => this.restart(worker);
    worker.addEventListener('error', crashed);
    worker.addEventListener('messageerror', crashed);
    this.worker = worker;
  }

  private restart(dead: WorkerLike): void {
    if (dead !== this.worker) return;
    dead.terminate();
    this.worker = undefined;
    const delayMs = this.budget.next();
    if (delayMs === undefined) {
      this.stopped = new EngineStoppedError();
      this.failAll(this.stopped);
      return this.onFault(this.budget.gaveUp());
    }
    this.failAll(new EngineCrashedError());
    const { restarts } = this.budget;
    this.onFault({ type: 'restarting', restarts, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.spawn();
      const waiting = this.queued;
      this.queued = [];
      // The init goes first: the worker handles requests in order.
      const config = this.config;
      if (config)
        this.start(config).then(
          () => this.onFault({ type: 'restarted', restarts }),
          (error: Error) => {
            // Crashing again is reported as such.
            if (!(error instanceof EngineCrashedError || error instanceof EngineStoppedError))
              this.onFault({ type: 'restart-failed', restarts, message: error.message });
          },
        );
      else this.onFault({ type: 'restarted', restarts });
      waiting.forEach(({ message, transfer }) => this.worker?.postMessage(message, transfer));
    }, delayMs);
  }

  private failAll(error: Error): void {
    const inFlight = [...this.calls.values()];
    this.calls.clear();
    this.queued = [];
    inFlight.forEach((call) => call.fail(error));
  }

  private post(message: unknown, transfer: Transferable[]): void {
    if (this.worker) this.worker.postMessage(message, transfer);
    else this.queued.push({ message, transfer });
  }

  private send(
    request: DistributiveOmit<EngineRequest, 'id'>,
    onResponse: (response: EngineResponse, id: number) => void,
    fail: (error: Error) => void,
  ): number {
    const id = this.nextId++;
    const { stopped } = this;
    if (stopped) {
      // Not at once: callers finish setting up (they need the id) before hearing of a failure.
      queueMicrotask(() => fail(stopped));
      return id;
    }
    const full = { ...request, id } as EngineRequest;
    this.calls.set(id, { onResponse: (response) => onResponse(response, id), fail });
    this.post(full, transferablesOf(full));
    return id;
  }

  /**
   * The feature configuration of the latest start, whether or not it is ready yet: the worker
   * handles requests in order, so every embed sent from now on is computed with it.
   */
  get featuresId(): string | undefined {
    return this.config?.featuresId;
  }

  /** The backend of the latest start: 'auto' until it is ready; it may change once the background measurement is done. */
  get backend(): BackendChoice | undefined {
    return this.config?.backend;
  }

  /**
   * Loads the feature configuration's backbones on a backend. 'auto' is ready as soon as the
   * models run on the backend most likely fastest; others are then measured in the background
   * (options.onMeasured), and the engine may switch to one of them.
   */
  start(config: EngineConfig, options: StartOptions = {}): Promise<EngineReady> {
    this.config = config;
    if (this.measuringStart !== undefined) this.calls.delete(this.measuringStart);
    return new Promise((resolve, reject) => {
      // Later restarts reuse the backend this start settled on, without measuring again; unless
      // a later start has been asked for since, which then is the one to keep.
      const settle = (backend: BackendChoice) => {
        if (this.config?.featuresId === config.featuresId && this.startId === id) this.config = { ...config, backend };
      };
      const id = this.send(
        { type: 'init', ...config },
        (response) => {
          if (response.type === 'loading') options.onProgress?.(response.received, response.expected);
          else if (response.type === 'ready') {
            const { type: _type, id: _id, ...ready } = response;
            if (ready.measuring) this.measuringStart = id;
            else this.calls.delete(id);
            settle(ready.backend);
            resolve(ready);
          } else if (response.type === 'measured') {
            const { type: _type, id: _id, ...measured } = response;
            this.calls.delete(id);
            settle(measured.backend);
            options.onMeasured?.(measured);
          } else if (response.type === 'error') {
            this.calls.delete(id);
            reject(new Error(response.message));
          }
        },
        reject,
      );
      this.startId = id;
    });
  }

  /** Embeds the images in order; unreadable ones come back with a `problem` instead. */
  embed(images: (Blob | ImageBitmap)[], options: EmbedOptions = {}): Promise<{ results: EmbedResult[]; cancelled: boolean }> {
    const results: EmbedResult[] = [];
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return resolve({ results, cancelled: true });
      const onAbort = () => this.post({ type: 'cancel', id: this.nextId++, target: id }, []);
      const finish = () => {
        this.calls.delete(id);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const id = this.send(
        { type: 'embed', images, guesses: options.guesses ?? 0, ...(options.onPrepared ? { copies: true } : {}) },
        (response) => {
          if (response.type === 'prepared') {
            const { type: _type, id: _id, index, ...copies } = response;
            options.onPrepared?.(index, copies);
          } else if (response.type === 'embedded') {
            const { index, embedding, guesses, ms } = response;
            const result = { index, embedding, guesses, ms };
            results.push(result);
            options.onResult?.(result);
          } else if (response.type === 'image-failed') {
            const result = { index: response.index, problem: response.message };
            results.push(result);
            options.onResult?.(result);
          } else if (response.type === 'done') {
            finish();
            resolve({ results, cancelled: response.cancelled });
          } else if (response.type === 'error') {
            finish();
            reject(new Error(response.message));
          }
        },
        (error) => {
          finish();
          reject(error);
        },
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Tensor count, backend and time per stage, for tests, the details panel and the benchmark. */
  stats(): Promise<EngineStats> {
    return new Promise((resolve, reject) => {
      this.send(
        { type: 'stats' },
        (response, id) => {
          this.calls.delete(id);
          if (response.type === 'stats') resolve(response);
          else if (response.type === 'error') reject(new Error(response.message));
        },
        reject,
      );
    });
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    this.worker?.terminate();
    this.worker = undefined;
    this.calls.clear();
    this.queued = [];
  }
}
