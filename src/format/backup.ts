/**
 * The project backup: a whole project (classes, photos, optionally embeddings and the trained
 * head) in one .zip that "Back up project" saves and "Restore from backup" restores, on this computer
 * or another. Layout (docs/backup-format.md):
 *
 *   manifest.json                       format, version, project, classes and their photos, the pile
 *   photos/<class-id>/<photo-id>.<ext>  each photo's bytes, stored as they are (JPEG does not deflate)
 *   pile/<photo-id>.<ext>               each unsorted photo's bytes (version 2 on)
 *   embeddings/<features-id>.f32        optional: little-endian float32 rows, in manifest order
 *   head.json                           optional: the classifier file (./head.ts), as downloaded
 *
 * The types here are plain data; the store maps its records to and from them. fflate writes the
 * archive (small, no dependencies, streams entries so photos are never copied twice); ./zipReader
 * reads it back with limits on everything.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import * as v from 'valibot';
import { backbones as appBackbones } from '../engine';
import { appVersion as runningAppVersion } from './appVersion';
import { BackupError, FileFormatError, type FileErrorCode } from './errors';
import { HEAD_LIMITS, headToFile, parseHeadFile, type HeadFile, type HeadFileInput, type KnownBackbone } from './head';
import { migrateToCurrent, type Migration } from './migrate';
import { hasOwn, isPlainObject, parseJsonSafely } from './safeJson';
import { describeKind, sniff } from './sniff';
import { readZipDirectory, readZipEntry, ZipReadError, type ZipEntry } from './zipReader';
import { fileSlug } from './slug';

export const BACKUP_FORMAT = 'handful-project';
export const BACKUP_FORMAT_VERSION = 2;
export const BACKUP_MIGRATIONS: readonly Migration[] = [
  // Version 1 had no unsorted pile: its projects come back with an empty one.
  { from: 1, up: (manifest) => ({ ...manifest, version: 2, pile: [] }) },
];

export interface BackupLimits {
  /** Entries in the archive, photos or not. */
  maxEntries: number;
  /** Declared uncompressed bytes of everything read. */
  maxTotalBytes: number;
  maxPhotoBytes: number;
  maxManifestBytes: number;
  maxEmbeddingsBytes: number;
  /**
   * What all entries may declare beyond this many times the archive's own size. A backup barely
   * compresses (photos are stored, embeddings are noise to deflate), so a small file that unpacks
   * to hundreds of MB is a zip bomb, honest about its sizes or not.
   */
  maxExpansion: number;
  /** Unpacked bytes always allowed, whatever the ratio (a small backup of flat-coloured BMPs). */
  expansionAllowance: number;
}

export const BACKUP_LIMITS: BackupLimits = {
  maxEntries: 50_000,
  maxTotalBytes: 2 * 1024 ** 3,
  maxPhotoBytes: 50 * 1024 ** 2,
  maxManifestBytes: 20 * 1024 ** 2,
  maxEmbeddingsBytes: 512 * 1024 ** 2,
  maxExpansion: 20,
  expansionAllowance: 32 * 1024 ** 2,
};

/** Photo and class ids become path segments, so they are restricted to safe characters. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** Longest name (of the project, a class or a photo) a backup holds. */
export const BACKUP_MAX_NAME = 300;
const MAX_NAME = BACKUP_MAX_NAME;
/** A relative path as a folder listing gives it; longer than any a file system keeps. */
const MAX_PATH = 4096;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Whether a photo's `path` (where it was found) can go into a backup: not too long, no control characters. */
export function isBackupPath(path: string): boolean {
  return path.length <= MAX_PATH && !CONTROL_CHARACTERS.test(path);
}
const PHOTO_TYPES: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/avif': 'avif',
  'image/heic': 'heic',
};

export interface BackupPhoto {
  /** Letters, digits, '-' and '_' (a UUID or a hex hash fits); unique within its class. */
  id: string;
  /** The file name it was added with; shown to people, never used as a path. */
  name: string;
  /**
   * Where it was found in what the person dropped or picked ("trip/day 1/IMG_01.jpg"), when
   * known: shown and written to the labels CSV, never used as a path here.
   */
  path?: string;
  /** Its type should be one of image/jpeg, png, webp, gif, bmp, avif, heic (else image/jpeg is assumed). */
  blob: Blob;
  /** Of the original photo, when known. */
  width?: number;
  height?: number;
}

