/**
 * The page's side of the training worker. Photos change faster than training finishes (a drop of
 * thirty arrives one by one), so only the newest request matters: while one trains, a newer
 * request replaces any waiting one, and the replaced one resolves as superseded without being
 * trained. A head comes back as soon as it is trained, with its evaluation still to come (a
 * promise): the cross-validation takes several times as long as the fit, and a newer request does
 * not wait for it but replaces it at once (the worker stops evaluating between held-out parts).
 *
 * A worker that dies (out of memory, say) is started again after a wait that grows with each
 * crash, and not at all after too many (../engine/restarts): the page hears of each through
 * `onFault`. Training and evaluating are pure functions of their input, so the job it was running
 * is run again on the new worker (an evaluation is run again on its own, for the head already
 * sent); if it crashes that one too, it fails with a plain message rather than taking every
 * restart with it.
 */
import { RestartBudget, type RestartPolicy, type WorkerFault } from '../engine/restarts';
import type { Evaluation, LogisticModel, TrainingData } from '../head';
import { TrainingPacker } from './packing';
import type { TrainRequest, TrainResponse } from './protocol';

export type EvaluationOutcome =
  { type: 'evaluated'; evaluation: Evaluation; ms: number } | { type: 'failed'; message: string } | { type: 'superseded' };

export type TrainOutcome =
  | { type: 'trained'; model: LogisticModel; ms: number; evaluation: Promise<EvaluationOutcome> }
  | { type: 'failed'; message: string }
  | { type: 'superseded' };

