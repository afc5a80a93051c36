/**
 * Adding photos: hash each file, notice duplicates, let the model look at each new one (in the
 * engine's worker, which decodes it once and also makes the downscaled copy and thumbnail), and
 * save it all as it arrives. Files the browser cannot open are skipped with the engine's
 * explanation; the rest carry on.
 */
import type { EngineClient, PhotoCopies } from '../../engine';
import { loadEmbeddings, saveEmbedding } from '../../store/embeddings';
import { loadPhotos, savePhoto, type PhotoRecord } from '../../store/photos';
import type { PhotoRef } from '../../store/projects';
import { StorageFullError } from '../../store/records';
import { embedCounted } from '../embedCount';
import { downscale, sha256Hex, withTypeFromName } from '../files/images';

export interface LoadedPhoto {
  record: PhotoRecord;
  embedding: Float32Array | undefined;
}

export interface ImportContext {
  engine: EngineClient;
  featuresId: string;
  signal: AbortSignal;
  /** The class a photo with this hash is already in, if any. */
  whereIs(hash: string): string | undefined;
  /** A photo is ready (stored, embedded): show it. `file` is the original it came from. */
  onPhoto(ref: PhotoRef, photo: LoadedPhoto, file: File): void;
  /** One more file handled; `embedded` when the model looked at it. */
  onFileDone(embedded: boolean): void;
}

export interface ImportReport {
  added: number;
  duplicates: { name: string; where: string }[];
  skipped: { name: string; problem: string }[];
  cancelled: boolean;
  storageFull: boolean;
}

const emptyFileProblem = 'The file is empty.';

export async function importPhotos(files: File[], context: ImportContext): Promise<ImportReport> {
  const { featuresId, signal } = context;
  const report: ImportReport = { added: 0, duplicates: [], skipped: [], cancelled: false, storageFull: false };
  const fresh: { file: File; hash: string }[] = [];
  const inThisBatch = new Set<string>();
  for (const file of files) {
    if (signal.aborted) return { ...report, cancelled: true };
    if (file.size === 0) {
      report.skipped.push({ name: file.name, problem: emptyFileProblem });
      context.onFileDone(false);
      continue;
    }
    const hash = await sha256Hex(file);
    const where = context.whereIs(hash) ?? (inThisBatch.has(hash) ? 'this drop' : undefined);
    if (where !== undefined) {
      report.duplicates.push({ name: file.name, where });
      context.onFileDone(false);
      continue;
    }
    inThisBatch.add(hash);
    fresh.push({ file, hash });
  }

  // A photo seen before (deleted and added again, or in another project) is already stored.
  const hashes = fresh.map((f) => f.hash);
  const [stored, embeddings] = await Promise.all([loadPhotos(hashes), loadEmbeddings(featuresId, hashes)]);
  const toEmbed: { file: File; hash: string }[] = [];
  // Results arrive while the model works on the next photos; storing them is chained so photos
  // keep their order and one slow write never overlaps the next.
  let storing: Promise<void> = Promise.resolve();
  const store = async (item: { file: File; hash: string }, embedding: Float32Array, embedded: boolean, copies?: PhotoCopies) => {
    if (report.storageFull) return context.onFileDone(embedded);
    try {
      const record: PhotoRecord = { version: 1, hash: item.hash, ...(copies ?? (await downscale(item.file))) };
      // The photo goes in before its embedding, and both before the project names them.
      await savePhoto(record);
      await saveEmbedding(featuresId, item.hash, embedding);
      context.onPhoto({ hash: item.hash, name: item.file.name }, { record, embedding }, item.file);
      report.added++;
    } catch (error) {
      if (error instanceof StorageFullError) report.storageFull = true;
      else report.skipped.push({ name: item.file.name, problem: (error as Error).message });
    }
    context.onFileDone(embedded);
  };

  fresh.forEach((item, i) => {
    const record = stored[i];
    const embedding = embeddings[i];
    if (record && embedding) {
      context.onPhoto({ hash: item.hash, name: item.file.name }, { record, embedding }, item.file);
      report.added++;
      context.onFileDone(false);
    } else if (embedding) {
      // Known to the model already (a photo from "Try it"): only the copies are missing, made here.
      storing = storing.then(() => store(item, embedding, false));
    } else {
      toEmbed.push(item);
    }
  });
  if (toEmbed.length === 0) {
    await storing;
    return report;
  }
  // The engine computes the features it was last started with; others would mix into the project.
  if (context.engine.featuresId !== featuresId) {
    for (const item of toEmbed) {
      report.skipped.push({
        name: item.file.name,
        problem: 'The photo features changed while it waited to be added. Please add it again.',
      });
      context.onFileDone(false);
    }
    await storing;
    return report;
  }

  // The engine's copies of each photo arrive before its embedding (see EmbedOptions.onPrepared).
  const copiesByIndex = new Map<number, PhotoCopies>();
  const { cancelled } = await embedCounted(
    context.engine,
    toEmbed.map((item) => withTypeFromName(item.file)),
    {
      signal,
      onPrepared: (index, copies) => copiesByIndex.set(index, copies),
      onResult: (result) => {
        const item = toEmbed[result.index];
        if ('problem' in result) {
          report.skipped.push({ name: item.file.name, problem: result.problem });
          context.onFileDone(true);
        } else {
          const copies = copiesByIndex.get(result.index);
          copiesByIndex.delete(result.index);
          storing = storing.then(() => store(item, result.embedding, true, copies));
        }
      },
    },
  );
  await storing;
  // Files the engine never reached because of the cancel still count as handled.
  return { ...report, cancelled };
}
