import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PhotoRecord } from '../../store/photos';
import { PhotoLibrary } from './library';

const record = (hash: string): PhotoRecord => ({
  version: 1,
  hash,
  image: new Blob(['image'], { type: 'image/jpeg' }),
  thumbnail: new Blob([`thumbnail of ${hash}`], { type: 'image/jpeg' }),
  width: 10,
  height: 10,
});

function libraryOf(count: number) {
  const library = new PhotoLibrary();
  for (let i = 0; i < count; i++) library.put(`h${i}`, { record: record(`h${i}`), embedding: undefined });
  return library;
}

describe('the photo library’s thumbnails', () => {
  /** Each address made takes `costMs` of the page's time, as the browser's synchronous call does. */
  let made: Blob[];
  let costMs = 0;
  beforeEach(() => {
    made = [];
    costMs = 0;
    const create = URL.createObjectURL.bind(URL);
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      const until = performance.now() + costMs;
      while (performance.now() < until);
      made.push(blob as Blob);
      return create(blob as Blob);
    });
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => setTimeout(() => callback(0), 16) as unknown as number);
    vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  });
  afterEach(async () => {
    // A test may end with a frame still asked for (the stub's 16 ms timer); let it run while the
    // stubs are there, or it calls a cancelAnimationFrame Node does not have after the test.
    await new Promise((resolve) => setTimeout(resolve, 20));
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('makes none while photos are put, only those asked for, each once, and says once a frame that they came', async () => {
    const library = libraryOf(100);
    expect(made).toHaveLength(0);
    const heard = vi.fn();
    library.subscribe(heard);

    expect(library.thumbnailSoon('h1')).toBeUndefined();
    expect(library.thumbnailSoon('h2')).toBeUndefined();
    expect(library.thumbnailSoon('h1')).toBeUndefined();
    await vi.waitFor(() => expect(heard).toHaveBeenCalledTimes(1));
    expect(library.thumbnailSoon('h1')).toMatch(/^blob:/);
    expect(library.thumbnailSoon('h2')).toMatch(/^blob:/);
    expect(made).toHaveLength(2);
    expect(library.thumbnailSoon('unknown')).toBeUndefined();
  });

  it('makes a screenful a few milliseconds’ worth per task, the first asked first', async () => {
    costMs = 3;
    const library = libraryOf(40);
    for (let i = 0; i < 40; i++) library.thumbnailSoon(`h${i}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // 8 ms per task: three or four addresses of 3 ms each, not all forty at once.
    expect(made.length).toBeGreaterThan(0);
    expect(made.length).toBeLessThanOrEqual(4);
    expect(library.thumbnailSoon('h0')).toMatch(/^blob:/);
    await vi.waitFor(() => expect(made).toHaveLength(40));
    expect(library.thumbnailSoon('h39')).toMatch(/^blob:/);
  });

  it('makes the top rows of every grid first, whichever grid asked first', async () => {
    costMs = 3;
    const library = libraryOf(40);
    // Grid one asks for its rows 0 to 9, then grid two for its rows 0 to 9.
    for (let i = 0; i < 20; i++) library.thumbnailSoon(`h${i}`, i % 10);
    await new Promise((resolve) => setTimeout(resolve, 0));
    // However many fit in the first task, they are the top rows of both grids, in row order.
    const byRow = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((row) => [`h${row}`, `h${row + 10}`]);
    const first = made.length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(20);
    expect(byRow.map((hash) => library.thumbnailSoon(hash) !== undefined)).toEqual(byRow.map((_, i) => i < first));
    await vi.waitFor(() => expect(made).toHaveLength(20));
    expect(library.thumbnailSoon('h19')).toMatch(/^blob:/);
  });

  it('gives views of a few thumbnails theirs at once, the same address a grid gets', () => {
    const library = libraryOf(3);
    const now = library.thumbnailOf('h0');
    expect(now).toMatch(/^blob:/);
    expect(library.thumbnailSoon('h0')).toBe(now);
    expect(made).toHaveLength(1);
  });

  it('forgets what was asked for when the project closes', async () => {
    const library = libraryOf(3);
    library.thumbnailSoon('h0');
    library.clear();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(made).toHaveLength(0);
    expect(library.thumbnailOf('h0')).toBeUndefined();
  });
});
