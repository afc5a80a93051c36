/** Byte-level damage to a whole file: what a cut-short download, a bad disk or a wrong encoding does. */
import { int, pick, type Random } from './json';

const magic: Record<string, number[]> = {
  zip: [0x50, 0x4b, 0x03, 0x04],
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  pdf: [0x25, 0x50, 0x44, 0x46],
  gzip: [0x1f, 0x8b],
  jpeg: [0xff, 0xd8, 0xff],
};

export type ByteMutation = (bytes: Uint8Array, random: Random) => Uint8Array;

export const byteMutations: Record<string, ByteMutation> = {
  truncate: (bytes, random) => bytes.slice(0, random() < 0.2 ? int(random, 4) : int(random, bytes.length)),
  'bit-flip': (bytes, random) => {
    const out = bytes.slice();
    const flips = 1 + int(random, 8);
    for (let i = 0; i < flips && out.length > 0; i++) out[int(random, out.length)] ^= 1 << int(random, 8);
    return out;
  },
  'bytes-overwritten': (bytes, random) => {
    const out = bytes.slice();
    const at = int(random, out.length);
    const length = Math.min(out.length - at, 1 + int(random, 64));
    for (let i = 0; i < length; i++) out[at + i] = pick(random, [0x00, 0xff, 0x22, 0x5c, 0x7b, 0x5d, int(random, 256)]);
    return out;
  },
  'bytes-inserted': (bytes, random) => {
    const at = int(random, bytes.length + 1);
    const inserted = Uint8Array.from({ length: 1 + int(random, 16) }, () => int(random, 256));
    return concat(bytes.subarray(0, at), inserted, bytes.subarray(at));
  },
  'bytes-deleted': (bytes, random) => {
    const at = int(random, bytes.length);
    return concat(bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + int(random, 64))));
  },
  'chunk-repeated': (bytes, random) => {
    const from = int(random, bytes.length);
    const chunk = bytes.subarray(from, from + 1 + int(random, 4096));
    const at = int(random, bytes.length + 1);
    return concat(bytes.subarray(0, at), chunk, bytes.subarray(at));
  },
  'foreign-header': (bytes, random) => {
    const kind = pick(random, Object.keys(magic));
    const out = bytes.slice();
    out.set(magic[kind].slice(0, out.length));
    return random() < 0.5 ? out : concat(Uint8Array.from(magic[kind]), bytes);
  },
  'utf16-encoded': (bytes) => {
    const text = new TextDecoder().decode(bytes);
    const out = new Uint8Array(2 + text.length * 2);
    out.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      out[2 + i * 2] = text.charCodeAt(i) & 0xff;
      out[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    return out;
  },
  'not-utf8': (bytes, random) => {
    const out = bytes.slice();
    const bad = pick(random, [[0xff], [0xc0, 0xaf], [0xe2, 0x80], [0xed, 0xa0, 0x80], [0x80]]);
    out.set(bad.slice(0, out.length), int(random, Math.max(1, out.length - bad.length)));
    return out;
  },
};

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
