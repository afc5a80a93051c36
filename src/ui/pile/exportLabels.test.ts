import { describe, expect, it } from 'vitest';
import { labelsCsv } from '../../pile';
import type { ProjectRecord } from '../../store/projects';
import { copiesToSave, folderName, labelRows, sortedCopies } from './exportLabels';
import { heldOutOf, suggestionsByHash } from './usePile';

const project: ProjectRecord = {
  version: 2,
  id: 'p',
  name: 'Trip',
  createdAt: 0,
  updatedAt: 0,
  featuresId: 'v1-0.75',
  classes: [
    {
      id: 'a',
      name: 'Pâquerette',
      photos: [
        { hash: 'a1', name: 'IMG_1.jpg', path: 'trip/day 1/IMG_1.jpg' },
        { hash: 'a2', name: 'daisy.png' },
      ],
    },
    { id: 'b', name: 'Sun/flower', photos: [{ hash: 'b1', name: 'IMG_1.jpg', path: 'trip/day 2/IMG_1.jpg' }] },
  ],
  pile: [
    { hash: 'u1', name: 'IMG_1.jpg', path: 'trip/day 3/IMG_1.jpg', accepted: { classId: 'a', confidence: 0.97 } },
    { hash: 'u2', name: 'x, "quoted".jpg', path: 'trip/x, "quoted".jpg' },
    { hash: 'u3', name: 'new.jpg' },
  ],
};
const suggestions = {
  signature: 's',
  classIds: ['a', 'b'],
  byHash: new Map([
    ['u1', new Float32Array([0.97, 0.03])],
    ['u2', new Float32Array([0.2, 0.8])],
  ]),
};

describe('labels out', () => {
  it('lists every photo once: by hand, accepted, then unsorted with its suggestion', () => {
    const rows = labelRows(project, suggestionsByHash(suggestions));
    expect(rows.map((r) => [r.relativePath, r.label, r.how])).toEqual([
      ['trip/day 1/IMG_1.jpg', 'Pâquerette', 'by hand'],
      ['daisy.png', 'Pâquerette', 'by hand'],
      ['trip/day 2/IMG_1.jpg', 'Sun/flower', 'by hand'],
      ['trip/day 3/IMG_1.jpg', 'Pâquerette', 'accepted suggestion'],
      ['trip/x, "quoted".jpg', 'Sun/flower', 'unsorted'],
      ['new.jpg', '', 'unsorted'],
    ]);
    expect(rows[4].confidence).toBeCloseTo(0.8);
    expect(rows[5].confidence).toBeNull();
    expect(labelsCsv(rows)).toContain('\r\n"trip/x, ""quoted"".jpg","x, ""quoted"".jpg",Sun/flower,unsorted,0.8000\r\n');
  });

  it('sorts labelled photos into one safe folder per class, names made unique, unsorted ones left out', () => {
    expect(sortedCopies(project)).toEqual([
      { folder: 'Pâquerette', fileName: 'IMG_1.jpg', hash: 'a1' },
      { folder: 'Pâquerette', fileName: 'daisy.png', hash: 'a2' },
      { folder: 'Sun_flower', fileName: 'IMG_1.jpg', hash: 'b1' },
      { folder: 'Pâquerette', fileName: 'IMG_1 (2).jpg', hash: 'u1' },
    ]);
    expect(folderName('  ..  ')).toBe('_');
    expect(folderName('a:b*c?. ')).toBe('a_b_c_');
    const clash = { ...project, classes: [project.classes[1], { ...project.classes[1], id: 'c', name: 'Sun:flower' }] };
    expect(sortedCopies(clash).map((c) => c.folder)).toEqual(['Sun_flower', 'Sun_flower 2']);
  });

  it('counts the sorted copies as sortedCopies places them, without their names, and those without an original', () => {
    // An acceptance naming a class deleted since is no copy.
    const orphan = {
      ...project,
      pile: [...project.pile, { hash: 'u4', name: 'gone.jpg', accepted: { classId: 'deleted', confidence: 0.9 } }],
    };
    const kept = new Set(['a2', 'u1']);
    expect(copiesToSave(orphan, (hash) => kept.has(hash))).toEqual({
      count: sortedCopies(orphan).length,
      withoutOriginal: sortedCopies(orphan).filter((copy) => !kept.has(copy.hash)).length,
    });
    expect(copiesToSave(orphan, () => true)).toEqual({ count: 4, withoutOriginal: 0 });
  });

  it('reads the held-out predictions back with the classes the head numbered them by', () => {
    const signature = JSON.stringify([
      'v1-0.75',
      [
        ['b', ['b1', 'b2']],
        ['a', ['a1']],
      ],
    ]);
    const predictions = [new Float32Array([0.9, 0.1]), null, new Float32Array([0.3, 0.7])];
    const heldOut = heldOutOf(signature, { predictions } as never);
    expect(heldOut.labels).toEqual([0, 0, 1]);
    expect(heldOut.rows).toEqual(['b1', 'b2', 'a1']);
    expect(heldOut.classIds).toEqual(['b', 'a']);
    expect(heldOut.probabilities).toBe(predictions);
  });
});
