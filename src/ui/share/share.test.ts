import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { featureIds, featuresById } from '../../engine';
import { headToFile, parseHeadFile, readBackup, writeBackup } from '../../format';
import { evaluate, predict, train, type LogisticModel, type TrainingData } from '../../head';
import { loadEmbeddings, saveEmbedding } from '../../store/embeddings';
import { loadHead } from '../../store/heads';
import { loadPhotos, savePhoto, type PhotoRecord } from '../../store/photos';
import { loadAllProjects, loadProject, saveProject, type ProjectRecord } from '../../store/projects';
import { trainingSet } from '../project/derive';
import type { TrainedHead } from '../project/state';
import { classifierInput, featuresIdOfHead, projectBackup } from './exportProject';
import { restoredName, restoreProject } from './restoreProject';

const dim = 768;
const hash = (n: number) => n.toString(16).padStart(64, '0');

/** Two classes of three photos, each class's embeddings clustered around its own direction. */
function fixture() {
  const embeddings = new Map<string, Float32Array>();
  const records = new Map<string, PhotoRecord>();
  const classes = ['cls-a', 'cls-b'].map((id, c) => ({
    id,
    name: c === 0 ? 'Daisy' : 'Sunflower',
    photos: [0, 1, 2].map((i) => {
      const h = hash(c * 10 + i + 1);
      embeddings.set(
        h,
        Float32Array.from({ length: dim }, (_, d) => Math.max(0, Math.sin(d * (c + 1) * 0.01) + 0.05 * Math.cos(d * (i + 1)))),
      );
      records.set(h, {
        version: 1,
        hash: h,
        image: new Blob([`photo ${h}`], { type: 'image/jpeg' }),
        thumbnail: new Blob(['t']),
        width: 640,
        height: 480,
      });
      return { hash: h, name: `${id}-${i}.jpg` };
    }),
  }));
  const project: ProjectRecord = {
    version: 2,
    id: 'original',
    name: 'Flowers',
    createdAt: 1000,
    updatedAt: 2000,
    featuresId: 'v1-0.75-int8',
    classes,
    pile: [],
  };
  const set = trainingSet(project, (h) => embeddings.get(h))!;
  const model = train(set.data);
  const head: TrainedHead = { signature: set.signature, model, evaluation: evaluate(set.data, model) };
  const photos = { recordOf: (h: string) => records.get(h), embeddingOf: (h: string) => embeddings.get(h) };
  return { project, head, photos, embeddings, records };
}

const fakePhoto = async (blob: Blob) => ({ image: blob, thumbnail: new Blob(['thumbnail']), width: 320, height: 240 });
const trainHere = async (data: TrainingData, previous: LogisticModel) => {
  const model = train(data, { previous });
  return { model, evaluation: evaluate(data, model) };
};

describe('the classifier file of a project', () => {
  it('names classes as people named them, and records the features the head was trained on', () => {
    const { project, head } = fixture();
    const found = classifierInput(project, head);
    if (!('input' in found)) throw new Error(found.reason);
    expect(found.input.model.classes).toEqual(['Daisy', 'Sunflower']);
    expect(found.input.backboneId).toBe('v1-0.75-int8');
    expect(found.input.evaluationSummary?.evaluated).toBe(6);
    const file = parseHeadFile(headToFile(found.input).text);
    expect(file.model.weights).toEqual(head.model.weights);
    expect(file.name).toBe('Flowers');
    expect(featuresIdOfHead({ signature: 'not json' })).toBeUndefined();
    expect(featuresIdOfHead({ signature: head.signature, featuresId: 'v2-1.0' })).toBe('v2-1.0');
    // The last signature read is remembered: asked again, or for another head in turn, each gets its own.
    const other = JSON.stringify(['v2-1.0-int8', []]);
    expect(
      [head.signature, head.signature, other, head.signature, 'not json', other].map((signature) => featuresIdOfHead({ signature })),
    ).toEqual(['v1-0.75-int8', 'v1-0.75-int8', 'v2-1.0-int8', 'v1-0.75-int8', undefined, 'v2-1.0-int8']);
  });

  it('says why there is nothing to save: no head yet, or one naming a class deleted since', () => {
    const { project, head } = fixture();
    expect(classifierInput(project, undefined)).toEqual({ reason: expect.stringMatching(/no classifier to save yet/) });
    expect(classifierInput({ ...project, classes: project.classes.slice(0, 1) }, head)).toEqual({
      reason: expect.stringMatching(/still learning/),
    });
  });
});

