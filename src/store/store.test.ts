import 'fake-indexeddb/auto';
import { createStore, get, promisifyRequest } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { embeddingKey, loadEmbeddings, migrateEmbedding, saveEmbedding } from './embeddings';
import { loadHead, migrateHead, saveHead } from './heads';
import { collectGarbage, deleteProject } from './library';
import { migratePhoto } from './photos';
import { loadAllProjects, loadProject, migrateProject, saveProject, type ProjectRecord } from './projects';
import { guardedWrite, StorageFullError } from './records';
import { loadSpeeds, migrateSpeeds, saveSpeed, speedKey } from './settings';

const project = (id: string, hashes: string[], pile: string[] = []): ProjectRecord => ({
  version: 2,
  id,
  name: `Project ${id}`,
  createdAt: Number(id.replace(/\D/g, '')) || 0,
  updatedAt: 0,
  featuresId: 'v1-0.75',
  classes: [{ id: 'c', name: 'Daisy', photos: hashes.map((hash) => ({ hash, name: `${hash}.jpg` })) }],
  pile: pile.map((hash) => ({ hash, name: `${hash}.jpg`, path: `pile/${hash}.jpg` })),
});

describe('migrations', () => {
  it('reads current records as they are', () => {
    const record = project('p1', ['h'], ['u']);
    record.pile.push({ hash: 'v', name: 'v.jpg', path: 'v.jpg', accepted: { classId: 'c', confidence: 0.97 } });
    expect(migrateProject(structuredClone(record))).toEqual(record);
    const embedding = { version: 1, featuresId: 'v1-0.75', hash: 'h', embedding: new Float32Array([1, 2]) };
    expect(migrateEmbedding(embedding)).toEqual(embedding);
    const photo = { version: 1, hash: 'h', image: new Blob(['a']), thumbnail: new Blob(['b']), width: 4, height: 3 };
    expect(migratePhoto(photo)).toBe(photo);
  });

  it('gives version 1 heads the features their signature names, else the one model there was', () => {
    const model = { kind: 'logistic', classes: ['a', 'b'] };
    const evaluation = { accuracy: 1 };
    const signature = JSON.stringify([
      'v1-0.75',
      [
        ['a', ['h1']],
        ['b', ['h2']],
      ],
    ]);
    expect(migrateHead({ version: 1, projectId: 'p', signature, model, evaluation })).toEqual({
      version: 2,
      projectId: 'p',
      featuresId: 'v1-0.75',
      signature,
      model,
      evaluation,
    });
    const ensemble = JSON.stringify(['v1-0.75+v2-1.0', []]);
    expect(migrateHead({ version: 1, projectId: 'p', signature: ensemble, model, evaluation })?.featuresId).toBe('v1-0.75+v2-1.0');
    expect(migrateHead({ version: 1, projectId: 'p', signature: 'not json', model, evaluation })?.featuresId).toBe('v1-0.75');
    const v2 = { version: 2, projectId: 'p', featuresId: 'v2-1.0+flip', signature, model, evaluation };
    expect(migrateHead(structuredClone(v2))).toEqual(v2);
    expect(migrateHead({ ...v2, featuresId: undefined })).toBeUndefined();
  });

  it('gives a version 1 project an empty pile', () => {
    const { pile: _, ...v1 } = { ...project('p1', ['h']), version: 1 };
    expect(migrateProject(v1)).toEqual(project('p1', ['h']));
  });

  it('gives a project stored without features the one model there was', () => {
    const { featuresId: _, pile: __, ...withoutFeatures } = { ...project('p1', ['h']), version: 1 };
    expect(migrateProject(withoutFeatures)).toEqual(project('p1', ['h']));
    expect(migrateProject({ ...withoutFeatures, featuresId: 'v1-0.75+v2-1.0' })?.featuresId).toBe('v1-0.75+v2-1.0');
    expect(migrateProject({ ...withoutFeatures, featuresId: 7 })).toBeUndefined();
  });

  it('refuses records from a newer release or damaged ones, rather than guessing', () => {
    expect(migrateProject({ ...project('p1', []), version: 3 })).toBeUndefined();
    expect(migrateProject({ ...project('p1', []), pile: undefined })).toBeUndefined();
    expect(migrateProject({ ...project('p1', []), pile: [{ hash: 'u', name: 'u.jpg', accepted: { classId: 'c' } }] })).toBeUndefined();
    expect(migrateProject({ ...project('p1', []), featuresId: undefined })).toBeUndefined();
    expect(migrateProject({ ...project('p1', []), classes: [{ id: 'c', name: 'x', photos: [{ hash: 1 }] }] })).toBeUndefined();
    expect(migrateProject(null)).toBeUndefined();
    expect(migrateEmbedding({ version: 1, featuresId: 'v1-0.75', hash: 'h', embedding: [1, 2] })).toBeUndefined();
    expect(migratePhoto({ version: 1, hash: 'h', image: 'not a blob' })).toBeUndefined();
    expect(migrateHead({ version: 1, projectId: 'p', signature: 's', model: { kind: 'knn' }, evaluation: {} })).toBeUndefined();
    expect(
      migrateHead({ version: 3, projectId: 'p', featuresId: 'v1-0.75', signature: 's', model: { kind: 'logistic' }, evaluation: {} }),
    ).toBeUndefined();
  });
});

