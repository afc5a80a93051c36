/**
 * Projects: a name and classes, each class listing its photos by content hash. The photos
 * themselves live in ./photos and their embeddings in ./embeddings, so a photo in two projects
 * (after "duplicate") is stored once.
 */
import { createStore, del, get, promisifyRequest, values } from 'idb-keyval';
import { guardedWrite, isRecord } from './records';

export interface PhotoRef {
  /** SHA-256 of the original file's bytes, hex. */
  hash: string;
  /** The file name it was added with, shown to people. */
  name: string;
  /** Where it was found in what the person dropped or picked ("trip/day 1/IMG_01.jpg"), when known. */
  path?: string;
}

/**
 * A photo of the "Unsorted" pile: never trained on. "Accept the sure ones" gives it the class it
 * was suggested, marked as accepted rather than labelled by hand, until the person confirms it.
 */
export interface PileItem extends PhotoRef {
  accepted?: { classId: string; confidence: number };
}

export interface ClassRecord {
  /** Stable across renames and reorders; the trained head names classes by it. */
  id: string;
  name: string;
  photos: PhotoRef[];
}

export interface ProjectRecordV1 {
  version: 1;
  id: string;
  name: string;
  /** Milliseconds since 1970. */
  createdAt: number;
  updatedAt: number;
  /**
   * The engine feature configuration the project's embeddings and head come from, e.g. 'v1-0.75'
   * or 'v1-0.75+v2-1.0+flip' (see featuresById). Chosen per project: its head only works with it.
   */
  featuresId: string;
  classes: ClassRecord[];
}

/** Adds the "Unsorted" pile. */
export interface ProjectRecordV2 extends Omit<ProjectRecordV1, 'version'> {
  version: 2;
  pile: PileItem[];
}

export type ProjectRecord = ProjectRecordV2;

const store = createStore('handful-projects', 'projects');

/** What every project was embedded with before the features could be chosen. */
const featuresBeforeChoice = 'v1-0.75';

function isPhotoRef(value: unknown): value is PhotoRef {
  return isRecord(value) && typeof value.hash === 'string' && typeof value.name === 'string';
}

function isPileItem(value: unknown): value is PileItem {
  if (!isPhotoRef(value) || (value.path !== undefined && typeof value.path !== 'string')) return false;
  const { accepted } = value as { accepted?: unknown };
  return accepted === undefined || (isRecord(accepted) && typeof accepted.classId === 'string' && typeof accepted.confidence === 'number');
}

function isClassRecord(value: unknown): value is ClassRecord {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.name === 'string' &&
    Array.isArray(value.photos) &&
    value.photos.every(isPhotoRef)
  );
}

/**
 * Brings a stored project up to the current version. Undefined for anything this release cannot
 * read (damaged, or written by a newer release): such a record is left alone, never overwritten.
 */
export function migrateProject(raw: unknown): ProjectRecord | undefined {
  if (!isRecord(raw) || (raw.version !== 1 && raw.version !== 2)) return undefined;
  const { id, name, createdAt, updatedAt, featuresId, classes, pile } = raw;
  if (typeof id !== 'string' || typeof name !== 'string') return undefined;
  if (typeof createdAt !== 'number' || typeof updatedAt !== 'number') return undefined;
  if (!Array.isArray(classes) || !classes.every(isClassRecord)) return undefined;
  // Early development builds wrote no features: they only ever computed 'v1-0.75'.
  if (featuresId !== undefined && (typeof featuresId !== 'string' || featuresId === '')) return undefined;
  if (raw.version === 2 && (featuresId === undefined || !Array.isArray(pile) || !pile.every(isPileItem))) return undefined;
  // Version 1 had no pile: its projects start with an empty one.
  return {
    ...(raw as unknown as ProjectRecordV2),
    version: 2,
    featuresId: featuresId ?? featuresBeforeChoice,
    pile: raw.version === 1 ? [] : (pile as PileItem[]),
  };
}

export async function loadProject(id: string): Promise<ProjectRecord | undefined> {
  return migrateProject(await get(id, store));
}

export async function loadAllProjects(): Promise<ProjectRecord[]> {
  const all = (await values(store)).map(migrateProject).filter((p): p is ProjectRecord => p !== undefined);
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

/**
 * Commits at once rather than when the page next becomes idle: the last save is often made as the
 * page is being closed, and a transaction not yet committed then is lost.
 */
export function saveProject(project: ProjectRecord): Promise<void> {
  return guardedWrite(() =>
    store('readwrite', (objects) => {
      objects.put(project, project.id);
      objects.transaction.commit();
      return promisifyRequest(objects.transaction);
    }),
  );
}

export function deleteProjectRecord(id: string): Promise<void> {
  return del(id, store);
}

export function newId(): string {
  return crypto.randomUUID();
}

/** Every photo hash some project refers to: what must be kept when cleaning up. */
export function referencedHashes(projects: ProjectRecord[]): Set<string> {
  return new Set(
    projects.flatMap((project) => [
      ...project.classes.flatMap((c) => c.photos.map((photo) => photo.hash)),
      ...project.pile.map((p) => p.hash),
    ]),
  );
}
