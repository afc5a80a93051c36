import { describe, expect, it } from 'vitest';
import { PileClient, type PileAsk, type PileWorkerLike } from './pileClient';
import type { PileRequest, PileResponse } from './pileProtocol';

class FakeWorker implements PileWorkerLike {
  sent: PileRequest[] = [];
  private listener?: (event: MessageEvent<PileResponse>) => void;
  postMessage(message: PileRequest) {
    this.sent.push(message);
  }
  addEventListener(type: string, listener: (event: never) => void) {
    if (type === 'message') this.listener = listener as (event: MessageEvent<PileResponse>) => void;
  }
  terminate() {}
  answer(id: number) {
    this.listener?.({ data: { id } } as MessageEvent<PileResponse>);
  }
}

const ask = (pile: string[], fresh = false): PileAsk => ({ pile, classPhotos: ['c'], sketch: true, map: false, fresh });
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
});
