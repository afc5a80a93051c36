/**
 * The page's side of the training worker. Photos change faster than training finishes (a drop of
 * thirty arrives one by one), so only the newest request matters: while one runs, a newer request
 * replaces any waiting one, and the replaced one resolves as superseded without being trained.
 */
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
}

export class TrainerClient {
  private readonly worker: TrainerWorkerLike;
  private nextId = 1;
  private running: { id: number; resolve(outcome: TrainOutcome): void } | undefined;
  private waiting: Waiting | undefined;

  constructor(createWorker: () => TrainerWorkerLike) {
    this.worker = createWorker();
    this.worker.addEventListener('message', (event) => {
      const response = event.data;
      if (response.id !== this.running?.id) return;
      const { resolve } = this.running;
      this.running = undefined;
      resolve(
        response.type === 'trained'
          ? { type: 'trained', model: response.model, evaluation: response.evaluation, ms: response.ms }
          : { type: 'failed', message: response.message },
      );
      this.startWaiting();
    });
    this.worker.addEventListener('error', () => {
      this.running?.resolve({ type: 'failed', message: 'Training stopped unexpectedly.' });
      this.running = undefined;
      this.startWaiting();
    });
  }

  /** Trains on `data`; resolves with the head and its evaluation, or superseded by a newer call. */
  train(data: TrainingData, previous?: LogisticModel): Promise<TrainOutcome> {
    return new Promise((resolve) => {
      this.waiting?.resolve({ type: 'superseded' });
      this.waiting = { data, previous, resolve };
      if (!this.running) this.startWaiting();
    });
  }

  private startWaiting(): void {
    const next = this.waiting;
    if (!next) return;
    this.waiting = undefined;
    const id = this.nextId++;
    this.running = { id, resolve: next.resolve };
    this.worker.postMessage({ id, data: next.data, previous: next.previous });
  }

  dispose(): void {
    this.worker.terminate();
    this.waiting?.resolve({ type: 'superseded' });
    this.running?.resolve({ type: 'superseded' });
    this.waiting = undefined;
    this.running = undefined;
  }
}

export function createTrainer(): TrainerClient {
  return new TrainerClient(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'handful-trainer' }) as TrainerWorkerLike,
  );
}
