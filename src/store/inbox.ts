/**
 * Photos read but not yet fully added: the original file, kept from the moment it is read (and
 * hashed) until its stored copy, embedding and the project naming it are all saved. A tab closed
 * or crashed in between loses nothing: the project reopens with these photos "waiting" and the
 * model resumes them from here. One record per project and photo.
 */
import { createStore, delMany, promisifyRequest, setMany } from 'idb-keyval';
import { guardedWrite, isRecord } from './records';

export interface InboxRecordV1 {
  version: 1;
  projectId: string;
  hash: string;
  /** The class it goes to, or the unsorted pile's id. */
  target: string;
  /** The file name it was added with. */
  name: string;
  /** Where it was found in what was dropped or picked (folders), if anywhere. */
  path?: string;
  /** The original, byte for byte. */
  file: Blob;
  /** Milliseconds since 1970: photos resume in the order they were added. */
  addedAt: number;
}
export type InboxRecord = InboxRecordV1;

const store = createStore('handful-inbox', 'inbox');
const key = (projectId: string, hash: string) => `${projectId}:${hash}`;
/** Every key of one project: '<id>:' up to '<id>:' followed by the highest character. */
const projectRange = (projectId: string) => IDBKeyRange.bound(`${projectId}:`, `${projectId}:\uffff`);

export function migrateInbox(raw: unknown): InboxRecord | undefined {
  if (!isRecord(raw) || raw.version !== 1) return undefined;
  const { projectId, hash, target, name, file, addedAt } = raw;
  if (typeof projectId !== 'string' || typeof hash !== 'string' || typeof target !== 'string' || typeof name !== 'string') return undefined;
  if (!(file instanceof Blob) || typeof addedAt !== 'number') return undefined;
  return raw as unknown as InboxRecordV1;
}

/** One transaction for the lot: a drop of hundreds of photos is a handful of writes, not hundreds. */
export function keepInInbox(records: InboxRecord[]): Promise<void> {
  if (records.length === 0) return Promise.resolve();
  return guardedWrite(() =>
    setMany(
      records.map((record) => [key(record.projectId, record.hash), record]),
      store,
    ),
  );
}

/** The project's waiting originals, oldest first. */
export async function loadInbox(projectId: string): Promise<InboxRecord[]> {
  const raw = await store('readonly', (objects) => promisifyRequest(objects.getAll(projectRange(projectId))));
  return (raw as unknown[])
    .map(migrateInbox)
    .filter((record): record is InboxRecord => record !== undefined)
    .sort((a, b) => a.addedAt - b.addedAt);
}

/** Gives project `to` every original waiting in project `from`'s inbox (a duplicate waits for them too). */
export async function copyInbox(from: string, to: string): Promise<void> {
  await keepInInbox((await loadInbox(from)).map((record) => ({ ...record, projectId: to })));
}

export function removeFromInbox(projectId: string, hashes: string[]): Promise<void> {
  if (hashes.length === 0) return Promise.resolve();
  return delMany(
    hashes.map((hash) => key(projectId, hash)),
    store,
  );
}

export function deleteInboxOf(projectId: string): Promise<void> {
  return store('readwrite', (objects) => {
    objects.delete(projectRange(projectId));
    return promisifyRequest(objects.transaction);
  });
}
