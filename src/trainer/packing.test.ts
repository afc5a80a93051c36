import { describe, expect, it } from 'vitest';
import type { TrainingData } from '../head';
import { TrainingPacker, TrainingStore, type PackedTrainingData } from './packing';

const v = (...values: number[]) => Float32Array.from(values);
const numbers = (data: TrainingData) => data.embeddings.map((row) => [...row]);

/** As postMessage delivers it: cloned, the buffer transferred. */
const sent = (packed: PackedTrainingData) => structuredClone(packed, { transfer: [packed.added.embeddings.buffer] });

describe('packed training data', () => {
  it('carries only the embeddings the worker does not hold, and comes back as the same rows', () => {
    const [a, b, c, d] = [v(1, 2, 3), v(4, 5, 6), v(7, 8, 9), v(0, 1, 0)];
    const packer = new TrainingPacker();
    const store = new TrainingStore();
    const first: TrainingData = { classes: ['x', 'y'], labels: [0, 1, 1], embeddings: [a, b, c] };
    const packedFirst = packer.pack(first);
    expect([...packedFirst.added.embeddings]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const back = store.unpack(sent(packedFirst));
    expect(back.classes).toEqual(['x', 'y']);
    expect(back.labels).toEqual([0, 1, 1]);
    expect(numbers(back)).toEqual(numbers(first));
    expect(new Set(back.embeddings.map((row) => row.buffer)).size).toBe(1);

    // One more photo, one moved to the other class, one removed: only the new embedding travels,
    // and the worker's arrays for the others are the ones it had.
    const second: TrainingData = { classes: ['x', 'y'], labels: [0, 0, 1], embeddings: [a, c, d] };
    const packedSecond = packer.pack(second);
    expect([...packedSecond.added.embeddings]).toEqual([0, 1, 0]);
    const again = store.unpack(sent(packedSecond));
    expect(again.labels).toEqual([0, 0, 1]);
    expect(numbers(again)).toEqual(numbers(second));
    expect(again.embeddings[0]).toBe(back.embeddings[0]);
    expect(again.embeddings[1]).toBe(back.embeddings[2]);

    // The removed one is let go of: sent again, it travels again (as a new array).
    const third = packer.pack({ classes: ['x', 'y'], labels: [0, 1], embeddings: [b, a] });
    expect([...third.added.embeddings]).toEqual([4, 5, 6]);
    expect(store.unpack(sent(third)).embeddings[0]).not.toBe(back.embeddings[1]);
  });

  it('sends everything again to a new worker', () => {
    const packer = new TrainingPacker();
    const data: TrainingData = { classes: ['x', 'y'], labels: [0, 1], embeddings: [v(1, 2), v(3, 4)] };
    packer.pack(data);
    expect(packer.pack(data).added.keys).toEqual([]);
    packer.forget();
    const fresh = new TrainingStore().unpack(sent(packer.pack(data)));
    expect(numbers(fresh)).toEqual(numbers(data));
  });

  it('keeps embeddings of different lengths apart, for the head to refuse with its own message', () => {
    const data: TrainingData = { classes: ['x'], labels: [0, 0, 0], embeddings: [v(1, 2, 3), v(4, 5), v(4, 5)] };
    data.embeddings[2] = data.embeddings[1];
    const packed = new TrainingPacker().pack(data);
    // The same array twice travels once.
    expect(packed.added.offsets).toEqual([0, 3, 5]);
    expect(numbers(new TrainingStore().unpack(sent(packed)))).toEqual([
      [1, 2, 3],
      [4, 5],
      [4, 5],
    ]);
  });

  it('says so plainly if a row it was never sent is asked for, and then holds nothing', () => {
    const store = new TrainingStore();
    const packer = new TrainingPacker();
    const a = v(1);
    store.unpack(sent(packer.pack({ classes: ['x'], labels: [0], embeddings: [a] })));
    const lost = packer.pack({ classes: ['x'], labels: [0, 0], embeddings: [a, v(2)] });
    const wrong = { ...lost, rows: [...lost.rows, 99] };
    expect(() => store.unpack(sent(wrong))).toThrow(/could not find/);
    expect(() => store.unpack(sent(packer.pack({ classes: ['x'], labels: [0], embeddings: [a] })))).toThrow(/could not find/);
  });

  it('packs no photos', () => {
    expect(new TrainingStore().unpack(sent(new TrainingPacker().pack({ classes: [], labels: [], embeddings: [] }))).embeddings).toEqual([]);
  });
});
