import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../engine';
import { StorageFullError } from '../../store/records';
import { importPhotos, type ImportContext } from './importPhotos';

// The disk is full from the first photo kept: no original fits in the inbox.
vi.mock('../../store/inbox', () => ({
  keepInInbox: async () => {
    throw new StorageFullError();
  },
}));

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
