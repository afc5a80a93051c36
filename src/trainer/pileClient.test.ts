import { describe, expect, it } from 'vitest';
import { PileClient, pileCrashedMessage, pileStoppedMessage, type PileAsk, type PileWorkerLike } from './pileClient';
import type { PileRequest, PileResponse } from './pileProtocol';

class FakeWorker implements PileWorkerLike {
  sent: PileRequest[] = [];
  terminated = false;
  private listener?: (event: MessageEvent<PileResponse>) => void;
  private onError?: () => void;
  postMessage(message: PileRequest) {
    this.sent.push(message);
  }
  addEventListener(type: string, listener: (event: never) => void) {
    if (type === 'message') this.listener = listener as (event: MessageEvent<PileResponse>) => void;
    else this.onError = listener as () => void;
  }
  terminate() {
    this.terminated = true;
  }
  crash() {
    this.onError?.();
  }
  answer(id: number) {
    this.listener?.({ data: { id } } as MessageEvent<PileResponse>);
  }
}

const ask = (pile: string[], fresh = false): PileAsk => ({
  pile,
  accepted: [],
  skipped: [],
  classes: [{ id: 'k', photos: ['c', 'missing'] }],
  sketch: true,
  map: false,
  queueLength: 10,
  fresh,
});
const embeddingOf = (hash: string) => (hash === 'missing' ? undefined : new Float32Array([hash.length]));

describe('PileClient', () => {
  it('posts each embedding once, only known photos, and only the newest waiting request', async () => {
    const worker = new FakeWorker();
    const client = new PileClient(() => worker);
    const first = client.ask(ask(['a', 'missing']), embeddingOf);
    const second = client.ask(ask(['a', 'b']), embeddingOf);
    const third = client.ask(ask(['a', 'b', 'c2']), embeddingOf);
    expect(await second).toEqual({ superseded: true });
    expect(worker.sent[0].pile).toEqual(['a']);
    expect(worker.sent[0].classes).toEqual([{ id: 'k', photos: ['c'] }]);
    expect(worker.sent[0].embeddings.map(([hash]) => hash)).toEqual(['a', 'c']);
    worker.answer(1);
    expect(await first).toEqual({ id: 1 });
    expect(worker.sent[1].embeddings.map(([hash]) => hash)).toEqual(['b', 'c2']);
    worker.answer(2);
    await third;
    // Another project: the worker forgot everything, so everything is sent again.
    void client.ask(ask(['a'], true), embeddingOf);
    expect(worker.sent[2].embeddings.map(([hash]) => hash)).toEqual(['a', 'c']);
  });

  it('restarts a crashed worker after a wait, sends everything again, and stops for good after the limit', async () => {
    const workers: FakeWorker[] = [];
    const client = new PileClient(
      () => {
        workers.push(new FakeWorker());
        return workers.at(-1)!;
      },
      { limit: 1, windowMs: 60_000, firstDelayMs: 1 },
    );
    const first = client.ask(ask(['a']), embeddingOf);
    workers[0].crash();
    expect(await first).toEqual({ id: 1, problem: pileCrashedMessage });
    expect(workers[0].terminated).toBe(true);
    // Asked while the new worker is not there yet: sent to it once it starts, with every embedding.
    const second = client.ask(ask(['a']), embeddingOf);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(workers).toHaveLength(2);
    expect(workers[1].sent[0].embeddings.map(([hash]) => hash)).toEqual(['a', 'c']);
    workers[1].answer(workers[1].sent[0].id);
    expect(await second).toMatchObject({ id: workers[1].sent[0].id });
    // A second crash within the window is past the limit of one: no third worker, and it says so.
    const third = client.ask(ask(['a']), embeddingOf);
    workers[1].crash();
    expect(await third).toMatchObject({ problem: pileStoppedMessage });
    expect(await client.ask(ask(['a']), embeddingOf)).toMatchObject({ problem: pileStoppedMessage });
    expect(workers).toHaveLength(2);
  });
});
