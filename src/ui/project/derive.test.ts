import { describe, expect, it } from 'vitest';
import { evaluate, train } from '../../head';
import type { ProjectRecord } from '../../store/projects';
import { accuracyInWords, advice, classOfPhoto, trainedOn, trainingSet } from './derive';

function project(classes: [string, string[]][]): ProjectRecord {
  return {
    version: 2,
    id: 'p',
    name: 'P',
    createdAt: 0,
    updatedAt: 0,
    featuresId: 'v1-0.75',
    classes: classes.map(([id, hashes]) => ({ id, name: id.toUpperCase(), photos: hashes.map((hash) => ({ hash, name: hash })) })),
    pile: [],
  };
}

/** Two clusters in 3 dimensions, one per class, with a little spread. */
const vectors: Record<string, Float32Array> = {};
for (let i = 0; i < 6; i++) {
  vectors[`x${i}`] = Float32Array.from([1, 0.1 * i, 0]);
  vectors[`y${i}`] = Float32Array.from([0, 1, 0.1 * i]);
}
const embeddingOf = (hash: string) => vectors[hash];

describe('trainingSet', () => {
  it('needs two classes with embedded photos, and leaves out empty classes', () => {
    expect(
      trainingSet(
        project([
          ['a', ['x0']],
          ['b', []],
        ]),
        embeddingOf,
      ),
    ).toBeUndefined();
    const set = trainingSet(
      project([
        ['a', ['x0', 'x1']],
        ['e', []],
        ['b', ['y0', 'missing']],
      ]),
      embeddingOf,
    )!;
    expect(set.data.classes).toEqual(['a', 'b']);
    expect(set.data.labels).toEqual([0, 0, 1]);
    expect(set.rows).toEqual(['x0', 'x1', 'y0']);
    expect(trainedOn(set.signature)).toEqual({ featuresId: 'v1-0.75', classIds: ['a', 'b'], rows: ['x0', 'x1', 'y0'] });
  });

  it('has the same signature after a rename, another after a photo moves', () => {
    const before = project([
      ['a', ['x0', 'x1']],
      ['b', ['y0']],
    ]);
    const renamed = { ...before, classes: before.classes.map((c) => ({ ...c, name: `${c.name}!` })) };
    const moved = project([
      ['a', ['x0']],
      ['b', ['y0', 'x1']],
    ]);
    expect(trainingSet(renamed, embeddingOf)!.signature).toBe(trainingSet(before, embeddingOf)!.signature);
    expect(trainingSet(moved, embeddingOf)!.signature).not.toBe(trainingSet(before, embeddingOf)!.signature);
  });
});

describe('words and advice', () => {
  const p = project([
    ['a', ['x0', 'x1', 'x2', 'x3', 'x4', 'x5']],
    ['b', ['y0', 'y1', 'y2', 'y3', 'y4', 'y5']],
  ]);
  const { data } = trainingSet(p, embeddingOf)!;
  const evaluation = evaluate(data, train(data));

  it('says the accuracy in tenths with its range', () => {
    expect(accuracyInWords(evaluation)).toMatch(/^About 10 out of 10 photos right, give or take \(somewhere between [5-9] and 10\)\.$/);
    expect(accuracyInWords({ ...evaluation, accuracy: 0.9, interval: { lower: 0.88, upper: 0.91 } })).toBe(
      'About 9 out of 10 photos right.',
    );
    expect(accuracyInWords({ ...evaluation, accuracy: null })).toBeUndefined();
  });

  it('names the class most often mistaken, and classes with too few or no photos', () => {
    const confused = {
      ...evaluation,
      confusion: [
        [4, 2],
        [0, 6],
      ],
    };
    const withFew = project([
      ['a', ['x0', 'x1']],
      ['b', ['y0', 'y1', 'y2', 'y3', 'y4', 'y5']],
      ['c', []],
    ]);
    expect(advice(withFew, confused, ['a', 'b'])).toEqual([
      'Add photos to “C”, or delete it: it has none yet.',
      'Add more photos of “A”: it is confused with “B” (2 times).',
      'Add a few more photos of “A”: 2 photos is not much to learn from.',
    ]);
    expect(advice(p, evaluation, ['a', 'b'])).toEqual([]);
  });
});

describe('classOfPhoto', () => {
  it('finds each photo’s class, and follows a new version of the project', () => {
    const project = {
      version: 2,
      id: 'p',
      name: 'p',
      createdAt: 0,
      updatedAt: 0,
      featuresId: 'v1-0.75',
      pile: [],
      classes: [
        { id: 'a', name: 'A', photos: [{ hash: 'h1', name: '1.jpg' }] },
        { id: 'b', name: 'B', photos: [{ hash: 'h2', name: '2.jpg' }] },
      ],
    } as unknown as ProjectRecord;
    expect(classOfPhoto(project).get('h2')?.name).toBe('B');
    expect(classOfPhoto(project).get('h3')).toBeUndefined();
    const moved = {
      ...project,
      classes: [
        { ...project.classes[0], photos: [] },
        { ...project.classes[1], photos: [{ hash: 'h1', name: '1.jpg' }] },
      ],
    };
    expect(classOfPhoto(moved).get('h1')?.name).toBe('B');
  });
});
