import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../engine';
import { StorageFullError } from '../../store/records';
import { importPhotos, lookAt, type ImportContext, type WaitingPhoto } from './importPhotos';

/** What the stores do in each test: the inbox fails from its `inboxFailsFrom`th write, the photos' copies with `copiesFail`. */
const disk = vi.hoisted(() => ({ inboxWrites: 0, inboxFailsFrom: 0, inboxError: undefined as unknown, copiesFail: undefined as unknown }));
vi.mock('../../store/inbox', () => ({
  keepInInbox: async () => {
    if (disk.inboxWrites++ >= disk.inboxFailsFrom) throw disk.inboxError;
  },
}));
vi.mock('../../store/photos', async (original) => {
  const real = await original<typeof import('../../store/photos')>();
  return {
    ...real,
    savePhotos: async (...args: Parameters<typeof real.savePhotos>) => {
      if (disk.copiesFail !== undefined) throw disk.copiesFail;
      return real.savePhotos(...args);
    },
  };
});
// The count for e2e tests lives on `window`, which Node lacks.
vi.mock('../embedCount', () => ({
  embedCounted: (engine: EngineClient, images: Blob[], options: Parameters<EngineClient['embed']>[1]) => engine.embed(images, options),
}));

/** An engine that makes copies and embeddings at once; it stops with `stopsWith` after `stopsAfter` photos. */
function fakeEngine(stopsAfter = Infinity, stopsWith: unknown = undefined): EngineClient {
  const embed: EngineClient['embed'] = async (images, options = {}) => {
    for (let index = 0; index < images.length; index++) {
      if (index >= stopsAfter) throw stopsWith;
      options.onPrepared?.(index, { image: new Blob(['copy']), thumbnail: new Blob(['thumb']), width: 4, height: 3 });
      options.onResult?.({ index, embedding: new Float32Array([1, 0]), guesses: [], ms: 1 });
    }
    return { results: [], cancelled: false };
  };
  return { featuresId: 'v1-0.75', backend: undefined, embed } as unknown as EngineClient;
}

function recording(engine: EngineClient) {
  const seen = { handled: 0, waiting: [] as string[], added: [] as string[], dropped: [] as string[] };
  const context: ImportContext = {
    engine,
    featuresId: 'v1-0.75',
    signal: new AbortController().signal,
    projectId: 'p',
    target: 'c',
    whereIs: () => undefined,
    onWaiting: (refs) => seen.waiting.push(...refs.map((ref) => ref.name)),
    onStored: () => {},
    onPhoto: (ref) => seen.added.push(ref.name),
    onDropped: (hashes) => seen.dropped.push(...hashes),
    onFileDone: () => seen.handled++,
  };
  return { seen, context };
}

const photos = (test: string, n: number) => Array.from({ length: n }, (_, i) => new File([`${test} ${i}`], `${test}-${i}.jpg`));

beforeEach(() => {
  Object.assign(disk, { inboxWrites: 0, inboxFailsFrom: 0, inboxError: new StorageFullError(), copiesFail: undefined });
});

describe('importPhotos on a full disk', () => {
  it('hands back every photo it could not keep, and counts each as handled so the progress ends', async () => {
    const files = [new File([], 'empty.jpg'), ...Array.from({ length: 30 }, (_, i) => new File([`photo ${i}`], `photo-${i}.jpg`))];
    let handled = 0;
    const waiting: string[] = [];
    const context: ImportContext = {
      engine: {} as EngineClient,
      featuresId: 'v1-0.75',
      signal: new AbortController().signal,
      projectId: 'p',
      target: 'c',
      whereIs: () => undefined,
      onWaiting: (refs) => waiting.push(...refs.map((ref) => ref.name)),
      onStored: () => {},
      onPhoto: () => {},
      onDropped: () => {},
      onFileDone: () => handled++,
    };
    const report = await importPhotos(files, context);
    expect(report.storageFull).toBe(true);
    expect(report.unread).toEqual(files.slice(1));
    expect(report.skipped).toEqual([{ name: 'empty.jpg', problem: 'The file is empty.' }]);
    expect(waiting).toEqual([]);
    expect(handled).toBe(files.length);
  });
});

describe('importPhotos when keeping or looking fails otherwise', () => {
  it('keeps and finishes what it kept, hands back only the files not kept with the reason, and counts every file', async () => {
    const failure = new DOMException('The disk could not be written.', 'UnknownError');
    Object.assign(disk, { inboxFailsFrom: 1, inboxError: failure });
    const files = photos('second-chunk-fails', 30); // read 24 at a time: the second inbox write fails
    const { seen, context } = recording(fakeEngine());
    const report = await importPhotos(files, context);
    expect(seen.waiting).toEqual(files.slice(0, 24).map((file) => file.name));
    expect(seen.added).toEqual(seen.waiting);
    expect(report.added).toBe(24);
    expect(report.unread).toEqual(files.slice(24));
    expect(report.unreadError).toBe(failure);
    expect(report.storageFull).toBe(false);
    expect(report.skipped).toEqual([]);
    expect(seen.handled).toBe(files.length);
  });

  it('names the photos the model stopped on as waiting, not skipped, and counts every file', async () => {
    Object.assign(disk, { inboxFailsFrom: Infinity });
    const files = photos('model-stops', 5);
    const { seen, context } = recording(fakeEngine(2, new Error('The model stopped.')));
    const report = await importPhotos(files, context);
    expect(seen.added).toEqual([files[0].name, files[1].name]);
    expect(report.waiting).toEqual(files.slice(2).map((file) => ({ name: file.name, problem: 'The model stopped.' })));
    expect(report.skipped).toEqual([]);
    expect(report.unread).toEqual([]);
    expect(seen.dropped).toEqual([]);
    expect(seen.handled).toBe(files.length);
  });
});

describe('lookAt when a copy cannot be saved', () => {
  it('reports the photos as kept and waiting, with the reason, and leaves them in the project', async () => {
    disk.copiesFail = new DOMException('The write was refused.', 'UnknownError');
    const waiting: WaitingPhoto[] = photos('copy-fails', 3).map((file, i) => ({
      ref: { hash: `copy-fails-${i}`, name: file.name },
      original: file,
    }));
    const { seen, context } = recording(fakeEngine());
    const report = await lookAt(waiting, context);
    expect(report.skipped).toEqual([]);
    expect(report.waiting).toEqual(waiting.map((photo) => ({ name: photo.ref.name, problem: 'The write was refused.' })));
    expect(report.storageFull).toBe(false);
    expect(seen.added).toEqual([]);
    expect(seen.dropped).toEqual([]);
    expect(seen.handled).toBe(waiting.length);
  });
});
