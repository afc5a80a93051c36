import { describe, expect, it } from 'vitest';
import { writeBatcher } from './batch';

describe('writeBatcher', () => {
  it('writes items added close together as one batch, in order, and tells each its outcome', async () => {
    const written: number[][] = [];
    const batcher = writeBatcher(async (items: number[]) => {
      if (items.includes(13)) throw new Error('disk full');
      written.push(items);
    }, 5);
    const first = [1, 2, 3].map((n) => batcher.add(n));
    await Promise.all(first);
    const unlucky = batcher.add(13);
    const companion = batcher.add(14);
    await expect(unlucky).rejects.toThrow('disk full');
    await expect(companion).rejects.toThrow('disk full');
    // A failed batch does not stop later ones.
    await Promise.all([batcher.add(4), batcher.flush()]);
    expect(written).toEqual([[1, 2, 3], [4]]);
  });
});