/** An unsorted photo: not learned from, perhaps accepted as the classifier suggested. */
export interface BackupPilePhoto extends BackupPhoto {
  /** "Accept the sure ones" took it as this class (an id in `classes`), with this confidence (0 to 1). */
  accepted?: { classId: string; confidence: number };
}

export interface BackupClass {
  /** Letters, digits, '-' and '_'; unique in the project. */
  id: string;
  name: string;
  photos: BackupPhoto[];
}

/** Embeddings of the photos (by photo id) under one feature configuration. */
export interface BackupEmbeddings {
  featuresId: string;
  vectors: Map<string, Float32Array>;
}

export interface ProjectBackup {
  project: { name: string; featuresId?: string; createdAt?: string; updatedAt?: string };
  classes: BackupClass[];
  /** The unsorted pile, in its order; ids unique within it. Backups before version 2 restore with none. */
  pile?: BackupPilePhoto[];
  /** Embeddings of class and pile photos alike. */
  embeddings?: BackupEmbeddings;
  /** The trained head, written as head.json in the classifier file format. */
  head?: HeadFileInput;
}

export interface RestoredProject extends ProjectBackup {
  pile: BackupPilePhoto[];
  head?: HeadFile;
  /** When the backup was made, and by which version of Handful. */
  createdAt: string;
  appVersion: string;
  /**
   * Parts left out because this Handful cannot use them (a head or embeddings made for other
   * weights): the project opens without them and they can be computed again. Plain sentences.
   */
  warnings: string[];
}

export interface BackupOptions {
  backbones?: readonly KnownBackbone[];
  limits?: Partial<BackupLimits>;
  migrations?: readonly Migration[];
  appVersion?: string;
  /** Defaults to now. */
  createdAt?: Date | string;
}

// ---------------------------------------------------------------------------------------------
// The manifest, version 2 (older ones are migrated to it first).

const idSchema = v.pipe(v.string(), v.regex(ID_PATTERN, 'must be 1 to 128 letters, digits, "-" or "_"'));
const nameSchema = v.pipe(v.string(), v.maxLength(MAX_NAME, `must be at most ${MAX_NAME} characters`));
const timestamp = v.pipe(v.string(), v.isoTimestamp('must be a date and time like 2025-01-31T12:00:00.000Z'));
const dimension = v.optional(
  v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'), v.maxValue(100_000, 'is too large')),
);
const photoSchema = v.object({
  id: idSchema,
  name: nameSchema,
  path: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(MAX_PATH, `must be at most ${MAX_PATH} characters`),
      v.check(isBackupPath, 'must not contain control characters'),
    ),
  ),
  type: v.picklist(Object.keys(PHOTO_TYPES)),
  size: v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(0, 'must not be negative')),
  file: v.string(),
  width: dimension,
  height: dimension,
});
const acceptedSchema = v.object({
  classId: idSchema,
  confidence: v.pipe(v.number(), v.minValue(0, 'must be between 0 and 1'), v.maxValue(1, 'must be between 0 and 1')),
});

const manifestSchema = v.object({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_FORMAT_VERSION),
  createdAt: timestamp,
  appVersion: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(64, 'is too long')),
  project: v.object({
    name: nameSchema,
    featuresId: v.optional(v.pipe(v.string(), v.maxLength(300, 'is too long'))),
    createdAt: v.optional(timestamp),
    updatedAt: v.optional(timestamp),
  }),
  classes: v.pipe(
    v.array(
      v.object({
        id: idSchema,
        name: nameSchema,
        photos: v.array(photoSchema),
      }),
    ),
    v.maxLength(HEAD_LIMITS.maxClasses, `must have at most ${HEAD_LIMITS.maxClasses} classes`),
  ),
  pile: v.array(v.object({ ...photoSchema.entries, accepted: v.optional(acceptedSchema) })),
  embeddings: v.nullable(
    v.object({
      featuresId: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(300, 'is too long')),
      weightsManifestSha256: v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a sha256'))),
      dim: v.pipe(
        v.number(),
        v.integer('must be a whole number'),
        v.minValue(1, 'must be at least 1'),
        v.maxValue(HEAD_LIMITS.maxDim, 'is too large'),
      ),
      file: v.string(),
      photoIds: v.array(idSchema),
    }),
  ),
  head: v.nullable(v.literal('head.json')),
});

