import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerFault } from '../engine/restarts';
import type { Evaluation, LogisticModel, TrainingData } from '../head';
import {
  evaluationCrashedMessage,
  TrainerClient,
  trainingCrashedMessage,
  trainingStoppedMessage,
  type TrainerWorkerLike,
  type TrainOutcome,
} from './client';
import type { TrainRequest, TrainResponse } from './protocol';

/** A worker that keeps what it was sent, answers when told to, and can crash. */
class FakeWorker implements TrainerWorkerLike {
  sent: TrainRequest[] = [];
  terminated = false;
  private listener?: (event: MessageEvent<TrainResponse>) => void;
  private onError?: (event: Event) => void;
  postMessage(message: TrainRequest) {
    this.sent.push(message);
  }
  addEventListener(type: string, listener: (event: never) => void) {
    if (type === 'message') this.listener = listener as (event: MessageEvent<TrainResponse>) => void;
    if (type === 'error') this.onError = listener as (event: Event) => void;
  }
  terminate() {
    this.terminated = true;
  }
  answer(id: number, message = `answer ${id}`) {
    this.listener?.({ data: { id, type: 'failed', message } } as MessageEvent<TrainResponse>);
  }
  trained(id: number) {
    this.listener?.({ data: { id, type: 'trained', model: model(id), ms: 1 } } as MessageEvent<TrainResponse>);
  }
  evaluated(id: number) {
    this.listener?.({ data: { id, type: 'evaluated', evaluation: evaluation(id), ms: 2 } } as MessageEvent<TrainResponse>);
  }
  crash() {
    this.onError?.(new Event('error'));
  }
}

// Stand-ins that only need to be told apart.
const model = (id: number) => ({ lambda: id }) as unknown as LogisticModel;
const evaluation = (id: number) => ({ correct: id }) as unknown as Evaluation;

const data = (n: number): TrainingData => ({ classes: ['a', 'b'], embeddings: [], labels: new Array(n).fill(0) });

function setup() {
  const workers: FakeWorker[] = [];
  const faults: WorkerFault[] = [];
  const client = new TrainerClient(
    () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    (fault) => faults.push(fault),
  );
  return { client, workers, faults, last: () => workers.at(-1)! };
}

