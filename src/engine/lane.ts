/**
 * A second model lane: the engine worker's feature configuration loaded again in a worker of its
 * own (./laneWorker), so two photos' models run at once, one per core, where XNNPACK's threads
 * within one photo gain little. The engine worker's own models are the first lane; this one
 * loads once the engine is ready and has more than one photo to do (the first photo never waits for
 * it), and a batch goes to it only while it is idle. A lane that fails gives its batch back, to be
 * run by the engine's own models, and is not used again.
 */
import type { BackboneFiles } from './backbone';
import type { Features } from './extractor';
import { addStageTimes, timed, type StageTimes } from './stages';

export const LANE_WORKER_NAME = 'handful-lane';

export type LaneRequest =
  | { type: 'load'; featuresId: string; threads: number; files: [string, BackboneFiles][] }
  | { type: 'run'; job: number; photos: Uint8ClampedArray[]; guesses: number };

export type LaneAnswer =
  | { type: 'loaded' }
  | { type: 'ran'; job: number; features: Features[]; stages: StageTimes }
  | { type: 'failed'; job?: number; message: string };

export class Lane {
  private readonly worker: Worker;
  private readonly loaded: Promise<void>;
  private settleLoad!: { resolve(): void; reject(error: Error): void };
  private ready = false;
  private failed = false;
  private disposed = false;
  private running: { job: number; resolve(features: Features[]): void; reject(error: Error): void } | undefined;
  private nextJob = 0;

  constructor(featuresId: string, threads: number, files: ReadonlyMap<string, BackboneFiles>) {
    // The engine worker's own script, which serves a lane under this name (see ./laneWorker).
    this.worker = new Worker(self.location.href, { type: 'module', name: LANE_WORKER_NAME });
    this.loaded = new Promise((resolve, reject) => (this.settleLoad = { resolve, reject }));
    this.worker.onmessage = ({ data: answer }: MessageEvent<LaneAnswer>) => {
      if (answer.type === 'loaded') {
        this.ready = true;
        this.settleLoad.resolve();
      } else if (answer.type === 'ran' && answer.job === this.running?.job) {
        addStageTimes(answer.stages);
        const { resolve } = this.running;
        this.running = undefined;
        resolve(answer.features);
      } else if (answer.type === 'failed') {
        this.fail(new Error(answer.message));
      }
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new Error(`the second model lane stopped${event.message ? ` (${event.message})` : ''}`));
    };
    // Why it failed is said once, here: the engine's own models carry on alone, as before lanes.
    this.loaded.catch((error: unknown) => this.disposed || console.warn('second model lane unavailable:', (error as Error).message));
    const request: LaneRequest = { type: 'load', featuresId, threads, files: [...files] };
    this.worker.postMessage(request);
  }

  /** Loaded, alive and not running a batch. */
  get idle(): boolean {
    return this.ready && !this.failed && !this.running;
  }

  /**
   * Runs a batch (see FeatureExtractor.run); only when idle. Rejects if the lane fails meanwhile.
   * Timed as the stage 'second lane', so the benchmark (and a test) sees how much it takes.
   */
  run(photos: Uint8ClampedArray[], guesses: number): Promise<Features[]> {
    if (!this.idle) return Promise.reject(new Error('the second model lane is not ready'));
    return timed('second lane', () => this.send(photos, guesses));
  }

  private send(photos: Uint8ClampedArray[], guesses: number): Promise<Features[]> {
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.running = { job, resolve, reject };
      // The photos are copied, not moved: the background measurement keeps the last few.
      const request: LaneRequest = { type: 'run', job, photos, guesses };
      this.worker.postMessage(request);
    });
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.worker.terminate();
    // Rejecting the load after it resolved does nothing; before, it says why once (see above).
    this.settleLoad.reject(error);
    this.running?.reject(error);
    this.running = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.fail(new Error('the engine stopped this lane'));
  }
}
