import { describe, expect, it } from 'vitest';
import type { PileRequest, PileResponse } from './pileProtocol';

/** Runs the worker's module with a stand-in for the worker global. */
async function loadWorker() {
  const posted: PileResponse[] = [];
  const scope = {
    onmessage: undefined as ((event: MessageEvent<PileRequest>) => void) | undefined,
    postMessage: (r: PileResponse) => posted.push(r),
  };
  (globalThis as unknown as { self: typeof scope }).self = scope;
  await import('./pileWorker');
  return { send: (request: PileRequest) => (scope.onmessage!({ data: request } as MessageEvent<PileRequest>), posted.at(-1)!) };
}

const vector = (i: number) => Float32Array.from({ length: 8 }, (_, d) => Math.cos(i * 1.7 + d) + (i % 2 ? 1 : -1) * (d === 0 ? 2 : 0));

describe('pile worker', () => {
  it('suggests, queues, offers and maps only what changed', async () => {
    const { send } = await loadWorker();
    const pile = Array.from({ length: 12 }, (_, i) => `p${i}`);
    const model = {
      kind: 'logistic' as const,
      classes: ['a', 'b'],
      dim: 8,
      weights: [...vector(1), ...vector(2)],
      bias: [0, 0],
      lambda: 1,
      normalisation: 'l2' as const,
    };
    const heldOut = { rows: ['c0'], labels: [0], probabilities: [new Float32Array([0.9, 0.1])] };
    const base = {
      pile,
      accepted: [],
      skipped: [],
      classes: [
        { id: 'a', photos: ['c0'] },
        { id: 'b', photos: [] },
      ],
      sketch: true,
      map: true,
      queueLength: 4,
      fresh: true,
      head: { signature: 's1', model, heldOut },
    };
    const first = send({ id: 1, embeddings: [...pile, 'c0'].map((hash, i) => [hash, vector(i)]), ...base });
    expect(first.problem).toBeUndefined();
    expect(first.suggestions?.hashes).toEqual(pile);
    expect(first.suggestions?.classCount).toBe(2);
    expect(first.suggestions?.probabilities).toHaveLength(24);
    expect(first.queue).toHaveLength(4);
    expect(new Set(first.queue).size).toBe(4);
    // One held-out prediction is too few to promise anything: every class offers nothing.
    expect(first.acceptance).toMatchObject({ signature: 's1', heldOutCount: 1 });
    expect(first.acceptance?.offers.map((o) => [o.classId, o.photos.length])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
    expect(first.map?.hashes).toEqual(['c0', ...pile]);
    expect(first.map?.positions).toHaveLength(26);

    const again = send({ id: 2, embeddings: [], ...base, fresh: false });
    expect(again).toEqual({ id: 2 });
    // The first in the queue labelled: new suggestions for the smaller pile and a queue without it, the same map.
    const answered = first.queue![0];
    const labelled = send({
      id: 3,
      embeddings: [],
      ...base,
      fresh: false,
      pile: pile.filter((hash) => hash !== answered),
      classes: [
        { id: 'a', photos: ['c0', answered] },
        { id: 'b', photos: [] },
      ],
      head: { signature: 's2', model, heldOut },
    });
    expect(labelled.suggestions?.hashes).toEqual(pile.filter((hash) => hash !== answered));
    expect(labelled.queue).toHaveLength(4);
    expect(labelled.queue).not.toContain(answered);
    expect(labelled.map).toBeUndefined();
    // Skipped and accepted photos are not asked about.
    const skipping = send({ id: 4, embeddings: [], ...base, fresh: false, skipped: [pile[0]], accepted: pile.slice(1, 10) });
    expect(skipping.queue).toEqual(pile.slice(10));
    const grown = send({ id: 5, embeddings: [['n', vector(40)]], ...base, fresh: false, pile: [...pile, 'n'] });
    expect(grown.suggestions?.hashes).toHaveLength(13);
    expect(grown.map?.hashes).toHaveLength(14);
    // A head not evaluated yet: suggested and queued at once; nothing offered until its held-out predictions come.
    const unevaluated = send({ id: 6, embeddings: [], ...base, fresh: false, pile: [...pile, 'n'], head: { signature: 's3', model } });
    expect(unevaluated.suggestions?.signature).toBe('s3');
    expect(unevaluated.acceptance).toBeUndefined();
  });
});
