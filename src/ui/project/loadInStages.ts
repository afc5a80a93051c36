/**
 * Opening a project of thousands of photos, first screen first: the caller shows the class names
 * and counts from the project record at once; this then loads the photos each class shows at its
 * top, then the others, in chunks that each take a few milliseconds of the page's time, and the
 * embeddings last. Nothing waits for all of it, and no single step holds the page for long.
 */
import { loadEmbeddings } from '../../store/embeddings';
import { loadInbox, removeFromInbox } from '../../store/inbox';
import { loadPhotos } from '../../store/photos';
import type { PhotoRef, ProjectRecord } from '../../store/projects';
import type { WaitingPhoto } from './importPhotos';
import type { PhotoLibrary } from './library';

/** Photos per chunk read from storage: small enough to keep each step short. */
const chunkSize = 200;
/** Photos per class loaded first of all: a grid's top row (see ThumbGrid), read in a chunk of their own. */
const firstRowPerClass = 8;
/** Photos per class loaded next: what a class shows before it is scrolled. */
const firstScreenPerClass = 48;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface Loaded {
  /** Named by the project, but not on this device. */
  missing: string[];
  /**
   * Photos the model has yet to look at with these features, in the order they were added: read
   * but not finished when the page closed (their original is in the inbox), or stored without
   * such an embedding (the features changed, a lost record).
   */
  waiting: WaitingPhoto[];
  /** Read into the inbox, but the page closed before the project named them: they join their class (or pile) again. */
  adopted: { target: string; ref: PhotoRef }[];
}

/**
 * Every photo the project names, those shown first at the front: every class's top row, then
 * the rest of every class's first screen, the pile, and the rest. `firstChunk` is how many make
 * the top rows: read on their own, so every class shows a row of thumbnails as soon as one small
 * read allows, rather than the first classes a whole screen before the last class shows any.
 */
export function loadingOrder(project: ProjectRecord): { order: string[]; firstChunk: number } {
  const slice = (from: number, to?: number) => project.classes.flatMap((c) => c.photos.slice(from, to).map((p) => p.hash));
  const topRows = slice(0, firstRowPerClass);
  const order = [
    ...topRows,
    ...slice(firstRowPerClass, firstScreenPerClass),
    ...(project.pile ?? []).map((p) => p.hash),
    ...slice(firstScreenPerClass),
  ];
  return { order, firstChunk: topRows.length };
}

/**
 * Fills `library` with the project's photos and then their embeddings for `featuresId`, and finds
 * what waits for the model. `isTarget` says whether a class (or the pile) of that id still exists.
 * Stops (returning undefined) as soon as `stillWanted` says another project was opened meanwhile.
 */
export async function loadInStages(
  project: ProjectRecord,
  featuresId: string,
  library: PhotoLibrary,
  stillWanted: () => boolean,
  isTarget: (target: string) => boolean,
): Promise<Loaded | undefined> {
  const inbox = await loadInbox(project.id);
  const { order, firstChunk } = loadingOrder(project);
  const named = new Set(order);
  const adopted = inbox.filter((entry) => !named.has(entry.hash) && isTarget(entry.target));
  order.push(...adopted.map((entry) => entry.hash));
  const originals = new Map(inbox.map((entry) => [entry.hash, entry]));
  const stored: string[] = [];
  const missing: string[] = [];
  const fromInbox: WaitingPhoto[] = [];
  for (let from = 0, size = firstChunk || chunkSize; from < order.length; from += size, size = chunkSize) {
    const hashes = order.slice(from, from + size);
    const records = await loadPhotos(hashes);
    if (!stillWanted()) return undefined;
    hashes.forEach((hash, i) => {
      const record = records[i];
      const original = originals.get(hash);
      if (record) {
        library.put(hash, { record, embedding: undefined });
        stored.push(hash);
      } else if (original) fromInbox.push({ ref: refOf(original), original: original.file });
      else missing.push(hash);
    });
    library.changed();
    await nextTask();
  }
  const unembedded: string[] = [];
  const done: string[] = [];
  // Embeddings are the bulk (kilobytes each, copied out of IndexedDB on the page's thread): no
  // more per read than the photo records.
  for (let from = 0; from < stored.length; from += chunkSize) {
    const hashes = stored.slice(from, from + chunkSize);
    const embeddings = await loadEmbeddings(featuresId, hashes);
    if (!stillWanted()) return undefined;
    hashes.forEach((hash, i) => {
      const embedding = embeddings[i];
      if (embedding) {
        library.setEmbedding(hash, embedding);
        if (originals.has(hash)) done.push(hash);
      } else unembedded.push(hash);
    });
    await nextTask();
  }
  library.settled = true;
  // Finished before the page closed, but still in the inbox: the original is no longer needed.
  // Best effort: left there, it is found finished again next time.
  void removeFromInbox(
    project.id,
    done.filter((hash) => named.has(hash)),
  ).catch((error: unknown) => console.warn('Clearing finished photos from the inbox failed', error));
  const refs = new Map(
    [...project.classes.flatMap((c) => c.photos), ...(project.pile ?? []), ...adopted.map(refOf)].map((ref) => [ref.hash, ref]),
  );
  const stillStored: WaitingPhoto[] = unembedded.map((hash) => ({ ref: refs.get(hash)!, record: library.recordOf(hash)! }));
  const added = new Map(inbox.map((entry, i) => [entry.hash, i]));
  const waiting = [...fromInbox, ...stillStored].sort((a, b) => (added.get(a.ref.hash) ?? -1) - (added.get(b.ref.hash) ?? -1));
  return { missing, waiting, adopted: adopted.map((entry) => ({ target: entry.target, ref: refOf(entry) })) };
}

function refOf(entry: { hash: string; name: string; path?: string }): PhotoRef {
  return entry.path === undefined ? { hash: entry.hash, name: entry.name } : { hash: entry.hash, name: entry.name, path: entry.path };
}
