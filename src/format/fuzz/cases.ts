/**
 * The fuzz cases: each starts from a valid file of the corpus and bends it with one to three
 * mutations, chosen by a seeded random, so a seed and a case index always give the same bytes.
 */
import { deflateSync, inflateSync } from 'fflate';
import { featureIds } from '../../engine';
import { seededRandom } from '../../head/random';
import { crc32 } from '../zipReader';
import { byteMutations, concat } from './bytes';
import type { Corpus } from './corpus';
import { boundaryLengths, int, jsonMutations, longText, pick, render, sameMeaning, type Json, type Random } from './json';
import { archiveOf, entry, serialise, type Archive, type ArchiveEntry } from './zip';

export interface FuzzCase {
  /** The mutations applied, in order (a kind may repeat). */
  kinds: string[];
  bytes: Uint8Array;
  /** Only rewritten, not changed in meaning: it must open to the same content as the valid file. */
  expectSame?: boolean;
}

/** A case's own random, from the run's seed and the case index: any case can be replayed alone. */
export function caseRandom(seed: number, index: number, importer: string): Random {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const code of `${importer}:${index}`) h = Math.imul(h ^ code.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(h);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A mutation that needs what an earlier one already destroyed (the manifest, say) is skipped. */
class Skip extends Error {}

function applyJson(text: string, random: Random, kinds: string[], count: number): string {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    throw new Skip();
  }
  for (let i = 0; i < count; i++) {
    const kind = pick(random, Object.keys(jsonMutations));
    kinds.push(kind);
    root = jsonMutations[kind](root, random) ?? root;
  }
  return render(root, random() < 0.5);
}

function applyBytes(bytes: Uint8Array, random: Random, kinds: string[]): Uint8Array {
  const kind = pick(random, Object.keys(byteMutations));
  kinds.push(kind);
  return byteMutations[kind](bytes, random);
}

const headOnly: Record<string, (document: Record<string, Json>, random: Random) => void> = {
  'format-version': (document, random) => {
    document.version = pick<Json>(random, [0, 2, 999, -1, 1.5, '1', null, 2 ** 53, 1e300]);
  },
  'format-name': (document, random) => {
    document.format = pick<Json>(random, ['handful-project', 'Handful-Classifier', '', 'handful-classifier ', 1, null]);
  },
  'backbone-changed': (document, random) => {
    const features = document.features as Record<string, Json>;
    const backbone = (features.backbones as Record<string, Json>[])[0];
    const field = pick(random, ['id', 'weightsManifestSha256', 'size', 'embeddingLayer']);
    backbone[field] = pick<Json>(random, ['v2-1.0', 'v9', 'a'.repeat(64), 'A'.repeat(64), 1280, 767, null, '']);
  },
  'dims-changed': (document, random) => {
    const classifier = document.classifier as Record<string, Json>;
    const rows = classifier.weights as Json[][];
    const change = pick(random, ['row-short', 'row-long', 'bias-short', 'dim']);
    if (change === 'row-short') rows[int(random, rows.length)].pop();
    if (change === 'row-long') rows[int(random, rows.length)].push(0);
    if (change === 'bias-short') (classifier.bias as Json[]).pop();
    if (change === 'dim') classifier.dim = pick<Json>(random, [767, 769, 1, 16384, 16385]);
  },
};

/** A case for the classifier file importer (readHeadFile). */
export function headCase(corpus: Corpus, random: Random): FuzzCase {
  const kinds: string[] = [];
  const roll = random();
  if (roll < 0.1) {
    const kind = pick(random, Object.keys(sameMeaning));
    return { kinds: [kind], bytes: encoder.encode(sameMeaning[kind](JSON.parse(corpus.headText) as Json, random)), expectSame: true };
  }
  if (roll < 0.2) {
    const document = JSON.parse(corpus.headText) as Record<string, Json>;
    const kind = pick(random, Object.keys(headOnly));
    kinds.push(kind);
    headOnly[kind](document, random);
    return { kinds, bytes: encoder.encode(render(document, true)) };
  }
  if (roll < 0.22) {
    // Past the 20 MB limit, or just under it with the file intact.
    kinds.push('oversize');
    const pad = ' '.repeat(20 * 1024 * 1024 - corpus.headText.length + (random() < 0.5 ? 1 : -1));
    return { kinds, bytes: encoder.encode(corpus.headText + pad) };
  }
  if (roll < 0.65) return { kinds, bytes: encoder.encode(applyJson(corpus.headText, random, kinds, 1 + int(random, 3))) };
  let bytes: Uint8Array = encoder.encode(roll < 0.75 ? applyJson(corpus.headText, random, kinds, 1) : corpus.headText);
  const rounds = 1 + int(random, 2);
  for (let i = 0; i < rounds; i++) bytes = applyBytes(bytes, random, kinds);
  return { kinds, bytes };
}

