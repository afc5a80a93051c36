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
  it('suggests, sketches and maps only what changed', async () => {
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
    const base = { pile, classPhotos: ['c0'], sketch: true, map: true, fresh: true, head: { signature: 's1', model } };
    const first = send({ id: 1, embeddings: [...pile, 'c0'].map((hash, i) => [hash, vector(i)]), ...base });
    expect(first.problem).toBeUndefined();
    expect(first.suggestions?.hashes).toEqual(pile);
    expect(first.suggestions?.probabilities[0]).toHaveLength(2);
    expect(first.sketch?.sketch.count).toBe(12);
    expect(first.map?.hashes).toEqual(['c0', ...pile]);
    expect(first.map?.positions).toHaveLength(26);

    const again = send({ id: 2, embeddings: [], ...base, fresh: false });
    expect(again).toEqual({ id: 2 });
    // One photo labelled: new suggestions for the smaller pile, no new sketch, the same map.
    const labelled = send({
      id: 3,
      embeddings: [],
      ...base,
      fresh: false,
      pile: pile.slice(1),
      classPhotos: ['c0', 'p0'],
      head: { signature: 's2', model },
    });
    expect(labelled.suggestions?.hashes).toEqual(pile.slice(1));
    expect(labelled.sketch).toBeUndefined();
    expect(labelled.map).toBeUndefined();
    const grown = send({
      id: 4,
      embeddings: [['n', vector(40)]],
      ...base,
      fresh: false,
      pile: [...pile.slice(1), 'n'],
      classPhotos: ['c0', 'p0'],
      head: { signature: 's2', model },
    });
    expect(grown.sketch?.hashes).toHaveLength(12);
    expect(grown.map?.hashes).toHaveLength(14);
  });
});