describe('restoring a backup', () => {
  it('names it apart from projects already here', () => {
    expect(restoredName('Flowers', ['Birds'])).toBe('Flowers');
    expect(restoredName('Flowers', ['flowers '])).toBe('Flowers (restored)');
    expect(restoredName('Flowers', ['Flowers', 'Flowers (restored)'])).toBe('Flowers (restored 2)');
    expect(restoredName('  ', [])).toBe('Restored project');
  });

  it('makes a new project with the same classes, photos, embeddings and head, replacing nothing here', async () => {
    const { project, head, photos, embeddings, records } = fixture();
    // Already here: the same project, and one of its photos under its hash with another copy.
    await saveProject(project);
    const existing = { ...records.get(hash(1))!, image: new Blob(['the copy already here']) };
    await savePhoto(existing);
    // Its embedding too: a backup never supplies one for a photo already here (see the test below).
    await saveEmbedding(project.featuresId, hash(1), embeddings.get(hash(1))!);

    const zip = await writeBackup(projectBackup(project, head, photos));
    const restored = await readBackup(zip);
    expect(restored.warnings).toEqual([]);
    const outcome = await restoreProject(restored, { makePhoto: fakePhoto, trainHead: trainHere, now: 5000 });

    expect(outcome).toMatchObject({ name: 'Flowers (restored)', originalName: 'Flowers', photoCount: 6, warnings: [] });
    expect(outcome.projectId).not.toBe(project.id);
    expect((await loadAllProjects()).map((p) => p.name)).toEqual(['Flowers', 'Flowers (restored)']);
    expect(await loadProject(project.id)).toEqual(project);

    const copy = (await loadProject(outcome.projectId))!;
    expect(copy.featuresId).toBe('v1-0.75-int8');
    expect(copy.classes).toEqual(project.classes);
    const hashes = copy.classes.flatMap((c) => c.photos.map((p) => p.hash));
    const stored = await loadPhotos(hashes);
    expect(await stored[0]!.image.text()).toBe('the copy already here');
    expect(await stored[1]!.image.text()).toBe(`photo ${hash(2)}`);
    expect(stored[1]!.width).toBe(640);
    const vectors = await loadEmbeddings('v1-0.75-int8', hashes);
    vectors.forEach((vector, i) => expect(Array.from(vector!)).toEqual(Array.from(embeddings.get(hashes[i])!)));

    // The head comes back current: same training signature, same answers, same accuracy.
    const saved = (await loadHead(outcome.projectId))!;
    expect(saved.signature).toBe(trainingSet(copy, (h) => embeddings.get(h))!.signature);
    expect(saved.model.classes).toEqual(['cls-a', 'cls-b']);
    const probe = embeddings.get(hash(2))!;
    const [p0, p1] = [predict(head.model, probe), predict(saved.model, probe)];
    p0.forEach((p, c) => expect(p1[c]).toBeCloseTo(p, 9));
    expect(saved.evaluation?.correct).toBe(head.evaluation?.correct);
    expect(saved.evaluation?.accuracy).toBe(head.evaluation?.accuracy);
  });

  it('brings the unsorted pile back: its photos, where they came from, what was accepted, and their embeddings', async () => {
    const { project, head, photos, embeddings, records } = fixture();
    const unsorted = [hash(101), hash(102), hash(103)];
    for (const [i, h] of unsorted.entries()) {
      records.set(h, { ...records.get(hash(1))!, hash: h, image: new Blob([`unsorted ${i}`], { type: 'image/jpeg' }) });
      embeddings.set(
        h,
        Float32Array.from({ length: dim }, (_, d) => Math.cos(d * (i + 2) * 0.01)),
      );
    }
    const withPile: ProjectRecord = {
      ...project,
      pile: [
        { hash: unsorted[0], name: 'IMG_1.jpg', path: 'trip/day 1/IMG_1.jpg' },
        { hash: unsorted[1], name: 'IMG_2.jpg', path: 'trip/day 2/IMG_2.jpg', accepted: { classId: 'cls-b', confidence: 0.97 } },
        { hash: unsorted[2], name: 'loose.jpg' },
      ],
    };
    const outcome = await restoreProject(await readBackup(await writeBackup(projectBackup(withPile, head, photos))), {
      makePhoto: fakePhoto,
      trainHead: trainHere,
    });
    expect(outcome).toMatchObject({ photoCount: 6, pileCount: 3, warnings: [] });
    const copy = (await loadProject(outcome.projectId))!;
    expect(copy.pile).toEqual(withPile.pile);
    expect(copy.classes).toEqual(project.classes);
    expect(await Promise.all((await loadPhotos(unsorted)).map((record) => record!.image.text()))).toEqual([
      'unsorted 0',
      'unsorted 1',
      'unsorted 2',
    ]);
    const vectors = await loadEmbeddings(project.featuresId, unsorted);
    vectors.forEach((vector, i) => expect(Array.from(vector!)).toEqual(Array.from(embeddings.get(unsorted[i])!)));
    // The pile is never learned from: the head comes back trained on the class photos alone.
    expect((await loadHead(outcome.projectId))?.signature).toBe(head.signature);
  });

  it('keeps a photo that is both in a class and in the pile in its class, and says so', async () => {
    const { project, head, photos } = fixture();
    const backup = projectBackup(project, head, photos);
    backup.pile = [{ ...backup.classes[0].photos[0], accepted: { classId: 'cls-b', confidence: 0.99 } }];
    const outcome = await restoreProject(await readBackup(await writeBackup(backup)), { makePhoto: fakePhoto, trainHead: trainHere });
    expect(outcome).toMatchObject({ photoCount: 6, pileCount: 0 });
    expect(outcome.warnings).toEqual(['1 unsorted photo was also in a class or twice in the pile, and was kept once.']);
    expect((await loadProject(outcome.projectId))!.pile).toEqual([]);
  });

  it('keeps the head when a class is renamed on the way in and an unreadable photo left out, and says so', async () => {
    const { project, head, photos } = fixture();
    const backup = projectBackup(
      { ...project, name: 'Odd names', classes: [{ ...project.classes[0], name: 'x'.repeat(70) }, project.classes[1]] },
      head,
      photos,
    );
    backup.classes.push({
      id: 'broken',
      name: 'Broken',
      photos: [{ id: 'bad-photo', name: 'bad.jpg', blob: new Blob(['not a photo'], { type: 'image/jpeg' }) }],
    });
    const restored = await readBackup(await writeBackup(backup));
    const outcome = await restoreProject(restored, {
      makePhoto: async (blob) => {
        if ((await blob.text()) === 'not a photo') throw new Error('cannot decode');
        return fakePhoto(blob);
      },
      trainHead: trainHere,
    });
    expect(outcome.photoCount).toBe(6);
    expect(outcome.warnings).toEqual([
      '1 photo could not be opened and was left out: “bad.jpg”.',
      `The class “${'x'.repeat(70)}” is called “${'x'.repeat(60)}” here.`,
    ]);
    const copy = (await loadProject(outcome.projectId))!;
    expect(copy.classes.map((c) => [c.name.length, c.photos.length])).toEqual([
      [60, 3],
      [9, 3],
      [6, 0],
    ]);
    // The head's classes still map to these classes by their names in the backup, so it is kept.
    expect((await loadHead(outcome.projectId))?.model.classes).toEqual(['cls-a', 'cls-b']);
  });

  it('keeps the photos when the saved head cannot be used, and says it learns again', async () => {
    const { project, head, photos } = fixture();
    const backup = projectBackup(project, head, photos);
    // The head names "Daisy", which no class in the backup is called any more.
    backup.classes[0].name = 'Rose';
    const outcome = await restoreProject(await readBackup(await writeBackup(backup)), { makePhoto: fakePhoto, trainHead: trainHere });
    expect(outcome.photoCount).toBe(6);
    expect(outcome.warnings).toEqual([
      'The saved classifier does not match the classes in the backup. It learns again from the photos when the project opens.',
    ]);
    expect(await loadHead(outcome.projectId)).toBeUndefined();
    const copy = (await loadProject(outcome.projectId))!;
    expect(copy.classes.map((c) => [c.name, c.photos.length])).toEqual([
      ['Rose', 3],
      ['Sunflower', 3],
    ]);
  });

  it('restores the project when bringing the head back fails, and says why it learns again', async () => {
    const { project, head, photos } = fixture();
    const restored = await readBackup(await writeBackup(projectBackup(project, head, photos)));
    const outcome = await restoreProject(restored, {
      makePhoto: fakePhoto,
      trainHead: () => Promise.reject(new Error('Learning stopped unexpectedly.')),
    });
    expect(outcome.warnings).toEqual([
      'The saved classifier could not be brought back (Learning stopped unexpectedly.). It learns again from the photos when the project opens.',
    ]);
    expect(await loadHead(outcome.projectId)).toBeUndefined();
    expect((await loadProject(outcome.projectId))?.classes.flatMap((c) => c.photos)).toHaveLength(6);
  });

  it('moves a backup from the earlier engine to today’s same choice of models, never to another one', async () => {
    const { project, head, photos } = fixture();
    const earlier = { ...project, featuresId: 'v1-0.75' };
    const restored = await readBackup(await writeBackup(projectBackup(earlier, head, photos)));
    const outcome = await restoreProject(restored, { makePhoto: fakePhoto, trainHead: trainHere });
    expect((await loadProject(outcome.projectId))?.featuresId).toBe('v1-0.75-int8');
    // Its embeddings were made by the earlier models: they are not used, and the person is told.
    expect(outcome.warnings).toContain('The saved embeddings were made for another model setting; the photos will be looked at again.');
  });
});

