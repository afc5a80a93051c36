import { describe, expect, it } from 'vitest';
import { labelsCsv } from './csv';

/** A strict RFC 4180 reader, to check the text round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('labelsCsv', () => {
  const rows = [
    { relativePath: 'trip/day 1/IMG_0001.jpg', fileName: 'IMG_0001.jpg', label: 'daisy', how: 'by hand' as const, confidence: 0.98765 },
    {
      relativePath: 'trip/Zoë, "the" cat.jpg',
      fileName: 'Zoë, "the" cat.jpg',
      label: 'cats, mostly',
      how: 'accepted suggestion' as const,
      confidence: 0.97,
    },
    { relativePath: 'ひまわり/写真\n2.png', fileName: '写真\n2.png', label: '向日葵 🌻', how: 'unsorted' as const, confidence: 0.5 },
    { relativePath: 'loose.jpg', fileName: 'loose.jpg', label: '', how: 'unsorted' as const, confidence: null },
  ];

  it('writes a header and one CRLF-ended line per photo, UTF-8 with a byte order mark', () => {
    const text = labelsCsv(rows);
    expect(text.startsWith('\uFEFFrelative_path,file_name,label,how,confidence\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text).toContain('trip/day 1/IMG_0001.jpg,IMG_0001.jpg,daisy,by hand,0.9877\r\n');
  });

  it('quotes commas, quotes and line breaks, and round-trips Unicode names and paths', () => {
    const text = labelsCsv(rows);
    expect(text).toContain('"trip/Zoë, ""the"" cat.jpg"');
    const parsed = parseCsv(text.slice(1));
    expect(parsed).toEqual([
      ['relative_path', 'file_name', 'label', 'how', 'confidence'],
      ['trip/day 1/IMG_0001.jpg', 'IMG_0001.jpg', 'daisy', 'by hand', '0.9877'],
      ['trip/Zoë, "the" cat.jpg', 'Zoë, "the" cat.jpg', 'cats, mostly', 'accepted suggestion', '0.9700'],
      ['ひまわり/写真\n2.png', '写真\n2.png', '向日葵 🌻', 'unsorted', '0.5000'],
      ['loose.jpg', 'loose.jpg', '', 'unsorted', ''],
    ]);
  });
});