type Manifest = v.InferOutput<typeof manifestSchema>;

const photoPath = (classId: string, photoId: string, type: string) => `photos/${classId}/${photoId}.${PHOTO_TYPES[type]}`;
const pilePath = (photoId: string, type: string) => `pile/${photoId}.${PHOTO_TYPES[type]}`;
const embeddingsPath = (featuresId: string) => `embeddings/${featuresId.replace(/[^A-Za-z0-9._+-]/g, '_')}.f32`;

// ---------------------------------------------------------------------------------------------
// Writing.

function invalid(message: string): BackupError {
  return new BackupError('invalid', `This project cannot be backed up: ${message}.`);
}

function photoType(blob: Blob): string {
  return blob.type in PHOTO_TYPES ? blob.type : 'image/jpeg';
}

/** Float32 rows as little-endian bytes, whatever the machine's own byte order. */
function float32Bytes(rows: Float32Array[], dim: number): Uint8Array {
  const bytes = new Uint8Array(rows.length * dim * 4);
  const view = new DataView(bytes.buffer);
  rows.forEach((row, r) => row.forEach((x, d) => view.setFloat32((r * dim + d) * 4, x, true)));
  return bytes;
}

function checkBackup(backup: ProjectBackup): void {
  const classIds = new Set<string>();
  for (const cls of backup.classes) {
    if (!ID_PATTERN.test(cls.id)) throw invalid(`class id “${cls.id}” must be 1 to 128 letters, digits, "-" or "_"`);
    if (classIds.has(cls.id)) throw invalid(`two classes have the id “${cls.id}”`);
    classIds.add(cls.id);
    if (cls.name.length > MAX_NAME) throw invalid(`the name of class “${cls.name.slice(0, 40)}…” is too long`);
    const photoIds = new Set<string>();
    for (const photo of cls.photos) {
      if (!ID_PATTERN.test(photo.id)) throw invalid(`photo id “${photo.id}” must be 1 to 128 letters, digits, "-" or "_"`);
      if (photoIds.has(photo.id)) throw invalid(`class “${cls.name}” has the photo “${photo.id}” twice`);
      photoIds.add(photo.id);
    }
  }
  const pileIds = new Set<string>();
  for (const photo of backup.pile ?? []) {
    if (!ID_PATTERN.test(photo.id)) throw invalid(`photo id “${photo.id}” must be 1 to 128 letters, digits, "-" or "_"`);
    if (pileIds.has(photo.id)) throw invalid(`the unsorted pile has the photo “${photo.id}” twice`);
    pileIds.add(photo.id);
    const { accepted } = photo;
    if (accepted && !classIds.has(accepted.classId))
      throw invalid(`unsorted photo “${photo.name}” is accepted as a class the project lacks`);
    if (accepted && !(accepted.confidence >= 0 && accepted.confidence <= 1))
      throw invalid(`unsorted photo “${photo.name}” has a confidence that is not between 0 and 1`);
  }
  for (const photo of [...backup.classes.flatMap((c) => c.photos), ...(backup.pile ?? [])]) {
    if (photo.name.length > MAX_NAME) throw invalid(`the name of photo “${photo.name.slice(0, 40)}…” is too long`);
    if (photo.path !== undefined && !isBackupPath(photo.path))
      throw invalid(`the place photo “${photo.name}” came from is too long or holds control characters`);
  }
  if (backup.project.name.length > MAX_NAME) throw invalid('the project name is too long');
  const embeddings = backup.embeddings;
  if (embeddings) {
    let dim: number | undefined;
    for (const [id, vector] of embeddings.vectors) {
      if (!ID_PATTERN.test(id)) throw invalid(`embedding of photo id “${id}”: not a valid photo id`);
      dim ??= vector.length;
      if (vector.length !== dim || dim === 0) throw invalid('the embeddings do not all have the same length');
    }
  }
}

/**
 * The whole project as a .zip Blob (type application/zip). Photos are stored uncompressed, the
 * JSON deflated. Throws BackupError when the project has ids that cannot be file names, or a
 * head that could not be read back.
 */