// Found by the fuzzer (src/format/fuzz): each of these never finished, or changed a project already here.
describe('restoring a hostile or damaged backup', () => {
  const photo = (n: number) => ({ id: `p${n}`, name: `${n}.jpg`, blob: new Blob([`photo ${n}`], { type: 'image/jpeg' }) });

  it('gives classes that share one long name each a name of their own, within 60 letters', async () => {
    const long = 'x'.repeat(59);
    const zip = await writeBackup({
      project: { name: 'Long names' },
      classes: [0, 1, 2].map((i) => ({ id: `c${i}`, name: i === 2 ? ` ${long}y ` : long, photos: [photo(i)] })),
    });
    const outcome = await restoreProject(await readBackup(zip), { makePhoto: fakePhoto, trainHead: trainHere });
    const names = (await loadProject(outcome.projectId))!.classes.map((c) => c.name);
    expect(names).toEqual([long, `${long.slice(0, 58)} 2`, `${long}y`]);
  });

  it('never gives a photo already here an embedding from the backup (it may be another file claiming its hash)', async () => {
    const features = featureIds[0];
    const size = featuresById(features).embeddingSize;
    const waiting = hash(999);
    const record: PhotoRecord = { version: 1, hash: waiting, image: new Blob(['here']), thumbnail: new Blob(['t']), width: 1, height: 1 };
    await savePhoto(record);
    const here: ProjectRecord = {
      version: 2,
      id: 'waiting-here',
      name: 'Here',
      createdAt: 1,
      updatedAt: 1,
      featuresId: features,
      classes: [{ id: 'c', name: 'C', photos: [{ hash: waiting, name: 'a.jpg' }] }],
      pile: [],
    };
    await saveProject(here);
    const zip = await writeBackup({
      project: { name: 'Claims', featuresId: features },
      classes: [
        { id: 'c1', name: 'One', photos: [{ id: waiting, name: 'other.jpg', blob: new Blob(['another file'], { type: 'image/jpeg' }) }] },
      ],
      embeddings: { featuresId: features, vectors: new Map([[waiting, new Float32Array(size).fill(0.5)]]) },
    });
    const outcome = await restoreProject(await readBackup(zip), { makePhoto: fakePhoto, trainHead: trainHere });
    expect(outcome.photoCount).toBe(1);
    expect(await loadEmbeddings(features, [waiting])).toEqual([undefined]);
    expect(await (await loadPhotos([waiting]))[0]!.image.text()).toBe('here');
  });
});
