/** Photos by content hash: a downscaled copy (longest side 512) and a square thumbnail. */
import { createStore, delMany, getMany, keys, set, setMany } from 'idb-keyval';
import { guardedWrite, isRecord } from './records';

export interface PhotoRecordV1 {
  version: 1;
  hash: string;
  /** JPEG, longest side at most 512 px. */
  image: Blob;
  /** JPEG, the centred square (what the model looks at), 128 x 128. */
  thumbnail: Blob;
  /** Of the original file. */
  width: number;
  height: number;
}

export type PhotoRecord = PhotoRecordV1;

const store = createStore('handful-photos', 'photos');

export function migratePhoto(raw: unknown): PhotoRecord | undefined {
  if (!isRecord(raw) || raw.version !== 1) return undefined;
  if (typeof raw.hash !== 'string' || !(raw.image instanceof Blob) || !(raw.thumbnail instanceof Blob)) return undefined;
  if (typeof raw.width !== 'number' || typeof raw.height !== 'number') return undefined;
  return raw as unknown as PhotoRecordV1;
}

export async function loadPhotos(hashes: string[]): Promise<(PhotoRecord | undefined)[]> {
  return (await getMany(hashes, store)).map(migratePhoto);
}

export function savePhoto(photo: PhotoRecord): Promise<void> {
  return guardedWrite(() => set(photo.hash, photo, store));
}

/** Several photos in one transaction: what an import does once a frame. */
export function savePhotos(photos: PhotoRecord[]): Promise<void> {
  return guardedWrite(() =>
    setMany(
      photos.map((photo) => [photo.hash, photo]),
      store,
    ),
  );
}

export async function deletePhotosExcept(keep: Set<string>): Promise<void> {
  const stale = (await keys<string>(store)).filter((hash) => !keep.has(hash));
  if (stale.length > 0) await delMany(stale, store);
}

/** Bytes a photo takes in storage (both JPEGs). */
export const photoBytes = (photo: PhotoRecord) => photo.image.size + photo.thumbnail.size;