// ---------------------------------------------------------------------------------------------
// Backups.

const nameOf = (e: ArchiveEntry) => decoder.decode(e.name);

/** An entry to bend; none left (an earlier mutation removed them all) skips the mutation. */
function someEntry(archive: Archive, random: Random): ArchiveEntry {
  if (archive.entries.length === 0) throw new Skip();
  return pick(random, archive.entries);
}
const find = (archive: Archive, name: string) => archive.entries.find((e) => nameOf(e) === name);

function setData(archive: Archive, name: string, data: Uint8Array, deflate?: boolean) {
  const at = archive.entries.findIndex((e) => nameOf(e) === name);
  const replacement = entry(name, data, deflate ?? (at >= 0 ? archive.entries[at].method === 8 : true));
  if (at >= 0) archive.entries[at] = replacement;
  else archive.entries.push(replacement);
}

function dataOf(e: ArchiveEntry): Uint8Array {
  if (e.method !== 8) return e.payload;
  try {
    return inflateSync(e.payload);
  } catch {
    throw new Skip();
  }
}

interface ManifestPhoto {
  id: string;
  file: string;
  size: number;
  type: string;
}
interface PileManifestPhoto extends ManifestPhoto {
  name: string;
  path?: Json;
  accepted?: Json;
}
interface Manifest {
  classes: { id: string; name: string; photos: ManifestPhoto[] }[];
  /** Version 2 on. */
  pile?: PileManifestPhoto[];
  embeddings: { photoIds: string[]; file: string; dim: number; featuresId: string } | null;
  project: Record<string, Json>;
  head: string | null;
  [key: string]: Json | undefined | object;
}

function readManifest(archive: Archive): Manifest {
  const e = find(archive, 'manifest.json');
  if (!e) throw new Skip();
  try {
    return JSON.parse(decoder.decode(dataOf(e))) as Manifest;
  } catch {
    throw new Skip();
  }
}
/** Every photo the manifest lists: the classes' and the unsorted pile's. */
const photosOf = (manifest: Manifest): ManifestPhoto[] => [...manifest.classes.flatMap((c) => c.photos), ...(manifest.pile ?? [])];

function writeManifest(archive: Archive, manifest: Manifest | string) {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2);
  setData(archive, 'manifest.json', encoder.encode(text), true);
}

/** Zeros compress about a thousand to one; made once per size. */
const zeros = new Map<number, Uint8Array>();
function deflatedZeros(size: number): Uint8Array {
  if (!zeros.has(size)) zeros.set(size, deflateSync(new Uint8Array(size), { level: 9 }));
  return zeros.get(size)!;
}
function zerosEntry(name: string, size: number): ArchiveEntry {
  const payload = deflatedZeros(size);
  return {
    name: encoder.encode(name),
    payload,
    method: 8,
    flags: 0x800,
    crc: zeroCrc(size),
    size,
    compressedSize: payload.length,
  };
}
const zeroCrcs = new Map<number, number>();
function zeroCrc(size: number): number {
  if (!zeroCrcs.has(size)) zeroCrcs.set(size, crc32(new Uint8Array(size)));
  return zeroCrcs.get(size)!;
}
const MB = 1024 * 1024;

const unsafeNames = [
  '../evil.txt',
  '../../../../etc/passwd',
  '/etc/passwd',
  '/manifest.json',
  'C:\\Windows\\evil.dll',
  'photos\\a\\b.jpg',
  './manifest.json',
  'photos//x.jpg',
  'photos/../manifest.json',
  '',
  'a\u0000b',
  '..',
  'photos/./x.jpg',
  'c:evil',
  'photos/\u0007.jpg',
  'x'.repeat(1025),
];
const nonUtf8 = [[0xff], [0xc0, 0xaf], [0xe2, 0x80], [0xed, 0xa0, 0x80], [0x80, 0x81], [0xfe, 0xff]];

