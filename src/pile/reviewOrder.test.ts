import { describe, expect, it } from 'vitest';
import { gaussianClusters } from '../head/testData';
import { reviewQueue } from './queue';
import { reviewOrder } from './reviewOrder';
import { pileSketch } from './sketch';

describe('reviewOrder', () => {
  const { embeddings } = gaussianClusters([20, 20, 20], 16, 0.2, 5);
  const hashes = embeddings.map((_, i) => `p${i}`);
  const sketched = { hashes, sketch: pileSketch(embeddings) };
  const base = { labelled: [], probabilitiesOf: () => undefined, classCount: 3, count: 5 };

  it("is the queue's order over the sketched pile, by hash, without photos no longer open", () => {
    const open = hashes.filter((_, i) => i % 7 !== 0);
    const exclude = new Set(hashes.flatMap((hash, i) => (open.includes(hash) ? [] : [i])));
    const expected = reviewQueue({ pile: embeddings, labelled: [], exclude, count: 5, sketch: sketched.sketch, classCount: 3 });
    expect(reviewOrder({ ...base, open, sketched })).toEqual(expected.map((i) => hashes[i]));
  });

  it('puts photos that joined the pile after the sketch last, and is the pile order before any sketch', () => {
    const open = [...hashes.slice(0, 3), 'new1', 'new2'];
    const order = reviewOrder({ ...base, open, sketched });
    expect(order.slice(0, 3).sort()).toEqual(hashes.slice(0, 3));
    expect(order.slice(3)).toEqual(['new1', 'new2']);
    expect(reviewOrder({ ...base, open, sketched: undefined })).toEqual(open);
  });
});
