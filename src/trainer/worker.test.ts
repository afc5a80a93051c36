import { describe, expect, it } from 'vitest';
import { evaluate } from '../head';
import { gaussianClusters } from '../head/testData';
import type { TrainingData } from '../head';
import { TrainingPacker } from './packing';
import type { TrainRequest, TrainResponse } from './protocol';

type Unpacked<Request> = Request extends unknown ? Omit<Request, 'data'> & { data: TrainingData } : never;

/** Runs the worker's module with a stand-in for the worker global. */
async function loadWorker() {
  const posted: TrainResponse[] = [];
  const scope = {
    onmessage: undefined as ((event: MessageEvent<TrainRequest>) => void) | undefined,
    postMessage: (response: TrainResponse) => posted.push(response),
  };
  (globalThis as unknown as { self: typeof scope }).self = scope;
  await import('./worker');
  // Sent as the client sends it: rows by key, the embeddings new to the worker packed into one buffer.
  const packer = new TrainingPacker();
  const send = (request: Unpacked<TrainRequest>) =>
    scope.onmessage!({ data: { ...request, data: packer.pack(request.data) } } as MessageEvent<TrainRequest>);
  return { posted, send };
}

/** Lets the worker's queued steps run until it has posted `count` answers. */
async function until(posted: TrainResponse[], count: number) {
  while (posted.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

// Leave-one-out over 12 photos: 12 steps, each a refit.
const first = gaussianClusters([6, 6], 16, 1, 1);
const second = gaussianClusters([6, 7], 16, 1, 2);

describe('training worker', () => {
  it('sends the head before its evaluation, and drops the evaluation of a head a newer request has replaced', async () => {
    const { posted, send } = await loadWorker();
    send({ id: 1, type: 'train', data: first });
    // The head comes at once, with nothing of its evaluation done yet.
    expect(posted.map((r) => [r.id, r.type])).toEqual([[1, 'trained']]);
    // A newer request arriving between evaluation steps replaces it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    send({ id: 2, type: 'train', data: second });
    await until(posted, 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(posted.map((r) => [r.id, r.type])).toEqual([
      [1, 'trained'],
      [2, 'trained'],
      [2, 'evaluated'],
    ]);
    const head = posted[1].type === 'trained' ? posted[1].model : undefined;
    const evaluation = posted[2].type === 'evaluated' ? posted[2].evaluation : undefined;
    expect(evaluation).toEqual(evaluate(second, head!));

    // Where the page shares the newest request's id, the worker sees it in the middle of a refit.
    const newest = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(newest, 0, 4);
    send({ id: 4, type: 'train', data: first, newest });
    await new Promise((resolve) => setTimeout(resolve, 0));
    Atomics.store(newest, 0, 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(posted.slice(3).map((r) => [r.id, r.type])).toEqual([[4, 'trained']]);

    // A stored head can be evaluated on its own.
    send({ id: 6, type: 'evaluate', data: second, model: head!, newest });
    Atomics.store(newest, 0, 6);
    await until(posted, 5);
    expect(posted[4]).toMatchObject({ id: 6, type: 'evaluated', evaluation: evaluate(second, head!) });
  });
});