export async function writeBackup(backup: ProjectBackup, options: BackupOptions = {}): Promise<Blob> {
  checkBackup(backup);
  const registry = options.backbones ?? appBackbones;
  const createdAt = new Date(options.createdAt ?? Date.now());
  const headFile = backup.head ? headToFile(backup.head, { backbones: registry }) : undefined;

  let embeddings: Manifest['embeddings'] = null;
  let embeddingRows: Float32Array[] = [];
  if (backup.embeddings && backup.embeddings.vectors.size > 0) {
    const { featuresId, vectors } = backup.embeddings;
    const ids = featuresId.replace(/\+flip$/, '').split('+');
    const shas = ids.map((id) => registry.find((spec) => spec.id === id)?.weightsManifestSha256);
    if (shas.some((sha) => sha === undefined))
      throw invalid(`the embeddings were made with “${featuresId}”, which this Handful does not know`);
    embeddingRows = [...vectors.values()];
    embeddings = {
      featuresId,
      weightsManifestSha256: shas as string[],
      dim: embeddingRows[0].length,
      file: embeddingsPath(featuresId),
      photoIds: [...vectors.keys()],
    };
  }

  const photoEntry = (photo: BackupPhoto, file: string) => ({
    id: photo.id,
    name: photo.name,
    ...(photo.path !== undefined && { path: photo.path }),
    type: photoType(photo.blob),
    size: photo.blob.size,
    file,
    ...(photo.width !== undefined && { width: photo.width }),
    ...(photo.height !== undefined && { height: photo.height }),
  });
  const pile = backup.pile ?? [];
  const manifest: Manifest = {
    format: BACKUP_FORMAT,
    version: BACKUP_FORMAT_VERSION,
    createdAt: createdAt.toISOString(),
    appVersion: options.appVersion ?? runningAppVersion,
    project: { ...backup.project },
    classes: backup.classes.map((cls) => ({
      id: cls.id,
      name: cls.name,
      photos: cls.photos.map((photo) => photoEntry(photo, photoPath(cls.id, photo.id, photoType(photo.blob)))),
    })),
    pile: pile.map((photo) => ({
      ...photoEntry(photo, pilePath(photo.id, photoType(photo.blob))),
      ...(photo.accepted && { accepted: { classId: photo.accepted.classId, confidence: photo.accepted.confidence } }),
    })),
    embeddings,
    head: headFile ? 'head.json' : null,
  };

  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else chunks.push(chunk);
  });
  const add = (name: string, bytes: Uint8Array, compress: boolean) => {
    const entry = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    entry.mtime = createdAt;
    zip.add(entry);
    entry.push(bytes, true);
  };
  const encoder = new TextEncoder();
  add('manifest.json', encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), true);
  if (headFile) add('head.json', encoder.encode(headFile.text), true);
  if (embeddings) add(embeddings.file, float32Bytes(embeddingRows, embeddings.dim), true);
  for (const cls of manifest.classes) {
    const source = backup.classes.find((candidate) => candidate.id === cls.id)!;
    for (const [index, photo] of cls.photos.entries()) {
      add(photo.file, new Uint8Array(await source.photos[index].blob.arrayBuffer()), false);
    }
  }
  for (const [index, photo] of manifest.pile.entries()) add(photo.file, new Uint8Array(await pile[index].blob.arrayBuffer()), false);
  zip.end();
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

/** `handful-<project>-2025-06-01.zip` */
export function backupFileName(projectName: string, date: Date = new Date()): string {
  const slug = fileSlug(projectName);
  return `handful-${slug ? `${slug}-` : ''}${date.toISOString().slice(0, 10)}.zip`;
}

// ---------------------------------------------------------------------------------------------
// Reading.

const fail = (code: FileErrorCode, message: string, detail?: string) => new BackupError(code, message, detail);
const cannotRestore = 'This project backup cannot be opened:';

/** Names an archive may not hold: anything that could land outside the folder it is unpacked in. */
export function unsafeEntryName(name: string): boolean {
  if (name === '' || name.length > 1024) return true;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\\:]/.test(name)) return true; // control characters, Windows separators and drives
  if (name.startsWith('/')) return true;
  return name.split('/').some((segment, i, all) => segment === '..' || segment === '.' || (segment === '' && i < all.length - 1));
}