/** Changes to the archive's structure; the manifest and data inside stay valid. */
const archiveMutations: Record<string, (archive: Archive, random: Random) => void> = {
  'traversal-name': (archive, random) => {
    const name = encoder.encode(pick(random, unsafeNames));
    if (random() < 0.5) archive.entries.push({ ...entry('x', encoder.encode('hello'), false), name });
    else someEntry(archive, random).name = name;
  },
  'non-utf8-name': (archive, random) => {
    const target = someEntry(archive, random);
    const bad = Uint8Array.from(pick(random, nonUtf8));
    const at = int(random, target.name.length + 1);
    const name = concat(target.name.subarray(0, at), bad, target.name.subarray(at));
    if (random() < 0.5) target.name = name;
    else archive.entries.push({ ...target, name, flags: target.flags & ~0x800 });
  },
  'local-name-differs': (archive, random) => {
    const target = someEntry(archive, random);
    target.localName = encoder.encode(pick(random, ['../x', 'head.json', 'other.bin', nameOf(someEntry(archive, random))]));
  },
  'duplicate-entry': (archive, random) => {
    const original = someEntry(archive, random);
    archive.entries.splice(
      int(random, archive.entries.length + 1),
      0,
      random() < 0.5 ? { ...original } : { ...entry('x', encoder.encode('{}'), true), name: original.name },
    );
  },
  'wrong-crc': (archive, random) => {
    const target = someEntry(archive, random);
    const where = pick(random, ['central', 'local', 'both']);
    const crc = (target.crc ^ (1 << int(random, 32))) >>> 0;
    if (where !== 'local') target.crc = crc;
    if (where !== 'central') target.local = { ...target.local, crc };
  },
  'size-lie': (archive, random) => {
    const target = someEntry(archive, random);
    const field = pick(random, ['size', 'compressedSize'] as const);
    const value = pick(random, [0, 1, target[field] - 1, target[field] + 1, target[field] * 2, 0xfffffffe, 50 * MB + 1, 512 * MB]);
    if (random() < 0.7) target[field] = value;
    else target.local = { ...target.local, [field]: value };
  },
  'compression-method': (archive, random) => {
    const target = someEntry(archive, random);
    target.method = pick(random, [1, 6, 9, 12, 14, 93, 95, 98, 99, target.method === 8 ? 0 : 8]);
  },
  encrypted: (archive, random) => {
    someEntry(archive, random).flags |= pick(random, [0x1, 0x41, 0x2000]);
  },
  zip64: (archive, random) => {
    const target = someEntry(archive, random);
    const choice = int(random, 3);
    if (choice === 0) target.size = 0xffffffff;
    else if (choice === 1) target.compressedSize = 0xffffffff;
    else archive.end = { ...archive.end, entries: 0xffff };
  },
  'split-archive': (archive, random) => {
    archive.end = { ...archive.end, ...(random() < 0.5 ? { disk: 1 } : { entriesOnDisk: archive.entries.length + 1 }) };
  },
  'central-directory-moved': (archive, random) => {
    archive.end = { ...archive.end, cdOffsetDelta: pick(random, [-1, 1, -46, 46, -1_000_000, 1_000_000, 0x7fffffff]) };
  },
  'central-directory-size': (archive, random) => {
    archive.end = { ...archive.end, cdSize: pick(random, [0, 1, 45, 46, 0xffff, 0xfffffffe, 1_000_000]) };
  },
  'entry-count': (archive, random) => {
    const n = archive.entries.length;
    archive.end = { ...archive.end, entries: pick(random, [0, 1, n - 1, n + 1, 50_001, 0xfffe]) };
  },
  'overlapping-entries': (archive, random) => {
    const target = someEntry(archive, random);
    target.sharesLocalHeaderOf = int(random, archive.entries.length);
  },
  'offset-moved': (archive, random) => {
    someEntry(archive, random).offsetDelta = pick(random, [-1, 1, 30, -30, 0x7fffffff, -0x7fffffff]);
  },
  'central-only': (archive, random) => {
    someEntry(archive, random).centralOnly = true;
  },
  'stub-before': (archive, random) => {
    archive.prefix = Uint8Array.from({ length: 1 + int(random, 600) }, () => int(random, 256));
  },
  'comment-and-trailer': (archive, random) => {
    const choice = int(random, 4);
    if (choice === 0) archive.comment = encoder.encode('x'.repeat(int(random, 0xffff)));
    if (choice === 1) archive.comment = Uint8Array.from([0x50, 0x4b, 0x05, 0x06, ...new Uint8Array(18)]); // a fake end record
    if (choice === 2) archive.end = { ...archive.end, commentLength: pick(random, [1, 100, 0xffff]) };
    if (choice === 3) archive.suffix = Uint8Array.from({ length: 1 + int(random, 100) }, () => int(random, 256));
  },
  'entry-removed': (archive, random) => {
    archive.entries.splice(int(random, archive.entries.length), 1);
  },
  'no-entries': (archive) => {
    archive.entries = [];
  },
  'many-entries': (archive, random) => {
    const count = pick(random, [200, 49_980, 50_001]);
    const tiny = entry('extra/0', new Uint8Array(0), false);
    for (let i = 0; i < count; i++) archive.entries.push({ ...tiny, name: encoder.encode(`extra/${i}.txt`) });
  },
};

