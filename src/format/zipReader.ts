/**
 * Reads a ZIP archive from a Blob defensively, one entry at a time: the central directory first
 * (names, sizes, methods: all checked before a single byte is inflated), then each wanted entry
 * by slicing the Blob, so a large backup is never held in memory twice.
 *
 * Against zip bombs: the caller caps the entry count and the declared sizes; inflation is
 * streamed in small slices and stops the moment an entry produces more than it declared, so a
 * lying header cannot make it expand without bound; every entry's CRC-32 is checked.
 *
 * fflate does the inflating; it has no reader that can do the above on its own (its unzipSync
 * inflates an entry to completion whatever its header says).
 */
import { Inflate } from 'fflate';

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  /** As declared by the archive; reading checks it. */
  size: number;
  localHeaderOffset: number;
}

/** Why an archive cannot be read; the caller words it for people. */
export class ZipReadError extends Error {
  constructor(
    readonly reason: 'not-zip' | 'damaged' | 'unsupported' | 'too-many-entries' | 'bomb',
    message: string,
  ) {
    super(message);
    this.name = 'ZipReadError';
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

async function sliceBytes(blob: Blob, start: number, end: number): Promise<Uint8Array> {
  if (start < 0 || end > blob.size || start > end)
    throw new ZipReadError('damaged', `range ${start}..${end} lies outside the ${blob.size}-byte archive`);
  return new Uint8Array(await blob.slice(start, end).arrayBuffer());
}

/** Lists the entries from the central directory; refuses more than `maxEntries` before reading them. */
export async function readZipDirectory(blob: Blob, maxEntries: number): Promise<ZipEntry[]> {
  if (blob.size < EOCD_SIZE) throw new ZipReadError('not-zip', 'too short to be a ZIP archive');
  const tailStart = Math.max(0, blob.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await sliceBytes(blob, tailStart, blob.size);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = tail.length - EOCD_SIZE;
  while (eocd >= 0 && tailView.getUint32(eocd, true) !== EOCD_SIGNATURE) eocd--;
  if (eocd < 0) throw new ZipReadError('not-zip', 'no end-of-central-directory record');

  const disk = tailView.getUint16(eocd + 4, true);
  const cdDisk = tailView.getUint16(eocd + 6, true);
  const entriesOnDisk = tailView.getUint16(eocd + 8, true);
  const entryCount = tailView.getUint16(eocd + 10, true);
  const cdSize = tailView.getUint32(eocd + 12, true);
  const cdOffset = tailView.getUint32(eocd + 16, true);
  if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== entryCount) throw new ZipReadError('unsupported', 'split (multi-part) archive');
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    throw new ZipReadError('unsupported', 'ZIP64 archive (over 4 GB or 65535 entries)');
  if (entryCount > maxEntries) throw new ZipReadError('too-many-entries', `${entryCount} entries`);
  if (cdOffset + cdSize > tailStart + eocd)
    throw new ZipReadError('damaged', 'central directory runs past its end record (archive cut short?)');

  const cd = await sliceBytes(blob, cdOffset, cdOffset + cdSize);
  const view = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const entries: ZipEntry[] = [];
  let offset = 0;
  for (let i = 0; i < entryCount; i++) {
    if (offset + 46 > cd.length || view.getUint32(offset, true) !== CENTRAL_SIGNATURE)
      throw new ZipReadError('damaged', `central directory entry ${i + 1} is damaged`);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > cd.length) throw new ZipReadError('damaged', `central directory entry ${i + 1} is cut short`);
    const entry: ZipEntry = {
      flags: view.getUint16(offset + 8, true),
      method: view.getUint16(offset + 10, true),
      crc32: view.getUint32(offset + 16, true),
      compressedSize: view.getUint32(offset + 20, true),
      size: view.getUint32(offset + 24, true),
      localHeaderOffset: view.getUint32(offset + 42, true),
      name: decoder.decode(cd.subarray(offset + 46, offset + 46 + nameLength)),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeaderOffset === 0xffffffff) {
      throw new ZipReadError('unsupported', 'ZIP64 entry (over 4 GB)');
    }
    entries.push(entry);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const CHUNK = 16 * 1024;

/**
 * The bytes of one entry, checked against its declared size and CRC-32. Inflation stops as soon
 * as the output exceeds the declared size: at most one 16 KB slice's worth of expansion is ever
 * produced past it.
 */
export async function readZipEntry(blob: Blob, entry: ZipEntry): Promise<Uint8Array> {
  if (entry.flags & 0x1) throw new ZipReadError('unsupported', `“${entry.name}” is encrypted`);
  if (entry.method !== 0 && entry.method !== 8)
    throw new ZipReadError('unsupported', `“${entry.name}” uses compression method ${entry.method}`);
  // Deflate cannot shrink anything more than 1032 to 1: a larger declared size is a lie, refused
  // before its buffer is allocated.
  if (entry.method === 8 && entry.size > entry.compressedSize * 1032 + 1024)
    throw new ZipReadError('damaged', `“${entry.name}” declares ${entry.size} bytes, more than its ${entry.compressedSize} can expand to`);
  const header = await sliceBytes(blob, entry.localHeaderOffset, Math.min(blob.size, entry.localHeaderOffset + 30));
  const headerView = new DataView(header.buffer, header.byteOffset, header.byteLength);
  if (header.length < 30 || headerView.getUint32(0, true) !== LOCAL_SIGNATURE)
    throw new ZipReadError('damaged', `the header of “${entry.name}” is damaged`);
  // The name is in two places; an archive where they differ shows other tools other files.
  const nameStart = entry.localHeaderOffset + 30;
  const localName = await sliceBytes(blob, nameStart, Math.min(blob.size, nameStart + headerView.getUint16(26, true)));
  if (new TextDecoder().decode(localName) !== entry.name)
    throw new ZipReadError('damaged', `“${entry.name}” is named differently in its own header`);
  const dataStart = entry.localHeaderOffset + 30 + headerView.getUint16(26, true) + headerView.getUint16(28, true);
  const data = await sliceBytes(blob, dataStart, dataStart + entry.compressedSize);

  let out: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipReadError('damaged', `“${entry.name}” has inconsistent sizes`);
    out = data;
  } else {
    out = new Uint8Array(entry.size);
    let written = 0;
    let ended = false;
    const inflater = new Inflate((chunk, final) => {
      if (written + chunk.length > entry.size)
        throw new ZipReadError('bomb', `“${entry.name}” expands to more than the ${entry.size} bytes it declares`);
      out.set(chunk, written);
      written += chunk.length;
      if (final) ended = true;
    });
    try {
      for (let at = 0; at < data.length; at += CHUNK) inflater.push(data.subarray(at, at + CHUNK), at + CHUNK >= data.length);
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (error) {
      if (error instanceof ZipReadError) throw error;
      throw new ZipReadError('damaged', `“${entry.name}” cannot be decompressed (${(error as Error).message})`);
    }
    if (!ended || written !== entry.size) throw new ZipReadError('damaged', `“${entry.name}” is cut short`);
  }
  if (crc32(out) !== entry.crc32) throw new ZipReadError('damaged', `“${entry.name}” is damaged (its checksum does not match)`);
  return out;
}

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
