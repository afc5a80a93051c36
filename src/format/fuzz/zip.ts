/**
 * A ZIP written field by field, so any field can lie: names (in the central directory, the local
 * header, or both), sizes, CRCs, methods, flags, offsets, counts, and where the central directory
 * starts. A well-formed archive here is what any tool writes; the mutations in ./cases bend it.
 * fflate deflates the data and lists a valid backup's entries.
 */
import { deflateSync, unzipSync } from 'fflate';
import { crc32 } from '../zipReader';
import { concat } from './bytes';

export interface ArchiveEntry {
  /** Central directory name; the local header's too unless `localName` differs. */
  name: Uint8Array;
  localName?: Uint8Array;
  /** The bytes after the local header: deflated when method is 8. */
  payload: Uint8Array;
  method: number;
  flags: number;
  crc: number;
  size: number;
  compressedSize: number;
  /** What the local header says instead, when it disagrees with the central directory. */
  local?: { crc?: number; size?: number; compressedSize?: number; method?: number };
  /** The central directory points at the local header of this entry instead (overlapping files). */
  sharesLocalHeaderOf?: number;
  /** Added to the offset the central directory records. */
  offsetDelta?: number;
  /** Listed in the central directory only, with no local header or data of its own. */
  centralOnly?: boolean;
}

export interface Archive {
  entries: ArchiveEntry[];
  /** Before the first local header (a self-extracting stub); offsets are not adjusted for it. */
  prefix?: Uint8Array;
  comment?: Uint8Array;
  /** End-of-central-directory fields that lie. */
  end?: { entries?: number; entriesOnDisk?: number; cdSize?: number; cdOffsetDelta?: number; disk?: number; commentLength?: number };
  /** After the end record. */
  suffix?: Uint8Array;
}

const encoder = new TextEncoder();

export function entry(name: string | Uint8Array, data: Uint8Array, deflate: boolean): ArchiveEntry {
  const payload = deflate ? deflateSync(data, { level: 6 }) : data;
  return {
    name: typeof name === 'string' ? encoder.encode(name) : name,
    payload,
    method: deflate ? 8 : 0,
    flags: 0x800, // names are UTF-8
    crc: crc32(data),
    size: data.length,
    compressedSize: payload.length,
  };
}

/** The entries of a valid archive, kept as their writer stored or deflated them. */
export function archiveOf(bytes: Uint8Array): Archive {
  const files = unzipSync(bytes);
  return {
    entries: Object.entries(files).map(([name, data]) => entry(name, data, !name.startsWith('photos/'))),
  };
}

const u16 = (view: DataView, at: number, value: number) => view.setUint16(at, value & 0xffff, true);
const u32 = (view: DataView, at: number, value: number) => view.setUint32(at, value >>> 0, true);

export function serialise(archive: Archive): Uint8Array {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const push = (part: Uint8Array) => {
    parts.push(part);
    offset += part.length;
  };
  if (archive.prefix) push(archive.prefix);
  const offsets: number[] = [];
  for (const e of archive.entries) {
    offsets.push(offset - (archive.prefix?.length ?? 0));
    if (e.centralOnly) continue;
    const name = e.localName ?? e.name;
    const header = new Uint8Array(30 + name.length);
    const view = new DataView(header.buffer);
    u32(view, 0, 0x04034b50);
    u16(view, 4, 20);
    u16(view, 6, e.flags);
    u16(view, 8, e.local?.method ?? e.method);
    u32(view, 14, e.local?.crc ?? e.crc);
    u32(view, 18, e.local?.compressedSize ?? e.compressedSize);
    u32(view, 22, e.local?.size ?? e.size);
    u16(view, 26, name.length);
    header.set(name, 30);
    push(header);
    push(e.payload);
  }
  const cdStart = offset - (archive.prefix?.length ?? 0);
  const central: Uint8Array[] = archive.entries.map((e, i) => {
    const record = new Uint8Array(46 + e.name.length);
    const view = new DataView(record.buffer);
    u32(view, 0, 0x02014b50);
    u16(view, 4, 20);
    u16(view, 6, 20);
    u16(view, 8, e.flags);
    u16(view, 10, e.method);
    u32(view, 16, e.crc);
    u32(view, 20, e.compressedSize);
    u32(view, 24, e.size);
    u16(view, 28, e.name.length);
    const local = e.sharesLocalHeaderOf !== undefined ? offsets[e.sharesLocalHeaderOf % offsets.length] : offsets[i];
    u32(view, 42, local + (e.offsetDelta ?? 0));
    record.set(e.name, 46);
    return record;
  });
  const cd = concat(...central);
  push(cd);
  const comment = archive.comment ?? new Uint8Array(0);
  const end = new Uint8Array(22);
  const view = new DataView(end.buffer);
  u32(view, 0, 0x06054b50);
  u16(view, 4, archive.end?.disk ?? 0);
  u16(view, 8, archive.end?.entriesOnDisk ?? archive.end?.entries ?? archive.entries.length);
  u16(view, 10, archive.end?.entries ?? archive.entries.length);
  u32(view, 12, archive.end?.cdSize ?? cd.length);
  u32(view, 16, cdStart + (archive.end?.cdOffsetDelta ?? 0));
  u16(view, 20, archive.end?.commentLength ?? comment.length);
  push(end);
  push(comment);
  if (archive.suffix) push(archive.suffix);
  return concat(...parts);
}
