/**
 * Adding photos, in two stages so that nothing read is ever lost:
 * 1. Read: hash each file, notice duplicates, and keep the original in the inbox (src/store/inbox)
 *    at once, many per transaction. From then on the photo is part of the project, "waiting".
 * 2. Look: the engine's worker decodes each waiting photo once, hands back its stored copy and
 *    thumbnail (saved before the model runs) and then its embedding (saved as it arrives).
 * A tab closed between the two reopens with the waiting photos and resumes them (lookAt, from
 * the inbox or the stored copy); a worker that crashes is restarted and the photos it had not
 * finished are sent again. Files the browser cannot open are skipped with the engine's
 * explanation; the rest carry on. A photo kept but not finished (a failed write, a model that
 * stopped) stays waiting and is said so; a file that could not be kept is handed back, by name.
 */
import { EngineCrashedError, type EngineClient, type PhotoCopies } from '../../engine';
import { writeBatcher } from '../../store/batch';
import { loadEmbeddings, saveEmbeddings } from '../../store/embeddings';
import { keepInInbox, type InboxRecord } from '../../store/inbox';
import { loadPhotos, savePhotos, type PhotoRecord } from '../../store/photos';
import type { PhotoRef } from '../../store/projects';
import { StorageFullError } from '../../store/records';
import { embedCounted } from '../embedCount';
import { downscale, sha256Hex, withTypeFromName } from '../files/images';
import { reasonOf } from './saveProblems';

export interface LoadedPhoto {
  record: PhotoRecord;
  embedding: Float32Array | undefined;
}

/**
 * A photo of the project the model has not looked at yet: its original (from the drop, or from
 * the inbox after a reload; the engine's copies are saved on the way), or its stored copy.
 */
export type WaitingPhoto = { ref: PhotoRef } & ({ original: Blob; record?: undefined } | { record: PhotoRecord; original?: undefined });

export interface LookContext {
  engine: EngineClient;
  featuresId: string;
  signal: AbortSignal;
  /** A photo's stored copy and thumbnail are saved: its thumbnail can show. */
  onStored(hash: string, record: PhotoRecord): void;
  /** A photo is complete (stored and embedded). `file` is the original it came from, when known. */
  onPhoto(ref: PhotoRef, photo: LoadedPhoto, file: File | undefined): void;
  /** Photos that turned out unusable (cannot be opened): they leave the project. */
  onDropped(hashes: string[]): void;
  /** One more photo handled; `embedded` when the model looked at it. */
  onFileDone(embedded: boolean): void;
}

export interface ImportContext extends LookContext {
  projectId: string;
  /** The class (or the pile) the photos go to. */
  target: string;
  /** Where each file was found in what was dropped, if in a folder. */
  paths?: ReadonlyMap<File, string>;
  /** Where a photo with this hash already is (a class's name), if anywhere. */
  whereIs(hash: string): string | undefined;
  /** Photos read and kept: from now on the project names them (waiting for the model). */
  onWaiting(refs: PhotoRef[]): void;
}

export interface ImportReport {
  added: number;
  duplicates: { name: string; where: string }[];
  skipped: { name: string; problem: string }[];
  cancelled: boolean;
  storageFull: boolean;
  /** Files not kept (the disk filled up, or a read or write failed): still in memory, so "Try again" can add them. */
  unread: File[];
  /** Why `unread` were not kept: a StorageFullError, or another failure. */
  unreadError?: unknown;
  /** Photos kept in the project that could not be finished: they stay waiting for the model, to be looked at again. */
  waiting: { name: string; problem: string }[];
}

const emptyFileProblem = 'The file is empty.';
/** Files read (hashed and kept) per inbox transaction: the model starts on the first ones while the rest are read. */
const readChunk = 24;
/** A worker that crashes more often than this during one import is given up on; the photos stay waiting. */
const crashRetries = 3;

export const emptyReport = (): ImportReport => ({
  added: 0,
  duplicates: [],
  skipped: [],
  cancelled: false,
  storageFull: false,
  unread: [],
  waiting: [],
});

