import { describe, expect, it } from 'vitest';
import { isPlainJpeg } from './jpeg';

/** A segment: marker, then its length (counting the two length bytes) and `payload`. */
const segment = (marker: number, payload: number[] = [0, 0, 0]) => [
  0xff,
  marker,
  (payload.length + 2) >> 8,
  (payload.length + 2) & 0xff,
  ...payload,
];
const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
const soi = [0xff, 0xd8];
const jfif = segment(0xe0, [...ascii('JFIF'), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const tables = [
  ...segment(0xdb, new Array(65).fill(1)),
  ...segment(0xc0, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]),
  ...segment(0xc4, new Array(20).fill(0)),
];
const scan = [...segment(0xda, [1, 1, 0, 0, 63, 0]), 0x12, 0x34, 0xff, 0xd9];
const jpeg = (...segments: number[][]) => Uint8Array.from([...soi, ...segments.flat(), ...scan]);

describe('isPlainJpeg', () => {
  it('accepts a JFIF file with tables, an ICC profile, an Adobe segment and a comment', () => {
    expect(isPlainJpeg(jpeg(jfif, tables))).toBe(true);
    expect(
      isPlainJpeg(
        jpeg(jfif, segment(0xe2, ascii('ICC_PROFILE\0...')), segment(0xee, ascii('Adobe..')), segment(0xfe, ascii('made by hand')), tables),
      ),
    ).toBe(true);
  });

  it('refuses EXIF (orientation, camera, location), XMP and other applications’ metadata', () => {
    expect(isPlainJpeg(jpeg(jfif, segment(0xe1, [...ascii('Exif'), 0, 0, 0x4d, 0x4d]), tables))).toBe(false);
    expect(isPlainJpeg(jpeg(segment(0xe1, ascii('http://ns.adobe.com/xap/1.0/\0')), tables))).toBe(false);
    expect(isPlainJpeg(jpeg(jfif, segment(0xed, ascii('Photoshop 3.0')), tables))).toBe(false);
  });

  it('refuses what is not a JPEG, and a header that ends before the image data', () => {
    expect(isPlainJpeg(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(false);
    expect(isPlainJpeg(new Uint8Array())).toBe(false);
    expect(isPlainJpeg(jpeg(jfif, tables).subarray(0, 40))).toBe(false);
    // A segment length that points into the middle of nowhere.
    expect(isPlainJpeg(Uint8Array.from([...soi, 0xff, 0xe0, 0x00, 0x05, 1, 2, 3, 4, 5, 6]))).toBe(false);
  });

  it('skips fill bytes before a marker', () => {
    expect(isPlainJpeg(Uint8Array.from([...soi, 0xff, ...jfif, ...tables, ...scan]))).toBe(true);
  });
});
