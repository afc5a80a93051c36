import { describe, expect, it } from 'vitest';
import { gaussianClusters } from '../head/testData';
import { photoMap } from './photoMap';

describe('photoMap', () => {
  it('keeps groups of similar photos together and apart from each other, inside the unit square', () => {
    const { embeddings, labels } = gaussianClusters([40, 40, 40], 64, 0.2, 5);
    const positions = photoMap(embeddings);
    expect(positions).toHaveLength(2 * embeddings.length);
    expect(positions.every((v) => v >= 0 && v <= 1)).toBe(true);
    const centre = (c: number) => {
      const rows = labels.map((l, i) => (l === c ? i : -1)).filter((i) => i >= 0);
      return [0, 1].map((axis) => rows.reduce((sum, i) => sum + positions[2 * i + axis], 0) / rows.length);
    };
    const distance = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);
    const centres = [0, 1, 2].map(centre);
    // Every photo is nearer its own group's centre than any other group's.
    labels.forEach((l, i) => {
      const here = [positions[2 * i], positions[2 * i + 1]];
      const own = distance(here, centres[l]);
      for (let c = 0; c < 3; c++) if (c !== l) expect(own).toBeLessThan(distance(here, centres[c]));
    });
  });

  it('places one or two photos without failing', () => {
    expect(Array.from(photoMap([Float32Array.from([1, 0])]))).toEqual([0.5, 0.5]);
    expect(photoMap([Float32Array.from([1, 0]), Float32Array.from([0, 1])])).toHaveLength(4);
    expect(photoMap([])).toHaveLength(0);
  });
});
