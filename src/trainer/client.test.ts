import { describe, expect, it } from 'vitest';
import type { TrainingData } from '../head';
import { TrainerClient, type TrainerWorkerLike } from './client';
import type { TrainRequest, TrainResponse } from './protocol';

/** A worker that keeps what it was sent and answers when told to. */
class FakeWorker implements TrainerWorkerLike {
  sent: TrainRequest[] = [];
  private listener?: (event: MessageEvent<TrainResponse>) => void;
  postMessage(message: TrainRequest) {
    this.sent.push(message);
  }
  addEventListener(type: string, listener: (event: never) => void) {
    if (type === 'message') this.listener = listener as (event: MessageEvent<TrainResponse>) => void;
  }
  terminate() {}
  answer(id: number) {
    this.listener?.({ data: { id, type: 'failed', message: `answer ${id}` } } as MessageEvent<TrainResponse>);
  }
}

const data = (n: number): TrainingData => ({ classes: ['a', 'b'], embeddings: [], labels: new Array(n).fill(0) });

describe('TrainerClient', () => {
  it('trains only the newest of the requests made while one runs', async () => {
    const worker = new FakeWorker();
    const client = new TrainerClient(() => worker);
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
});
