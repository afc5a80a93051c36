import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { loadHead } from './heads';
import { keepInInbox, loadInbox } from './inbox';
import { duplicateProject } from './library';
import { loadProject, type ProjectRecord } from './projects';

const original: ProjectRecord = {
  version: 2,
  id: 'original',
  name: 'Birds',
  createdAt: 1,
  updatedAt: 1,
  featuresId: 'v1-0.75',
  classes: [
    {
      id: 'c',
      name: 'Robin',
      photos: [
        { hash: 'embedded', name: 'a.jpg' },
        { hash: 'waiting', name: 'b.jpg' },
      ],
    },
  ],
  pile: [{ hash: 'waiting-pile', name: 'c.jpg', path: 'c.jpg' }],
};

describe('duplicateProject', () => {
  it('gives the copy the originals still waiting for the model, and leaves the original its own', async () => {
    await keepInInbox(
      ['waiting', 'waiting-pile'].map((hash, i) => ({
        version: 1,
        projectId: original.id,
        hash,
        target: hash === 'waiting' ? 'c' : 'unsorted-pile',
        name: `${hash}.jpg`,
        file: new Blob([hash]),
        addedAt: i,
      })),
    );
    const copy = { ...original, id: 'copy', name: 'Birds (copy)' };
    const head = { version: 2 as const, signature: 's', model: { kind: 'logistic' } as never, evaluation: { accuracy: 1 } as never };
    await duplicateProject(original.id, copy, head);

    expect(await loadProject('copy')).toEqual(copy);
    const copied = await loadInbox('copy');
    expect(copied.map(({ hash, target, name, projectId }) => ({ hash, target, name, projectId }))).toEqual([
      { hash: 'waiting', target: 'c', name: 'waiting.jpg', projectId: 'copy' },
      { hash: 'waiting-pile', target: 'unsorted-pile', name: 'waiting-pile.jpg', projectId: 'copy' },
    ]);
    expect(await copied[0].file.text()).toBe('waiting');
    expect((await loadInbox('original')).map((record) => record.hash)).toEqual(['waiting', 'waiting-pile']);
    expect(await loadHead('copy')).toMatchObject({ projectId: 'copy', featuresId: 'v1-0.75', signature: 's' });
  });
});