function zipFailure(error: ZipReadError): BackupError {
  switch (error.reason) {
    case 'not-zip':
    case 'damaged':
      return fail('damaged-archive', `${cannotRestore} it is damaged or incomplete (perhaps the download did not finish).`, error.message);
    case 'unsupported':
      return fail(
        'damaged-archive',
        `${cannotRestore} it was made in a way Handful cannot read (${error.message}). Use a backup saved by Handful itself.`,
        error.message,
      );
    case 'too-many-entries':
      return fail('archive-too-large', `${cannotRestore} it holds ${error.message}, more than a Handful project can have.`, error.message);
    case 'bomb':
      return fail(
        'archive-too-large',
        `${cannotRestore} a file inside expands to far more than it claims, which is how “zip bombs” attack computers. It was not unpacked.`,
        error.message,
      );
  }
}

const mb = (bytes: number) => (bytes < 1024 ** 2 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${Math.round(bytes / 1024 ** 2)} MB`);

async function wrongKind(blob: Blob): Promise<BackupError> {
  const head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
  const kind = sniff(head);
  if (kind === 'empty') return fail('empty-file', 'This file is empty, so it holds no project.');
  if (kind === 'text') {
    const text = new TextDecoder().decode(head);
    if (text.includes('"handful-classifier"')) {
      return fail('wrong-file-type', 'This is a Handful classifier file, not a project backup. Open it with “Open classifier” instead.');
    }
    return fail(
      'wrong-file-type',
      'This is a text file, not a Handful project backup. Backups are .zip files saved with “Back up project”.',
    );
  }
  if (kind === 'zip') return fail('damaged-archive', `${cannotRestore} it is damaged or incomplete (perhaps the download did not finish).`);
  return fail(
    'wrong-file-type',
    `This is ${describeKind(kind)}, not a Handful project backup. Backups are .zip files saved with “Back up project”.`,
  );
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? 'the manifest';
  if (issue.kind === 'validation') return `“${path}” ${issue.message}`;
  if (issue.received === 'undefined') return `“${path}” is missing`;
  // What was received quotes the file, which may hold text of any length.
  const received = issue.received.length > 60 ? `${issue.received.slice(0, 60)}…` : issue.received;
  return `“${path}” should be ${issue.expected ?? 'something else'}, but it is ${received}`;
}

function parseManifest(bytes: Uint8Array, migrations: readonly Migration[]): Manifest {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('invalid', `${cannotRestore} its manifest.json is not text.`);
  }
  const parsed = parseJsonSafely(text, HEAD_LIMITS.maxDepth);
  if (!parsed.ok) {
    const { problem } = parsed;
    if (problem.kind === 'syntax') throw fail('not-json', `${cannotRestore} its manifest.json is not valid JSON.`, problem.message);
    const what =
      problem.kind === 'too-deep'
        ? `data nested more than ${problem.maxDepth} levels deep`
        : problem.kind === 'forbidden-key'
          ? `the key “${problem.key}”`
          : `the key “${problem.key}” twice in one place`;
    throw fail('hostile-json', `${cannotRestore} its manifest.json contains ${what}, which no Handful backup has.`);
  }
  const raw = parsed.value;
  if (!isPlainObject(raw) || !hasOwn(raw, 'format') || raw.format !== BACKUP_FORMAT) {
    throw fail('not-this-format', 'This ZIP is not a Handful project backup (its manifest.json is of another kind).');
  }
  const check = migrateToCurrent(raw, BACKUP_FORMAT_VERSION, migrations);
  if (check.kind === 'newer') {
    throw fail(
      'newer-version',
      `This backup was saved by a newer version of Handful (backup format version ${check.version}; this version reads up to ${BACKUP_FORMAT_VERSION}). Update Handful, by reloading the page while online, and try again.`,
    );
  }
  if (check.kind === 'unsupported')
    throw fail(
      'unsupported-version',
      `This backup was saved by an old version of Handful (backup format version ${check.version}), which this version can no longer open.`,
    );
  if (check.kind === 'bad-version') throw fail('invalid', `${cannotRestore} its manifest has no proper format version.`);
  const result = v.safeParse(manifestSchema, check.document, { abortEarly: true });
  if (!result.success) throw fail('invalid', `${cannotRestore} in its manifest.json, ${describeIssue(result.issues[0])}.`);
  return result.output;
}

/**
 * Opens a backup made by writeBackup. Every name, size and checksum is checked; photos and
 * classes come back as they were. A head or embeddings this Handful cannot use are left out with
 * a warning rather than refusing the whole project. Throws BackupError (see ./errors).
 */
export async function readBackup(file: Blob, options: BackupOptions = {}): Promise<RestoredProject> {
  const limits = { ...BACKUP_LIMITS, ...options.limits };
  const registry = options.backbones ?? appBackbones;
  if (file.size > limits.maxTotalBytes) {
    throw fail(
      'archive-too-large',
      `${cannotRestore} it is larger than the ${Math.round(limits.maxTotalBytes / 1024 ** 2)} MB Handful can restore.`,
    );
  }
  let entries: ZipEntry[];
  try {
    entries = await readZipDirectory(file, limits.maxEntries);
  } catch (error) {
    if (!(error instanceof ZipReadError)) throw error;
    if (error.reason === 'not-zip') throw await wrongKind(file);
    throw zipFailure(error);
  }

  // Every name is checked, wanted or not: an archive with a path-traversal entry is not ours.
  const byName = new Map<string, ZipEntry>();
  let declaredTotal = 0;
  for (const entry of entries) {
    if (unsafeEntryName(entry.name)) {
      throw fail(
        'unsafe-path',
        `${cannotRestore} it contains a file named “${entry.name.slice(0, 100)}”, which would be stored outside its folder. It may have been made to attack computers; it was not unpacked.`,
      );
    }
    if (byName.has(entry.name)) throw fail('damaged-archive', `${cannotRestore} it holds two files named “${entry.name}”.`);
    byName.set(entry.name, entry);
    declaredTotal += entry.size;
  }
  if (declaredTotal > limits.maxTotalBytes) {
    throw fail(
      'archive-too-large',
      `${cannotRestore} it unpacks to ${Math.round(declaredTotal / 1024 ** 2)} MB, more than the ${Math.round(limits.maxTotalBytes / 1024 ** 2)} MB Handful can restore.`,
    );
  }
  if (declaredTotal > file.size * limits.maxExpansion + limits.expansionAllowance) {
    throw fail(
      'archive-too-large',
      `${cannotRestore} this ${mb(file.size)} file says it unpacks to ${mb(declaredTotal)}, far more than a real backup, which is how “zip bombs” attack computers. It was not unpacked.`,
    );
  }

  const read = async (name: string, maxBytes: number, what: string): Promise<Uint8Array> => {
    const entry = byName.get(name);
    if (!entry) throw fail('missing-entry', `${cannotRestore} ${what} is missing from it.`, name);
    if (entry.size > maxBytes)
      throw fail(
        'archive-too-large',
        `${cannotRestore} ${what} is ${Math.round(entry.size / 1024 ** 2)} MB, larger than Handful allows.`,
        name,
      );
    try {
      return await readZipEntry(file, entry);
    } catch (error) {
      if (error instanceof ZipReadError) {
        if (error.reason === 'damaged')
          throw fail('damaged-archive', `${cannotRestore} ${what} is damaged (perhaps the download did not finish).`, error.message);
        throw zipFailure(error);
      }
      throw error;
    }
  };

  if (!byName.has('manifest.json')) {
    throw fail(
      'not-this-format',
      'This ZIP is not a Handful project backup: it has no manifest.json. Backups are saved with “Back up project”.',
    );
  }
  const manifest = parseManifest(
    await read('manifest.json', limits.maxManifestBytes, 'its manifest.json'),
    options.migrations ?? BACKUP_MIGRATIONS,
  );

  // The manifest's own consistency: unique ids, and every photo where its id says it is.
  const classIds = new Set<string>();
  for (const cls of manifest.classes) {
    if (classIds.has(cls.id)) throw fail('invalid', `${cannotRestore} two classes share the id “${cls.id}”.`);
    classIds.add(cls.id);
    const photoIds = new Set<string>();
    for (const photo of cls.photos) {
      if (photoIds.has(photo.id)) throw fail('invalid', `${cannotRestore} class “${cls.name}” lists the photo “${photo.id}” twice.`);
      photoIds.add(photo.id);
      if (photo.file !== photoPath(cls.id, photo.id, photo.type))
        throw fail('invalid', `${cannotRestore} photo “${photo.name}” points at “${photo.file.slice(0, 100)}” instead of its own place.`);
    }
  }

  const pileIds = new Set<string>();
  for (const photo of manifest.pile) {
    if (pileIds.has(photo.id)) throw fail('invalid', `${cannotRestore} its unsorted pile lists the photo “${photo.id}” twice.`);
    pileIds.add(photo.id);
    if (photo.file !== pilePath(photo.id, photo.type))
      throw fail(
        'invalid',
        `${cannotRestore} unsorted photo “${photo.name}” points at “${photo.file.slice(0, 100)}” instead of its own place.`,
      );
    if (photo.accepted && !classIds.has(photo.accepted.classId))
      throw fail('invalid', `${cannotRestore} unsorted photo “${photo.name}” is accepted as a class the backup does not have.`);
  }

  const photoOf = async (photo: (typeof manifest.classes)[number]['photos'][number], what: string): Promise<BackupPhoto> => {
    const bytes = await read(photo.file, limits.maxPhotoBytes, what);
    if (bytes.length !== photo.size) throw fail('damaged-archive', `${cannotRestore} ${what} has the wrong size.`);
    return {
      id: photo.id,
      name: photo.name,
      ...(photo.path !== undefined && { path: photo.path }),
      blob: new Blob([bytes as BlobPart], { type: photo.type }),
      ...(photo.width !== undefined && { width: photo.width }),
      ...(photo.height !== undefined && { height: photo.height }),
    };
  };
  const classes: BackupClass[] = [];
  for (const cls of manifest.classes) {
    const photos: BackupPhoto[] = [];
    for (const photo of cls.photos) photos.push(await photoOf(photo, `photo “${photo.name}” of class “${cls.name}”`));
    classes.push({ id: cls.id, name: cls.name, photos });
  }
  const pile: BackupPilePhoto[] = [];
  for (const photo of manifest.pile) {
    const restored = await photoOf(photo, `unsorted photo “${photo.name}”`);
    pile.push({ ...restored, ...(photo.accepted && { accepted: { ...photo.accepted } }) });
  }

  const warnings: string[] = [];
  let head: HeadFile | undefined;
  if (manifest.head) {
    const bytes = await read('head.json', HEAD_LIMITS.maxBytes, 'its trained classifier (head.json)');
    try {
      head = parseHeadFile(bytes, { backbones: registry });
    } catch (error) {
      if (!(error instanceof FileFormatError)) throw error;
      warnings.push(`The trained classifier was left out: ${error.message} It will be trained again from the photos.`);
    }
  }

  let embeddings: BackupEmbeddings | undefined;
  if (manifest.embeddings) {
    const { featuresId, weightsManifestSha256, dim, file: name, photoIds } = manifest.embeddings;
    const ids = featuresId.replace(/\+flip$/, '').split('+');
    const current = ids.map((id) => registry.find((spec) => spec.id === id)?.weightsManifestSha256);
    if (name !== embeddingsPath(featuresId))
      throw fail('invalid', `${cannotRestore} its embeddings point at “${name.slice(0, 100)}” instead of their own place.`);
    if (new Set(photoIds).size !== photoIds.length) throw fail('invalid', `${cannotRestore} its embeddings list a photo twice.`);
    if (current.length !== weightsManifestSha256.length || current.some((sha, i) => sha !== weightsManifestSha256[i])) {
      warnings.push(
        'The saved embeddings were made with model weights this version of Handful does not have; they will be computed again.',
      );
    } else {
      const bytes = await read(name, limits.maxEmbeddingsBytes, 'its embeddings');
      if (bytes.length !== photoIds.length * dim * 4)
        throw fail('damaged-archive', `${cannotRestore} its embeddings file has the wrong size.`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const vectors = new Map<string, Float32Array>();
      photoIds.forEach((id, r) => {
        const row = new Float32Array(dim);
        for (let d = 0; d < dim; d++) row[d] = view.getFloat32((r * dim + d) * 4, true);
        vectors.set(id, row);
      });
      if ([...vectors.values()].some((row) => row.some((x) => !Number.isFinite(x)))) {
        warnings.push('Some saved embeddings were damaged; they will be computed again.');
      } else {
        embeddings = { featuresId, vectors };
      }
    }
  }

  return {
    project: { ...manifest.project },
    classes,
    pile,
    ...(embeddings && { embeddings }),
    ...(head && { head }),
    createdAt: manifest.createdAt,
    appVersion: manifest.appVersion,
    warnings,
  };
}