/** Zip bombs: entries that expand far beyond their compressed size, honestly or not. */
const bombs: Record<string, (archive: Archive, random: Random) => void> = {
  /** Photos listed in the manifest, each expanding to its honest declared size, up to the 2 GB limit in all. */
  'bomb-honest': (archive, random) => {
    const manifest = readManifest(archive);
    const size = pick(random, [10 * MB, 49 * MB]);
    const count = pick(random, [1, 3, Math.floor((2 * 1024 * MB) / size) - 2]);
    const cls = manifest.classes[0];
    for (let i = 0; i < count; i++) {
      const file = `photos/${cls.id}/bomb${i}.jpg`;
      cls.photos.push({ id: `bomb${i}`, name: `bomb${i}.jpg`, type: 'image/jpeg', size, file } as ManifestPhoto);
      archive.entries.push(zerosEntry(file, size));
    }
    writeManifest(archive, manifest);
  },
  /** A small declared size over data that inflates to 50 MB. */
  'bomb-lying': (archive, random) => {
    const target = someEntry(archive, random);
    const bomb = zerosEntry(nameOf(target), 50 * MB);
    archive.entries[archive.entries.indexOf(target)] = { ...bomb, size: target.size, crc: target.crc };
  },
  /** A declared size no deflate stream that small can reach. */
  'bomb-impossible-size': (archive, random) => {
    const target = someEntry(archive, random);
    target.size = pick(random, [20 * MB - 1, 50 * MB, 512 * MB, 2 * 1024 * MB - 1]);
  },
  /** Many central-directory entries over one local header of zeros (the "overlapping" zip bomb). */
  'bomb-overlapping': (archive, random) => {
    const manifest = readManifest(archive);
    const cls = manifest.classes[0];
    const size = 40 * MB;
    const count = pick(random, [10, 60]);
    archive.entries.push(zerosEntry(`photos/${cls.id}/o0.jpg`, size));
    const shared = archive.entries.length - 1;
    for (let i = 0; i < count; i++) {
      const file = `photos/${cls.id}/o${i}.jpg`;
      cls.photos.push({ id: `o${i}`, name: `o${i}.jpg`, type: 'image/jpeg', size, file } as ManifestPhoto);
      if (i > 0) archive.entries.push({ ...zerosEntry(file, size), sharesLocalHeaderOf: shared, centralOnly: true });
    }
    writeManifest(archive, manifest);
  },
};