export async function importPhotos(files: File[], outer: ImportContext): Promise<ImportReport> {
  const { featuresId, signal } = outer;
  const report = emptyReport();
  // Every file is counted handled once; those left when the import ends early are counted at its
  // end, so the progress bar ends, and a write settling after that is not counted twice.
  let handled = 0;
  let over = false;
  const context: ImportContext = {
    ...outer,
    onFileDone: (embedded) => {
      if (over) return;
      handled++;
      outer.onFileDone(embedded);
    },
  };
  const inThisBatch = new Set<string>();
  /** Files with an outcome (skipped, a duplicate, added, or kept): the others are handed back if reading fails. */
  const settled = new Set<File>();
  let looking: Promise<void> = Promise.resolve();
  let from = 0;
  try {
    for (; from < files.length; from += readChunk) {
      if (signal.aborted) {
        report.cancelled = true;
        break;
      }
      const fresh: { file: File; hash: string; ref: PhotoRef }[] = [];
      for (const file of files.slice(from, from + readChunk)) {
        if (file.size === 0) {
          report.skipped.push({ name: file.name, problem: emptyFileProblem });
          settled.add(file);
          context.onFileDone(false);
          continue;
        }
        const hash = await sha256Hex(file);
        const where = context.whereIs(hash) ?? (inThisBatch.has(hash) ? 'this drop' : undefined);
        if (where !== undefined) {
          report.duplicates.push({ name: file.name, where });
          settled.add(file);
          context.onFileDone(false);
          continue;
        }
        inThisBatch.add(hash);
        const path = context.paths?.get(file);
        fresh.push({ file, hash, ref: path === undefined ? { hash, name: file.name } : { hash, name: file.name, path } });
      }
      if (fresh.length === 0) continue;

      // A photo seen before (deleted and added again, or in another project) is already stored.
      const hashes = fresh.map((f) => f.hash);
      const [stored, embeddings] = await Promise.all([loadPhotos(hashes), loadEmbeddings(featuresId, hashes)]);
      const toRead: typeof fresh = [];
      const knownCopies: Promise<void>[] = [];
      fresh.forEach((item, i) => {
        const { ref } = item;
        const record = stored[i];
        const embedding = embeddings[i];
        if (record && embedding) {
          context.onPhoto(ref, { record, embedding }, item.file);
          report.added++;
          settled.add(item.file);
          context.onFileDone(false);
        } else if (embedding) {
          // Known to the model already (a photo from "Try it"): only the copies are missing, made here.
          knownCopies.push(storeKnown(item, embedding, context, report));
          settled.add(item.file);
        } else toRead.push(item);
      });
      await Promise.all(knownCopies);
      if (toRead.length === 0) continue;

      const now = Date.now();
      const kept: InboxRecord[] = toRead.map((item, i) => ({
        version: 1,
        projectId: context.projectId,
        target: context.target,
        ...item.ref,
        file: item.file,
        addedAt: now + i,
      }));
      await keepInInbox(kept);
      toRead.forEach((item) => settled.add(item.file));
      context.onWaiting(toRead.map((item) => item.ref));
      const waiting = toRead.map((item) => ({ ref: item.ref, original: item.file }));
      looking = looking.then(async () => {
        if (signal.aborted) return;
        mergeReports(report, await lookAt(waiting, context));
      });
    }
  } catch (error) {
    // Everything kept so far stays (and is looked at); the rest stays in memory for "Try again".
    if (error instanceof StorageFullError) report.storageFull = true;
    report.unread.push(...files.slice(from).filter((file) => !settled.has(file)));
    report.unreadError ??= error;
  }
  await looking;
  over = true;
  if (!report.cancelled) for (; handled < files.length; handled++) outer.onFileDone(false);
  return report;
}

function mergeReports(into: ImportReport, from: ImportReport): void {
  into.added += from.added;
  into.skipped.push(...from.skipped);
  into.cancelled ||= from.cancelled;
  into.storageFull ||= from.storageFull;
  into.waiting.push(...from.waiting);
}

async function storeKnown(
  item: { file: File; hash: string; ref: PhotoRef },
  embedding: Float32Array,
  context: LookContext,
  report: ImportReport,
) {
  try {
    const record: PhotoRecord = { version: 1, hash: item.hash, ...(await downscale(item.file)) };
    await savePhotos([record]);
    context.onPhoto(item.ref, { record, embedding }, item.file);
    report.added++;
  } catch (error) {
    // Not kept: handed back, by name, for "Try again".
    if (error instanceof StorageFullError) report.storageFull = true;
    report.unread.push(item.file);
    report.unreadError ??= error;
  }
  context.onFileDone(false);
}

