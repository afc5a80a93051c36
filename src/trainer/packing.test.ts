import { describe, expect, it } from 'vitest';
import { packTrainingData, unpackTrainingData } from './packing';

describe('packed training data', () => {
  it('comes back as the same rows, in order, as views of one buffer', () => {
    const embeddings = [new Float32Array([1, 2, 3]), new Float32Array([4, 5, 6]), new Float32Array([7, 8, 9])];
    const packed = packTrainingData({ classes: ['a', 'b'], labels: [0, 1, 1], embeddings });
    expect(packed.dimension).toBe(3);
    expect([...packed.embeddings]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const back = unpackTrainingData(structuredClone(packed, { transfer: [packed.embeddings.buffer] }));
    expect(back.classes).toEqual(['a', 'b']);
    expect(back.labels).toEqual([0, 1, 1]);
    expect(back.embeddings.map((row) => [...row])).toEqual(embeddings.map((row) => [...row]));
    expect(new Set(back.embeddings.map((row) => row.buffer)).size).toBe(1);
  });

  it('refuses embeddings of different lengths rather than mixing them up', () => {
    expect(() => packTrainingData({ classes: ['a'], labels: [0, 0], embeddings: [new Float32Array(3), new Float32Array(2)] })).toThrow(
      /Embedding 1 has 2 numbers, not 3/,
    );
  });

  it('packs no photos', () => {
    const back = unpackTrainingData(packTrainingData({ classes: [], labels: [], embeddings: [] }));
    expect(back.embeddings).toEqual([]);
  });
});
