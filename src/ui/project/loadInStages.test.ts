import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { ProjectRecord } from '../../store/projects';
import { PhotoLibrary } from './library';
import { loadInStages, loadingOrder } from './loadInStages';

/** Each read of photo records, in order: the stored copies themselves do not matter here. */
const reads = vi.hoisted(() => [] as string[][]);
vi.mock('../../store/photos', async (original) => ({
  ...(await original<typeof import('../../store/photos')>()),
  loadPhotos: async (hashes: string[]) => {
    reads.push(hashes);
    return hashes.map(() => undefined);
  },
}));

const photos = (cls: string, n: number) => Array.from({ length: n }, (_, i) => ({ hash: `${cls}${i}`, name: `${cls}${i}.jpg` }));
const project: ProjectRecord = {
  version: 2,
  id: 'p',
  name: 'p',
  createdAt: 0,
  updatedAt: 0,
  featuresId: 'v1-0.75',
  classes: [
    { id: 'a', name: 'a', photos: photos('a', 260) },
    { id: 'b', name: 'b', photos: photos('b', 5) },
    { id: 'c', name: 'c', photos: photos('c', 30) },
  ],
  pile: photos('u', 2),
};
const hashes = (cls: string, from: number, to: number) =>
  photos(cls, to)
    .slice(from)
    .map((p) => p.hash);

describe('opening a project first screen first', () => {
  it('orders every class’s top row first, then the rest of each first screen, the pile, and the rest', () => {
    const { order, firstChunk } = loadingOrder(project);
    expect(firstChunk).toBe(8 + 5 + 8);
    expect(order).toEqual([
      ...hashes('a', 0, 8),
      ...hashes('b', 0, 5),
      ...hashes('c', 0, 8),
      ...hashes('a', 8, 48),
      ...hashes('c', 8, 30),
      'u0',
      'u1',
      ...hashes('a', 48, 260),
    ]);
  });

  it('reads the top rows on their own, then the rest in chunks, each photo once', async () => {
    reads.length = 0;
    const loaded = await loadInStages(
      project,
      'v1-0.75',
      new PhotoLibrary(),
      () => true,
      () => true,
    );
    expect(reads[0]).toEqual(loadingOrder(project).order.slice(0, 21));
    expect(reads.slice(1).every((chunk) => chunk.length > 0 && chunk.length <= 200)).toBe(true);
    expect(reads.flat()).toEqual(loadingOrder(project).order);
    // None stored in this test: all named as missing, in the order read.
    expect(loaded?.missing).toEqual(loadingOrder(project).order);
  });
});
