/**
 * Opening a project of thousands of photos, first screen first: the caller shows the class names
 * and counts from the project record at once; this then loads the photos each class shows at its
 * top, then the others, in chunks that each take a few milliseconds of the page's time, and the
 * embeddings last. Nothing waits for all of it, and no single step holds the page for long.
 */
import { loadEmbeddings } from '../../store/embeddings';
import { loadPhotos } from '../../store/photos';
import type { ProjectRecord } from '../../store/projects';
import type { PhotoLibrary } from './library';

/** Photos per chunk read from storage: small enough to keep each step short. */
const chunkSize = 200;
/** Photos per class loaded first: what a class shows before it is scrolled. */
const firstScreenPerClass = 48;

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface Loaded {
  /** Named by the project, but not on this device. */
  missing: string[];
  /** Stored, but without an embedding for these features: the model has yet to look at them. */
  unembedded: string[];
}

/** Every photo the project names, those shown first at the front. */
export function loadingOrder(project: ProjectRecord): string[] {
  const first = project.classes.flatMap((c) => c.photos.slice(0, firstScreenPerClass).map((p) => p.hash));
  const rest = project.classes.flatMap((c) => c.photos.slice(firstScreenPerClass).map((p) => p.hash));
  return [...first, ...(project.pile ?? []).map((p) => p.hash), ...rest];
}

/**
 * Fills `library` with the project's photos and then their embeddings for `featuresId`.
 * Stops (returning undefined) as soon as `stillWanted` says another project was opened meanwhile.
 */
export async function loadInStages(
  project: ProjectRecord,
  featuresId: string,
  library: PhotoLibrary,
  stillWanted: () => boolean,
): Promise<Loaded | undefined> {
  const order = loadingOrder(project);
  const stored: string[] = [];
  const missing: string[] = [];
  for (let from = 0; from < order.length; from += chunkSize) {
    const hashes = order.slice(from, from + chunkSize);
    const records = await loadPhotos(hashes);
    if (!stillWanted()) return undefined;
    hashes.forEach((hash, i) => {
      const record = records[i];
      if (record) {
        library.put(hash, { record, embedding: undefined });
        stored.push(hash);
      } else missing.push(hash);
    });
    library.changed();
    await nextTask();
  }
  const unembedded: string[] = [];
  for (let from = 0; from < stored.length; from += chunkSize * 4) {
    const hashes = stored.slice(from, from + chunkSize * 4);
    const embeddings = await loadEmbeddings(featuresId, hashes);
    if (!stillWanted()) return undefined;
    hashes.forEach((hash, i) => {
      const embedding = embeddings[i];
      if (embedding) library.setEmbedding(hash, embedding);
      else unembedded.push(hash);
    });
    await nextTask();
  }
  return { missing, unembedded };
}
