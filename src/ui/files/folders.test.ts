import { describe, expect, it } from 'vitest';
import { filesFromEntries, type EntryLike } from './collect';
import { groupByFolder, isSystemFile } from './folders';

const found = (...paths: string[]) => paths.map((path) => ({ file: new File(['x'], path.split('/').pop()!), path }));
const summary = (paths: string[]) => {
  const { groups, loose } = groupByFolder(found(...paths));
  return { groups: groups.map((g) => [g.name, g.files.map((f) => f.name)]), loose: loose.map((f) => f.name) };
};

describe('groupByFolder', () => {
  it('makes one group per class folder under a shared top folder, deeper folders included', () => {
    expect(summary(['flowers/daisy/1.jpg', 'flowers/tulip/2.jpg', 'flowers/daisy/2019/3.jpg'])).toEqual({
      groups: [
        ['daisy', ['1.jpg', '3.jpg']],
        ['tulip', ['2.jpg']],
      ],
      loose: [],
    });
  });

  it('groups several folders dropped side by side', () => {
    expect(summary(['rose/1.jpg', 'iris/2.jpg']).groups.map(([name]) => name)).toEqual(['iris', 'rose']);
  });

  it('sorts numbered folders as people count', () => {
    expect(summary(['set/class 10/a.jpg', 'set/class 9/b.jpg']).groups.map(([name]) => name)).toEqual(['class 9', 'class 10']);
  });

  it('keeps a single folder as one group named after it', () => {
    expect(summary(['top/daisy/1.jpg', 'top/daisy/2.jpg'])).toEqual({ groups: [['daisy', ['1.jpg', '2.jpg']]], loose: [] });
  });

  it('sets aside files beside the class folders, and loose files', () => {
    expect(summary(['f/daisy/1.jpg', 'f/tulip/2.jpg', 'f/readme.jpg'])).toEqual({
      groups: [
        ['daisy', ['1.jpg']],
        ['tulip', ['2.jpg']],
      ],
      loose: ['readme.jpg'],
    });
    expect(summary(['a.jpg', 'b.jpg'])).toEqual({ groups: [], loose: ['a.jpg', 'b.jpg'] });
  });

  it('knows the files operating systems leave in folders', () => {
    expect(['.DS_Store', 'Thumbs.db', 'desktop.ini', '._1.jpg'].every(isSystemFile)).toBe(true);
    expect(isSystemFile('photo.jpg')).toBe(false);
  });
});

/** A folder tree in the shape of the browser's FileSystemEntry, handing out entries two at a time. */
function tree(name: string, children: Record<string, unknown>): EntryLike {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader() {
      const entries = Object.entries(children).map(([child, value]) =>
        typeof value === 'string'
          ? { name: child, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(new File([value], child)) }
          : tree(child, value as Record<string, unknown>),
      );
      return { readEntries: (ok: (chunk: EntryLike[]) => void) => ok(entries.splice(0, 2)) };
    },
  } as EntryLike;
}

describe('filesFromEntries', () => {
  it('walks dropped folders to the bottom, reading each in chunks, with paths', async () => {
    const dropped = tree('flowers', {
      daisy: { '1.jpg': 'a', '2.jpg': 'b', '3.jpg': 'c', old: { '4.jpg': 'd' } },
      tulip: { '5.jpg': 'e' },
      '.DS_Store': 'finder',
    });
    const files = await filesFromEntries([dropped]);
    expect(files.map((f) => f.path)).toEqual([
      'flowers/daisy/1.jpg',
      'flowers/daisy/2.jpg',
      'flowers/daisy/3.jpg',
      'flowers/daisy/old/4.jpg',
      'flowers/tulip/5.jpg',
    ]);
    expect(groupByFolder(files).groups.map((g) => [g.name, g.files.length])).toEqual([
      ['daisy', 4],
      ['tulip', 1],
    ]);
  });
});
