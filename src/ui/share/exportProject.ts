/**
 * What "Download classifier" and "Back up project" hand to src/format: the open project and its
 * trained head, with class ids turned into the names people gave the classes.
 */
import { BACKUP_MAX_NAME, isBackupPath, summariseEvaluation, type BackupPhoto, type HeadFileInput, type ProjectBackup } from '../../format';
import type { PhotoRecord } from '../../store/photos';
import type { PhotoRef, ProjectRecord } from '../../store/projects';
import type { TrainedHead } from '../project/state';

/**
 * The last signature read, and what it said: the page asks on every render (FileActions), and at
 * thousands of photos a signature is hundreds of kilobytes of JSON, parsed again each frame of an
 * import otherwise.
 */
let lastRead: { signature: string; featuresId: string | undefined } | undefined;

/** The feature configuration a head was trained on, as recorded in its training signature. */
export function featuresIdOfHead(head: Pick<TrainedHead, 'signature'> & { featuresId?: unknown }): string | undefined {
  if (typeof head.featuresId === 'string' && head.featuresId !== '') return head.featuresId;
  if (lastRead?.signature !== head.signature) lastRead = { signature: head.signature, featuresId: featuresOfSignature(head.signature) };
  return lastRead.featuresId;
}

function featuresOfSignature(signature: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(signature);
    return Array.isArray(parsed) && typeof parsed[0] === 'string' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The head as a classifier file's input, or why there is none to save: nothing trained yet, or
 * a head that still names a class deleted since (it is relearning).
 */
export function classifierInput(project: ProjectRecord, head: TrainedHead | undefined): { input: HeadFileInput } | { reason: string } {
  if (!head) return { reason: 'Add photos to at least two classes first: there is no classifier to save yet.' };
  const nameOf = new Map(project.classes.map((c) => [c.id, c.name]));
  const names = head.model.classes.map((id) => nameOf.get(id));
  const featuresId = featuresIdOfHead(head);
  if (names.some((name) => name === undefined) || !featuresId)
    return { reason: 'It is still learning from your latest changes; try again in a moment.' };
  return {
    input: {
      model: { ...head.model, classes: names as string[] },
      backboneId: featuresId,
      // A file saved while its accuracy is still being checked says it was not measured.
      evaluationSummary: head.evaluation ? summariseEvaluation(head.evaluation) : null,
      name: project.name,
    },
  };
}

/**
 * The project as src/format's backup writer wants it: each photo's stored (downscaled) copy under
 * its content hash, with the place it came from, its embedding when there is one, the unsorted
 * pile (with what was accepted as suggested), and the head when it fits the project.
 */
export function projectBackup(
  project: ProjectRecord,
  head: TrainedHead | undefined,
  photos: { recordOf(hash: string): PhotoRecord | undefined; embeddingOf(hash: string): Float32Array | undefined },
): ProjectBackup {
  const vectors = new Map<string, Float32Array>();
  const backupPhoto = (photo: PhotoRef): BackupPhoto[] => {
    const record = photos.recordOf(photo.hash);
    if (!record) return [];
    const embedding = photos.embeddingOf(photo.hash);
    if (embedding) vectors.set(photo.hash, embedding);
    return [
      {
        id: photo.hash,
        // As the backup format allows: longer names are cut, a place no file system could have is left out.
        name: photo.name.slice(0, BACKUP_MAX_NAME),
        ...(photo.path !== undefined && isBackupPath(photo.path) && { path: photo.path }),
        blob: record.image,
        width: record.width,
        height: record.height,
      },
    ];
  };
  const classes = project.classes.map((c) => ({ id: c.id, name: c.name, photos: c.photos.flatMap(backupPhoto) }));
  const classIds = new Set(project.classes.map((c) => c.id));
  const pile = project.pile.flatMap((item) =>
    backupPhoto(item).map((photo) => ({
      ...photo,
      // An acceptance outlives its class only by mistake; the photo stays, unsorted.
      ...(item.accepted && classIds.has(item.accepted.classId) && { accepted: item.accepted }),
    })),
  );
  const classifier = classifierInput(project, head);
  const headFits = 'input' in classifier && classifier.input.backboneId === project.featuresId;
  return {
    project: {
      name: project.name,
      featuresId: project.featuresId,
      createdAt: new Date(project.createdAt).toISOString(),
      updatedAt: new Date(project.updatedAt).toISOString(),
    },
    classes,
    pile,
    ...(vectors.size > 0 && { embeddings: { featuresId: project.featuresId, vectors } }),
    ...(headFits && { head: classifier.input }),
  };
}

/** Hands a file to the browser's downloads, as a link with `download` would. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy by then; a minute leaves slow machines room.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
