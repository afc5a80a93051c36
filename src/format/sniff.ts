/**
 * What a file really is, from its first bytes, whatever its name says: so that a PNG renamed
 * .json, or a project backup dropped where a classifier belongs, gets a message that names it.
 */

export type SniffedKind = 'zip' | 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'pdf' | 'gzip' | 'heic' | 'text' | 'binary' | 'empty';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/** Looks at the first bytes only (a few KB at most), so it is cheap on any size of file. */
export function sniff(bytes: Uint8Array): SniffedKind {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF8'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('%PDF'))) return 'pdf';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(bytes, ascii('ftyp'), 4) && /^(heic|heix|mif1|msf1|hevc|avif)$/.test(String.fromCharCode(...bytes.subarray(8, 12))))
    return 'heic';
  // BM + a plausible header; plain text starting with "BM" stays text.
  if (startsWith(bytes, ascii('BM')) && bytes.length > 14 && bytes.subarray(0, 64).some((b) => b === 0)) return 'bmp';
  // Text files have no NUL bytes; UTF-16 text does, and is not what the app writes either.
  const head = bytes.subarray(0, 4096);
  return head.includes(0) ? 'binary' : 'text';
}

const described: Record<Exclude<SniffedKind, 'text' | 'empty'>, string> = {
  zip: 'a ZIP archive',
  png: 'a PNG image',
  jpeg: 'a JPEG photo',
  gif: 'a GIF image',
  webp: 'a WebP image',
  bmp: 'a BMP image',
  pdf: 'a PDF document',
  gzip: 'a compressed (gzip) file',
  heic: 'a HEIC/AVIF photo',
  binary: 'a binary file, not text',
};

export function describeKind(kind: Exclude<SniffedKind, 'text' | 'empty'>): string {
  return described[kind];
}

export async function bytesOf(input: Blob | ArrayBuffer | Uint8Array): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  return new Uint8Array(await input.arrayBuffer());
}