/** Changes to what the manifest says (data kept consistent with it where the mutation means to). */
const manifestMutations: Record<string, (archive: Archive, random: Random, corpus: Corpus) => void> = {
  'photo-path-escapes': (archive, random) => {
    const manifest = readManifest(archive);
    const photo = pick(random, photosOf(manifest));
    if (!photo) return;
    const old = photo.file;
    photo.file = pick(random, ['../' + old, '/' + old, old.replace(/\//g, '\\'), 'manifest.json', 'head.json', old + '/']);
    const e = find(archive, old);
    if (e && random() < 0.5) e.name = encoder.encode(photo.file);
    writeManifest(archive, manifest);
  },
  /** Photo ids that are content hashes of photos another project here has: the stored copies must not change. */
  'ids-of-photos-here': (archive, random, corpus) => {
    const manifest = readManifest(archive);
    const hashes = [...corpus.waiting.records, ...corpus.existing.records].map((r) => r.hash);
    const renamed = new Map<string, string>();
    for (const cls of manifest.classes)
      for (const photo of cls.photos) {
        if (random() < 0.3) continue;
        const id = pick(random, hashes);
        if (cls.photos.some((p) => p.id === id)) continue;
        const file = `photos/${cls.id}/${id}.${photo.file.split('.').pop()}`;
        const e = find(archive, photo.file);
        if (e) e.name = encoder.encode(file);
        renamed.set(photo.id, id);
        Object.assign(photo, { id, file });
      }
    for (const photo of manifest.pile ?? []) {
      if (random() < 0.5) continue;
      const id = pick(random, hashes);
      const file = `pile/${id}.${photo.file.split('.').pop()}`;
      const e = find(archive, photo.file);
      if (e) e.name = encoder.encode(file);
      renamed.set(photo.id, id);
      Object.assign(photo, { id, file });
    }
    if (manifest.embeddings) manifest.embeddings.photoIds = manifest.embeddings.photoIds.map((id) => renamed.get(id) ?? id);
    writeManifest(archive, manifest);
  },
  /** What the pile says about its photos: where they came from, what was accepted, and the pile itself. */
  'pile-fields': (archive, random) => {
    const manifest = readManifest(archive);
    const pile = manifest.pile;
    if (!pile || pile.length === 0) throw new Skip();
    const photo = pick(random, pile);
    const classIds = manifest.classes.map((c) => c.id);
    const choice = int(random, 6);
    if (choice === 0)
      photo.path = pick<Json>(random, [
        '',
        '../../etc/passwd',
        '/absolute/x.jpg',
        'C:\\photos\\x.jpg',
        'tab\there.jpg',
        'new\nline.jpg',
        '\u0000',
        longText(pick(random, [4096, 4097, 100_000]), random),
        42,
        null,
        ['a'],
      ]);
    if (choice === 1)
      photo.accepted = pick<Json>(random, [
        { classId: pick(random, ['missing', '__proto__', '', ...classIds]), confidence: 0.9 },
        { classId: pick(random, classIds) ?? 'x', confidence: pick(random, [-0.01, 0, 1, 1.01, 1e308, -1e308]) },
        { classId: pick(random, classIds) ?? 'x' },
        { confidence: 0.5 },
        null,
        'yes',
        true,
      ]);
    // The same photo in the pile twice, or in a class and the pile.
    if (choice === 2) pile.push({ ...photo });
    if (choice === 3 && manifest.classes[0]?.photos[0]) {
      const inClass = manifest.classes[0].photos[0];
      const file = `pile/${inClass.id}.${inClass.file.split('.').pop()}`;
      const e = find(archive, inClass.file);
      if (e) setData(archive, file, dataOf(e), false);
      pile.push({ ...inClass, name: 'copy.jpg', file });
    }
    if (choice === 4) manifest.pile = pick<Json>(random, [null, {}, 'pile', [null], [[]]]) as unknown as PileManifestPhoto[];
    if (choice === 5) {
      // The pile of a version 1 manifest is never read; a version 2 one without a pile is invalid.
      if (random() < 0.5) manifest.version = 1;
      else delete manifest.pile;
    }
    writeManifest(archive, manifest);
  },
  'photo-size-lie': (archive, random) => {
    const manifest = readManifest(archive);
    const photo = pick(random, photosOf(manifest));
    if (photo) photo.size = pick(random, [0, photo.size - 1, photo.size + 1, 2 ** 53, 1e300]);
    writeManifest(archive, manifest);
  },
  'features-changed': (archive, random) => {
    const manifest = readManifest(archive);
    const id = pick(random, [...featureIds, 'v1-0.75', 'v2-1.0+flip', 'unknown', '', '+', 'v1-0.75+v1-0.75', '__proto__']);
    if (random() < 0.5) manifest.project.featuresId = id;
    else if (manifest.embeddings) {
      manifest.embeddings.featuresId = id;
      if (random() < 0.5) manifest.embeddings.file = `embeddings/${id}.f32`;
    }
    writeManifest(archive, manifest);
  },
  'embeddings-shape': (archive, random) => {
    const manifest = readManifest(archive);
    if (!manifest.embeddings) return;
    const choice = int(random, 3);
    if (choice === 0) manifest.embeddings.dim = pick(random, [1, 767, 769, 1536, 16384]);
    if (choice === 1) manifest.embeddings.photoIds.pop();
    if (choice === 2) manifest.embeddings.photoIds.reverse();
    writeManifest(archive, manifest);
  },
  'head-entry': (archive, random) => {
    const manifest = readManifest(archive);
    const choice = int(random, 3);
    if (choice === 0) archive.entries = archive.entries.filter((e) => nameOf(e) !== 'head.json');
    if (choice === 1) manifest.head = null;
    if (choice === 2) setData(archive, 'head.json', encoder.encode('{"format":"handful-classifier","version":1}'));
    writeManifest(archive, manifest);
  },
  'class-names': (archive, random) => {
    const manifest = readManifest(archive);
    const name = pick(random, [longText(pick(random, boundaryLengths), random), '   ', 'Daisy', 'daisy ', 'Class 2', 'e\u0301', '\u00e9']);
    for (const cls of manifest.classes) if (random() < 0.7) cls.name = name;
    if (random() < 0.3) manifest.project.name = pick(random, ['Flowers', '', '  ', 'flowers', 'x'.repeat(300), 'Birds']);
    writeManifest(archive, manifest);
  },
};

/** Data inside entries that is consistent with the manifest but not what it should be. */
const contentMutations: Record<string, (archive: Archive, random: Random) => void> = {
  'photo-not-an-image': (archive, random) => {
    const manifest = readManifest(archive);
    const photo = pick(random, photosOf(manifest));
    if (!photo) return;
    const data = pick(random, [
      new Uint8Array(0),
      encoder.encode('not a photo'),
      Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
      Uint8Array.from({ length: 2000 }, () => int(random, 256)),
    ]);
    photo.size = data.length;
    setData(archive, photo.file, data, false);
    writeManifest(archive, manifest);
  },
  'embeddings-values': (archive, random) => {
    const manifest = readManifest(archive);
    if (!manifest.embeddings) return;
    const e = find(archive, manifest.embeddings.file);
    if (!e) return;
    const data = dataOf(e).slice();
    const view = new DataView(data.buffer);
    const value = pick(random, [NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, 0]);
    const count = pick(random, [1, data.length / 4]);
    for (let i = 0; i < count; i++) view.setFloat32(4 * int(random, data.length / 4), value, true);
    if (random() < 0.3) new Float32Array(data.buffer).fill(value);
    setData(archive, manifest.embeddings.file, data, true);
  },
  'head-json': (archive, random) => {
    const e = find(archive, 'head.json');
    if (!e) return;
    setData(archive, 'head.json', encoder.encode(applyJson(decoder.decode(dataOf(e)), random, [], 1)));
  },
};

/** A case for the backup importer (readBackup, then restoreProject). */
export function backupCase(corpus: Corpus, random: Random): FuzzCase {
  const kinds: string[] = [];
  const base = random() < 0.7 ? corpus.backupOfExisting : corpus.backupOfOther;
  const roll = random();
  if (roll < 0.2) {
    // The whole file damaged, as a broken download or disk does it.
    let bytes = base;
    const rounds = 1 + int(random, 2);
    for (let i = 0; i < rounds; i++) bytes = applyBytes(bytes, random, kinds);
    return { kinds, bytes };
  }
  const archive = archiveOf(base);
  if (roll < 0.28) {
    // Rewritten by another tool: other entry order, other compression, manifest reformatted.
    const kind = pick(random, ['entries-reordered', 'recompressed', 'manifest-reformatted']);
    if (kind === 'entries-reordered') archive.entries.reverse();
    if (kind === 'recompressed') archive.entries = archive.entries.map((e) => entry(nameOf(e), dataOf(e), e.method !== 8));
    if (kind === 'manifest-reformatted') {
      const rewrite = pick(random, Object.keys(sameMeaning));
      writeManifest(archive, sameMeaning[rewrite](JSON.parse(decoder.decode(dataOf(find(archive, 'manifest.json')!))) as Json, random));
    }
    return { kinds: [kind], bytes: serialise(archive), expectSame: true };
  }
  const groups: [number, Record<string, (archive: Archive, random: Random, corpus: Corpus) => void>][] = [
    [0.4, archiveMutations],
    [0.06, bombs],
    [0.22, manifestMutations],
    [0.12, contentMutations],
  ];
  const rounds = 1 + int(random, 2);
  for (let i = 0; i < rounds; i++) {
    // Generic JSON damage to the manifest comes last: the mutations above need to read it.
    if (random() < 0.2) {
      try {
        writeManifest(archive, applyJson(JSON.stringify(readManifest(archive)), random, kinds, 1 + int(random, 2)));
      } catch (error) {
        if (!(error instanceof Skip)) throw error;
      }
      break;
    }
    let at = random() * groups.reduce((sum, [weight]) => sum + weight, 0);
    const group = groups.find(([weight]) => (at -= weight) < 0)?.[1] ?? archiveMutations;
    const kind = pick(random, Object.keys(group));
    kinds.push(kind);
    try {
      group[kind](archive, random, corpus);
    } catch (error) {
      if (!(error instanceof Skip)) throw error;
    }
  }
  return { kinds, bytes: serialise(archive) };
}
