import { describe, expect, it } from 'vitest';
import { groupedLines, importNotices, notAddedNotice, unusableNotice } from './importNotices';

describe('importNotices', () => {
  it('groups files by what went wrong, in the order first seen', () => {
    const lines = groupedLines([
      { name: 'a.jpg', text: 'The file is empty.' },
      { name: 'b.heic', text: 'HEIC is not supported.' },
      { name: 'c.jpg', text: 'The file is empty.' },
    ]);
    expect(lines).toEqual(['“a.jpg”, “c.jpg”: The file is empty.', '“b.heic”: HEIC is not supported.']);
  });

  it('says which files were skipped and that the others were added', () => {
    const [notice] = importNotices({ added: 3, skipped: [{ name: 'a.txt', problem: 'Not a photo.' }], duplicates: [] });
    expect(notice.tone).toBe('problem');
    expect(notice.title).toBe('1 file could not be used and was skipped. The other 3 photos were added.');
    expect(notice.lines).toEqual(['“a.txt”: Not a photo.']);
  });

  it('tells duplicates apart: twice in this drop, or already in a class', () => {
    const notices = importNotices({
      added: 0,
      skipped: [],
      duplicates: [
        { name: 'a.jpg', where: 'this drop' },
        { name: 'b.jpg', where: 'Cats' },
      ],
    });
    expect(notices).toEqual([
      {
        tone: 'info',
        title: '2 photos were already here and were not added twice.',
        lines: ['“a.jpg”: twice in this drop', '“b.jpg”: already in “Cats”'],
      },
    ]);
  });

  it('says nothing when every file was added', () => {
    expect(importNotices({ added: 5, skipped: [], duplicates: [] })).toEqual([]);
  });

  it('says photos looked at again for new features are left out, and waiting ones skipped', () => {
    const problems = [{ name: 'a.jpg', problem: 'Unreadable.' }];
    expect(unusableNotice(problems, 'features').title).toBe('1 photo could not be looked at again and is left out.');
    expect(unusableNotice([...problems, { name: 'b.jpg', problem: 'Unreadable.' }], 'resume').title).toBe(
      '2 photos could not be used and were skipped.',
    );
  });

  it('names the first five photos refused and counts the rest', () => {
    const files = Array.from({ length: 7 }, (_, i) => ({ name: `p${i}.jpg` }));
    expect(notAddedNotice(files, 'Why.')).toEqual({
      tone: 'problem',
      title: '7 photos not added. Why.',
      lines: ['“p0.jpg”, “p1.jpg”, “p2.jpg”, “p3.jpg”, “p4.jpg”', 'and 2 more photos'],
    });
  });
});