/** Anything with a Worker's shape, so tests can drive the client without a browser. */
export interface TrainerWorkerLike {
  postMessage(message: TrainRequest, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TrainResponse>) => void): void;
  addEventListener(type: 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

type Job = (
  | { type: 'train'; previous?: LogisticModel; resolve(outcome: TrainOutcome): void }
  | { type: 'evaluate'; model: LogisticModel; resolve(outcome: EvaluationOutcome): void }
) & {
  data: TrainingData;
  /** Workers that died while running it. */
  crashes?: number;
};

export const trainingCrashedMessage =
  'Learning stopped unexpectedly twice on these photos, so it was left out this time. It tries again when the photos change.';
export const evaluationCrashedMessage =
  'Checking how often it is right stopped unexpectedly twice on these photos, so it was left out this time. It tries again when the photos change.';
export const trainingStoppedMessage = 'Learning stopped several times in a row and was not started again. Reload the page to try again.';

export class TrainerClient {
  /** Undefined while a restart waits, and for good once the restarts are spent. */
  private worker: TrainerWorkerLike | undefined;
  private stopped = false;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly budget: RestartBudget;
  private nextId = 1;
  /**
   * The job the worker is on; a trained head's evaluation becomes an 'evaluate' job of the same id.
   * `sentAt`: when it was sent to the worker (an evaluation: when its head arrived).
   */
  private running: { id: number; job: Job; sentAt: number } | undefined;
  private waiting: Job | undefined;
  /** Knows which embeddings the worker holds, so each request carries only the new ones. */
  private readonly packer = new TrainingPacker();
  /** The id of the newest request sent, shared with the worker where the page may share memory. */
  private readonly newest =
    typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;

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
    this.packer.forget();
    worker.addEventListener('message', (event) => {
      if (worker === this.worker) this.answered(event.data);
    });
    worker.addEventListener('error', () => this.crashed(worker));
    this.worker = worker;
  }

  private answered(response: TrainResponse): void {
    const running = this.running;
    if (!running || response.id !== running.id) return;
    const { job } = running;
    const photos = job.data.labels.length;
    this.running = undefined;
    if (response.type === 'failed') {
      // What the worker kept may not be what the packer thinks (a request it could not read): start afresh.
      this.packer.forget();
      job.resolve({ type: 'failed', message: response.message });
    } else if (job.type === 'train' && response.type === 'trained') {
      // In the browser's performance timeline, where `npm run stress` and the DevTools read it: the
      // time the page waited (a request may wait for the worker to finish what it was doing) and
      // the worker's own.
      const waited = performance.now() - running.sentAt;
      performance.mark('handful:trained', { detail: { ms: waited, workerMs: response.ms, photos, warm: job.previous !== undefined } });
      const { model, ms } = response;
      const evaluation = new Promise<EvaluationOutcome>((resolve) => {
        // The worker goes on to evaluate it, unless a newer request is already waiting.
        if (this.waiting) resolve({ type: 'superseded' });
        else this.running = { id: running.id, job: { type: 'evaluate', data: job.data, model, resolve }, sentAt: performance.now() };
      });
      job.resolve({ type: 'trained', model, ms, evaluation });
    } else if (job.type === 'evaluate' && response.type === 'evaluated') {
      performance.mark('handful:evaluated', { detail: { ms: performance.now() - running.sentAt, workerMs: response.ms, photos } });
      job.resolve({ type: 'evaluated', evaluation: response.evaluation, ms: response.ms });
    }
    this.startWaiting();
  }

  private crashed(dead: TrainerWorkerLike): void {
    if (dead !== this.worker) return;
    dead.terminate();
    this.worker = undefined;
    const job = this.running?.job;
    this.running = undefined;
    const delayMs = this.budget.next();
    if (delayMs === undefined) {
      this.stopped = true;
      job?.resolve({ type: 'failed', message: trainingStoppedMessage });
      this.waiting?.resolve({ type: 'failed', message: trainingStoppedMessage });
      this.waiting = undefined;
      return this.onFault(this.budget.gaveUp());
    }
    // Run again unless a newer request is waiting, which then is the one that matters.
    if (job) {
      const crashes = (job.crashes ?? 0) + 1;
      if (crashes > 1) job.resolve({ type: 'failed', message: job.type === 'train' ? trainingCrashedMessage : evaluationCrashedMessage });
      else if (this.waiting) job.resolve({ type: 'superseded' });
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

  /**
   * Trains on `data`; resolves with the head (its evaluation to follow), or superseded by a newer
   * call (of either kind).
   */
  train(data: TrainingData, previous?: LogisticModel): Promise<TrainOutcome> {
    return new Promise((resolve) => this.enqueue({ type: 'train', data, previous, resolve }));
  }

  /** Evaluates `model`, trained on `data` before (a stored head whose evaluation was not done). */
  evaluate(data: TrainingData, model: LogisticModel): Promise<EvaluationOutcome> {
    return new Promise((resolve) => this.enqueue({ type: 'evaluate', data, model, resolve }));
  }

  private enqueue(job: Job): void {
    if (this.stopped) return job.resolve({ type: 'failed', message: trainingStoppedMessage });
    this.waiting?.resolve({ type: 'superseded' });
    this.waiting = job;
    // An evaluation gives way at once: the worker drops it when this request reaches it.
    if (this.running?.job.type === 'evaluate') {
      this.running.job.resolve({ type: 'superseded' });
      this.running = undefined;
    }
    if (!this.running) this.startWaiting();
  }

  private startWaiting(): void {
    const job = this.waiting;
    const worker = this.worker;
    if (!job || !worker || this.running) return;
    this.waiting = undefined;
    const id = this.nextId++;
    this.running = { id, job, sentAt: performance.now() };
    if (this.newest) Atomics.store(this.newest, 0, id);
    // Packed afresh for each request: its buffer goes to the worker, and a job may be run again after a crash.
    const data = this.packer.pack(job.data);
    const newest = this.newest;
    worker.postMessage(
      job.type === 'train'
        ? { id, type: 'train', data, previous: job.previous, newest }
        : { id, type: 'evaluate', data, model: job.model, newest },
      [data.added.embeddings.buffer],
    );
  }

  dispose(): void {
    clearTimeout(this.restartTimer);
    this.worker?.terminate();
    this.worker = undefined;
    this.waiting?.resolve({ type: 'superseded' });
    this.running?.job.resolve({ type: 'superseded' });
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
