/**
 * The page's side of the training worker. Photos change faster than training finishes (a drop of
 * thirty arrives one by one), so only the newest request matters: while one runs, a newer request
 * replaces any waiting one, and the replaced one resolves as superseded without being trained.
 *
 * A worker that dies (out of memory, say) is started again after a wait that grows with each
 * crash, and not at all after too many (../engine/restarts): the page hears of each through
 * `onFault`. Training is a pure function of its input, so the job it was running is run again on
 * the new worker; if it crashes that one too, it fails with a plain message rather than taking
 * every restart with it.
 */
import { RestartBudget, type RestartPolicy, type WorkerFault } from '../engine/restarts';
import type { Evaluation, LogisticModel, TrainingData } from '../head';
import type { TrainRequest, TrainResponse } from './protocol';

export type TrainOutcome =
  | { type: 'trained'; model: LogisticModel; evaluation: Evaluation; ms: number }
  | { type: 'failed'; message: string }
  | { type: 'superseded' };

/** Anything with a Worker's shape, so tests can drive the client without a browser. */
export interface TrainerWorkerLike {
  postMessage(message: TrainRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainResponse>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

interface Waiting {
  data: TrainingData;
  previous?: LogisticModel;
  resolve(outcome: TrainOutcome): void;
  /** Workers that died while training it. */
  crashes?: number;
}

export const trainingCrashedMessage =
  'Learning stopped unexpectedly twice on these photos, so it was left out this time. It tries again when the photos change.';
export const trainingStoppedMessage = 'Learning stopped several times in a row and was not started again. Reload the page to try again.';

export class TrainerClient {
  /** Undefined while a restart waits, and for good once the restarts are spent. */
  private worker: TrainerWorkerLike | undefined;
  private stopped = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly budget: RestartBudget;
  /** The job the worker is training, kept to run again should the worker die. */
  private job: Waiting | undefined;
  private nextId = 1;
  private running: { id: number; photos: number; warm: boolean; resolve(outcome: TrainOutcome): void } | undefined;
  private waiting: Waiting | undefined;

  constructor(
    private readonly createWorker: () => TrainerWorkerLike,
    private readonly onFault: (fault: WorkerFault) => void = () => {},
    policy?: RestartPolicy,
  ) {
    this.budget = new RestartBudget(policy);
    this.spawn();
  }

  private spawn(): void {
    const worker = this.createWorker();
    worker.addEventListener('message', (event) => {
      const response = event.data;
      if (worker !== this.worker || response.id !== this.running?.id) return;
      const { resolve, photos, warm } = this.running;
      this.running = undefined;
      this.job = undefined;
      // In the browser's performance timeline, where `npm run stress` and the DevTools read it.
      if (response.type === 'trained') performance.mark('handful:trained', { detail: { ms: response.ms, photos, warm } });
      resolve(
        response.type === 'trained'
          ? { type: 'trained', model: response.model, evaluation: response.evaluation, ms: response.ms }
          : { type: 'failed', message: response.message },
      );
      this.startWaiting();
    });
    worker.addEventListener('error', () => this.crashed(worker));
    this.worker = worker;
  }

  private crashed(dead: TrainerWorkerLike): void {
    if (dead !== this.worker) return;
    dead.terminate();
    this.worker = undefined;
    const running = this.running;
    const job = this.job;
    this.running = undefined;
    this.job = undefined;
    const delayMs = this.budget.next();
    if (delayMs === undefined) {
      this.stopped = true;
      running?.resolve({ type: 'failed', message: trainingStoppedMessage });
      this.waiting?.resolve({ type: 'failed', message: trainingStoppedMessage });
      this.waiting = undefined;
      return this.onFault(this.budget.gaveUp());
    }
    // Run again unless a newer request is waiting, which then is the one that matters.
    if (running && job) {
      const crashes = (job.crashes ?? 0) + 1;
      if (crashes > 1) running.resolve({ type: 'failed', message: trainingCrashedMessage });
      else if (this.waiting) running.resolve({ type: 'superseded' });
      else this.waiting = { ...job, crashes };
    }
    const { restarts } = this.budget;
    this.onFault({ type: 'restarting', restarts, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.spawn();
      this.onFault({ type: 'restarted', restarts });
      this.startWaiting();
    }, delayMs);
  }

  /** Trains on `data`; resolves with the head and its evaluation, or superseded by a newer call. */
  train(data: TrainingData, previous?: LogisticModel): Promise<TrainOutcome> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve({ type: 'failed', message: trainingStoppedMessage });
      this.waiting?.resolve({ type: 'superseded' });
      this.waiting = { data, previous, resolve };
      if (!this.running) this.startWaiting();
    });
  }

  private startWaiting(): void {
    const next = this.waiting;
    const worker = this.worker;
    if (!next || !worker) return;
    this.waiting = undefined;
    this.job = next;
    const id = this.nextId++;
    this.running = { id, photos: next.data.labels.length, warm: next.previous !== undefined, resolve: next.resolve };
    worker.postMessage({ id, data: next.data, previous: next.previous });
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    this.worker?.terminate();
    this.worker = undefined;
    this.job = undefined;
    this.waiting?.resolve({ type: 'superseded' });
    this.running?.resolve({ type: 'superseded' });
    this.waiting = undefined;
    this.running = undefined;
  }
}

/** `onFault` hears of the worker's crashes and restarts, for the status line. */
export function createTrainer(onFault?: (fault: WorkerFault) => void): TrainerClient {
  return new TrainerClient(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'handful-trainer' }) as TrainerWorkerLike,
    onFault,
  );
}