/**
 * The model looks at waiting photos: stored copies are saved as the engine makes them (before
 * the model runs), embeddings as they arrive, a few dozen per transaction. A crashed worker is
 * restarted by the engine client; the photos without a result are sent again. A model that stops
 * for good leaves the photos it had not answered waiting (`waiting` names them).
 */
export async function lookAt(photos: WaitingPhoto[], context: LookContext): Promise<ImportReport> {
  const { featuresId, signal } = context;
  const report = emptyReport();
  if (photos.length === 0) return report;
  // The engine computes the features it was last started with; others would mix into the project.
  if (context.engine.featuresId !== featuresId) {
    for (const photo of photos) {
      report.skipped.push({
        name: photo.ref.name,
        problem: 'The photo features changed while it waited to be added. Please add it again.',
      });
      context.onFileDone(false);
    }
    context.onDropped(photos.map((photo) => photo.ref.hash));
    return report;
  }
  const copies = writeBatcher(savePhotos);
  const embeddingWrites = writeBatcher((entries: { hash: string; embedding: Float32Array }[]) => saveEmbeddings(featuresId, entries));
  /** Each photo's stored copy once saved; undefined when it could not be (it then stays waiting). */
  const records = new Map<string, Promise<PhotoRecord | undefined>>();
  const writes: Promise<void>[] = [];
  const dropped: string[] = [];
  // Either way the photo stays in the project, waiting: a later look tries again.
  const failed = (photo: WaitingPhoto, error: unknown) => {
    if (error instanceof StorageFullError) report.storageFull = true;
    else report.waiting.push({ name: photo.ref.name, problem: reasonOf(error) });
  };
  const onPrepared = (batch: WaitingPhoto[]) => (index: number, made: PhotoCopies) => {
    const photo = batch[index];
    if (photo.record) return;
    const record: PhotoRecord = { version: 1, hash: photo.ref.hash, ...made };
    const saved = copies.add(record).then(
      () => {
        context.onStored(photo.ref.hash, record);
        return record;
      },
      (error: unknown) => void failed(photo, error),
    );
    records.set(photo.ref.hash, saved);
  };

  let left = photos;
  for (let attempt = 0; left.length > 0 && !signal.aborted; attempt++) {
    const answered = new Set<number>();
    const batch = left;
    try {
      const { cancelled } = await embedCounted(
        context.engine,
        batch.map((photo) => photo.record?.image ?? (photo.original instanceof File ? withTypeFromName(photo.original) : photo.original!)),
        {
          signal,
          ...(batch.some((photo) => !photo.record) ? { onPrepared: onPrepared(batch) } : {}),
          onResult: (result) => {
            answered.add(result.index);
            const photo = batch[result.index];
            if ('problem' in result) {
              report.skipped.push({ name: photo.ref.name, problem: result.problem });
              dropped.push(photo.ref.hash);
              context.onFileDone(true);
              return;
            }
            const { embedding } = result;
            const saved = photo.record ? Promise.resolve(photo.record) : (records.get(photo.ref.hash) ?? Promise.resolve(undefined));
            writes.push(
              saved
                .then(async (record) => {
                  if (!record) return; // its copy could not be saved: it stays waiting, for next time
                  await embeddingWrites.add({ hash: photo.ref.hash, embedding });
                  context.onPhoto(photo.ref, { record, embedding }, photo.original instanceof File ? photo.original : undefined);
                  report.added++;
                })
                .catch((error: unknown) => failed(photo, error))
                .finally(() => context.onFileDone(true)),
            );
          },
        },
      );
      if (cancelled) report.cancelled = true;
      left = [];
    } catch (error) {
      // The engine client starts a new worker; what the old one had not answered goes again.
      left = batch.filter((_, index) => !answered.has(index));
      if (!(error instanceof EngineCrashedError) || attempt + 1 >= crashRetries) {
        // The model stopped for good: those photos stay waiting, to be looked at again.
        report.waiting.push(...left.map((photo) => ({ name: photo.ref.name, problem: reasonOf(error) })));
        break;
      }
    }
  }
  await Promise.all([copies.flush(), embeddingWrites.flush()]);
  await Promise.all(writes);
  if (dropped.length > 0) context.onDropped(dropped);
  return report;
}