describe('stores', () => {
  it('keeps projects, embeddings and heads, and cleans up what no project refers to', async () => {
    await saveProject(project('p1', ['a', 'b']));
    await saveProject(project('p2', ['b'], ['u']));
    await saveEmbedding('v1-0.75', 'a', new Float32Array([1, 2, 3]));
    await saveEmbedding('v1-0.75', 'b', new Float32Array([4, 5, 6]));
    await saveEmbedding('v2-1.0', 'b', new Float32Array([7]));
    await saveEmbedding('v1-0.75', 'u', new Float32Array([8]));
    await saveHead({
      version: 2,
      projectId: 'p1',
      featuresId: 'v1-0.75',
      signature: 's',
      model: { kind: 'logistic' } as never,
      evaluation: {} as never,
    });
    expect(await loadHead('p1')).toMatchObject({ version: 2, featuresId: 'v1-0.75' });

    expect((await loadAllProjects()).map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(await loadProject('p1')).toEqual(project('p1', ['a', 'b']));
    const [a, missing] = await loadEmbeddings('v1-0.75', ['a', 'zzz']);
    expect(Array.from(a!)).toEqual([1, 2, 3]);
    expect(missing).toBeUndefined();
    expect(embeddingKey('v1-0.75', 'a')).toBe('v1-0.75:a');

    await deleteProject('p1');
    expect(await loadProject('p1')).toBeUndefined();
    expect(await loadHead('p1')).toBeUndefined();
    // "a" belonged to the deleted project only; "b" is still used by p2, under every model.
    expect((await loadEmbeddings('v1-0.75', ['a', 'b'])).map((e) => e && Array.from(e))).toEqual([undefined, [4, 5, 6]]);
    expect((await loadEmbeddings('v2-1.0', ['b']))[0]).toBeDefined();
    await collectGarbage();
    expect((await loadEmbeddings('v1-0.75', ['b']))[0]).toBeDefined();
    // Photos of the unsorted pile are kept like class photos.
    expect((await loadEmbeddings('v1-0.75', ['u']))[0]).toBeDefined();
  });

  it('remembers the speed seen per features and backend, and reads anything odd as not measured', async () => {
    await saveSpeed('v1-0.75', 'wasm', 17.5);
    await saveSpeed('v1-0.75+v2-1.0', 'wasm', 6);
    expect((await loadSpeeds()).photosPerSecond).toEqual({ [speedKey('v1-0.75', 'wasm')]: 17.5, [speedKey('v1-0.75+v2-1.0', 'wasm')]: 6 });
    expect(migrateSpeeds({ version: 1, photosPerSecond: { a: -1, b: 'fast', c: Infinity, d: 3 } })).toEqual({
      version: 1,
      photosPerSecond: { d: 3 },
    });
    expect(migrateSpeeds({ version: 2, photosPerSecond: { d: 3 } })).toEqual({ version: 1, photosPerSecond: {} });
  });

  it('turns a full disk into one plain message, and passes other errors through', async () => {
    const full = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    await expect(guardedWrite(full)).rejects.toBeInstanceOf(StorageFullError);
    await expect(guardedWrite(full)).rejects.toThrow(/Everything saved before is safe/);
    await expect(guardedWrite(() => Promise.reject(new TypeError('other')))).rejects.toBeInstanceOf(TypeError);
  });

  it('turns a transaction that aborts as it commits, the way a full disk fails, into the same message', async () => {
    const objects = createStore('handful-quota-test', 'things');
    const abortingWith = (error: DOMException | null) => () =>
      objects('readwrite', (store) => {
        store.put('a photo', 'key');
        // The put is accepted; the transaction then fails on its own, with this as its error.
        Object.defineProperty(store.transaction, 'error', { value: error });
        store.transaction.abort();
        return promisifyRequest(store.transaction);
      });
    await expect(guardedWrite(abortingWith(new DOMException('Quota exceeded.', 'QuotaExceededError')))).rejects.toBeInstanceOf(
      StorageFullError,
    );
    await expect(guardedWrite(abortingWith(null))).rejects.toThrow('The browser stopped the write without saying why.');
    await expect(get('key', objects)).resolves.toBeUndefined();
  });
});