describe('TrainerClient', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trains only the newest of the requests made while one runs', async () => {
    const { client, last } = setup();
    const worker = last();
    const first = client.train(data(1));
    const second = client.train(data(2));
    const third = client.train(data(3));
    expect(worker.sent.map((m) => m.data.labels.length)).toEqual([1]);
    expect(await second).toEqual({ type: 'superseded' });
    worker.answer(1);
    expect(await first).toEqual({ type: 'failed', message: 'answer 1' });
    expect(worker.sent.map((m) => m.data.labels.length)).toEqual([1, 3]);
    worker.answer(2);
    expect(await third).toEqual({ type: 'failed', message: 'answer 2' });
  });

  it('hands over the head at once and its evaluation when it comes', async () => {
    const { client, last } = setup();
    const worker = last();
    const job = client.train(data(3));
    worker.trained(1);
    const outcome = (await job) as Extract<TrainOutcome, { type: 'trained' }>;
    expect(outcome).toMatchObject({ type: 'trained', model: model(1), ms: 1 });
    worker.evaluated(1);
    expect(await outcome.evaluation).toEqual({ type: 'evaluated', evaluation: evaluation(1), ms: 2 });
  });

  it('does not wait for an evaluation when a newer request comes, and drops it', async () => {
    const { client, last } = setup();
    const worker = last();
    const job = client.train(data(3));
    worker.trained(1);
    const outcome = (await job) as Extract<TrainOutcome, { type: 'trained' }>;
    const newer = client.train(data(4), outcome.model);
    // Sent straight away: the worker stops evaluating the replaced head when it sees it.
    expect(worker.sent.map((m) => [m.type, m.data.labels.length])).toEqual([
      ['train', 3],
      ['train', 4],
    ]);
    expect(await outcome.evaluation).toEqual({ type: 'superseded' });
    worker.evaluated(1);
    worker.trained(2);
    await expect(newer).resolves.toMatchObject({ type: 'trained', model: model(2) });
  });

  it('does not evaluate a head whose replacement is already waiting', async () => {
    const { client, last } = setup();
    const worker = last();
    const job = client.train(data(3));
    const newer = client.train(data(4));
    worker.trained(1);
    const outcome = (await job) as Extract<TrainOutcome, { type: 'trained' }>;
    expect(await outcome.evaluation).toEqual({ type: 'superseded' });
    expect(worker.sent.map((m) => m.data.labels.length)).toEqual([3, 4]);
    worker.trained(2);
    await expect(newer).resolves.toMatchObject({ type: 'trained' });
  });

  it('evaluates a stored head, and runs an evaluation lost in a crash again on its own, once', async () => {
    const { client, workers } = setup();
    const stored = client.evaluate(data(5), model(9));
    expect(workers[0].sent[0]).toMatchObject({ type: 'evaluate', model: model(9) });
    workers[0].evaluated(1);
    await expect(stored).resolves.toMatchObject({ type: 'evaluated', evaluation: evaluation(1) });

    const job = client.train(data(3));
    workers[0].trained(2);
    const outcome = (await job) as Extract<TrainOutcome, { type: 'trained' }>;
    workers[0].crash();
    vi.advanceTimersByTime(500);
    expect(workers[1].sent).toMatchObject([{ type: 'evaluate', model: model(2) }]);
    workers[1].crash();
    await expect(outcome.evaluation).resolves.toEqual({ type: 'failed', message: evaluationCrashedMessage });
  });

  it('restarts a worker that died after a wait, and trains the job it was running on the new one', async () => {
    const { client, workers, faults } = setup();
    const job = client.train(data(4));
    workers[0].crash();
    expect(workers[0].terminated).toBe(true);
    expect(faults).toEqual([{ type: 'restarting', restarts: 1, delayMs: 500 }]);
    vi.advanceTimersByTime(499);
    expect(workers).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(faults.at(-1)).toEqual({ type: 'restarted', restarts: 1 });
    expect(workers[1].sent.map((m) => m.data.labels.length)).toEqual([4]);
    // An answer the dead worker might still send is not taken for the new one's.
    workers[0].answer(workers[1].sent[0].id, 'from the dead worker');
    workers[1].answer(workers[1].sent[0].id);
    expect(await job).toEqual({ type: 'failed', message: `answer ${workers[1].sent[0].id}` });
  });

  it('fails a job that kills the restarted worker too, in plain words, and trains the next request', async () => {
    const { client, workers } = setup();
    const job = client.train(data(4));
    workers[0].crash();
    vi.advanceTimersByTime(500);
    workers[1].crash();
    await expect(job).resolves.toEqual({ type: 'failed', message: trainingCrashedMessage });
    const next = client.train(data(5));
    vi.advanceTimersByTime(1000);
    expect(workers[2].sent.map((m) => m.data.labels.length)).toEqual([5]);
    workers[2].answer(workers[2].sent[0].id);
    await expect(next).resolves.toMatchObject({ type: 'failed' });
  });

  it('sends a request made while the restart waits to the new worker, and drops the crashed job it supersedes', async () => {
    const { client, workers } = setup();
    const crashed = client.train(data(4));
    workers[0].crash();
    const newer = client.train(data(6));
    await expect(crashed).resolves.toEqual({ type: 'superseded' });
    vi.advanceTimersByTime(500);
    expect(workers[1].sent.map((m) => m.data.labels.length)).toEqual([6]);
    workers[1].answer(workers[1].sent[0].id);
    await expect(newer).resolves.toMatchObject({ type: 'failed' });
  });

  it('waits longer after each crash, and after three within a minute stops for good, saying so', async () => {
    const { client, workers, faults, last } = setup();
    for (const delayMs of [500, 1000, 2000]) {
      last().crash();
      expect(faults.at(-1)).toMatchObject({ type: 'restarting', delayMs });
      vi.advanceTimersByTime(delayMs);
    }
    const running = client.train(data(3));
    last().crash();
    expect(faults.at(-1)).toEqual({ type: 'gave-up', restarts: 3, crashes: 4, windowMs: 60_000 });
    await expect(running).resolves.toEqual({ type: 'failed', message: trainingStoppedMessage });
    vi.advanceTimersByTime(120_000);
    expect(workers).toHaveLength(4);
    await expect(client.train(data(3))).resolves.toEqual({ type: 'failed', message: trainingStoppedMessage });
  });

  it('disposing while a restart waits starts no worker', () => {
    const { client, workers } = setup();
    workers[0].crash();
    client.dispose();
    vi.advanceTimersByTime(60_000);
    expect(workers).toHaveLength(1);
  });
});
