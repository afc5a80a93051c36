/**
 * "Restore from backup": a backup read by src/format becomes a NEW project on this device. Nothing
 * already here is replaced: the project gets a fresh id (and another name when one is taken),
 * and photos or embeddings already stored under the same content hash are kept as they are.
 *
 * Order of writes: photos, embeddings, the project, then its head. A restore cut short leaves
 * either no project (the photos are collected as garbage at the next start) or a project that
 * opens and, at worst, learns again.
 */
import { currentFeaturesId, featureIds, featuresById } from '../../engine';
import type { BackupPilePhoto, HeadFile, RestoredProject } from '../../format';
import type { Evaluation, LogisticModel, TrainingData } from '../../head';
import { loadEmbeddings, saveEmbedding } from '../../store/embeddings';
import { saveHead } from '../../store/heads';
import { loadPhotos, savePhoto, type PhotoRecord } from '../../store/photos';
import { loadAllProjects, newId, saveProject, type ClassRecord, type PileItem, type ProjectRecord } from '../../store/projects';
import { createTrainer } from '../../trainer/client';
import { downscale, sha256Hex, STORED_LONGEST_SIDE } from '../files/images';
import { countWord, trainingSet } from '../project/derive';
import { reasonOf } from '../project/saveProblems';
import { defaultClassName, freeClassName } from '../project/state';

export interface RestoreOptions {
  /** The stored copy's thumbnail and size; the browser's decoder unless a test says otherwise. */
  makePhoto?(blob: Blob): Promise<{ image: Blob; thumbnail: Blob; width: number; height: number }>;
  /**
   * Refits the head from the saved one (the same penalty, starting from its weights, so it comes
   * back as it was when the backup was up to date), with its cross-validation if that is at hand
   * (else it is done when the project opens); undefined if it failed.
   */
  trainHead?(data: TrainingData, previous: LogisticModel): Promise<{ model: LogisticModel; evaluation?: Evaluation } | undefined>;
  now?: number;
  /** Names in use that may not be saved yet (the open project renamed a moment ago). */
  namesInUse?: readonly string[];
}

export interface RestoreOutcome {
  projectId: string;
  /** The name it has here. */
  name: string;
  /** The name it had in the backup (the same unless that was taken). */
  originalName: string;
  /** Photos in its classes. */
  photoCount: number;
  /** Photos in its unsorted pile. */
  pileCount: number;
  /** Plain sentences about what was left out or changed. */
  warnings: string[];
}

const MAX_PROJECT_NAME = 80;
const MAX_CLASS_NAME = 60;
const hashPattern = /^[0-9a-f]{64}$/;

const normalised = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase();

/** The name itself when no project here has it, else "name (restored)", "name (restored 2)", ... */
export function restoredName(name: string, taken: readonly string[]): string {
  const base = name.trim().slice(0, MAX_PROJECT_NAME - 14) || 'Restored project';
  const used = new Set(taken.map(normalised));
  if (!used.has(normalised(base))) return base;
  for (let n = 1; ; n++) {
    const candidate = `${base} (restored${n === 1 ? '' : ` ${n}`})`;
    if (!used.has(normalised(candidate))) return candidate;
  }
}

/** A feature configuration a project here may use (the ones offered; not evaluation-only ones). */
function knownFeatures(id: string | undefined): string | undefined {
  return id !== undefined && (featureIds as readonly string[]).includes(id) ? id : undefined;
}

async function trainInWorker(
  data: TrainingData,
  previous: LogisticModel,
): Promise<{ model: LogisticModel; evaluation?: Evaluation } | undefined> {
  const trainer = createTrainer();
  try {
    const outcome = await trainer.train(data, previous);
    if (outcome.type === 'failed') throw new Error(outcome.message);
    // Not waiting for its evaluation (at thousands of photos, several times the fit): the project evaluates it when it opens.
    return outcome.type === 'trained' ? { model: outcome.model } : undefined;
  } finally {
    trainer.dispose();
  }
}

/** The head's class names mapped back to the backup's class ids; undefined if any is missing or ambiguous. */
function headWithClassIds(head: HeadFile, classes: RestoredProject['classes']): LogisticModel | undefined {
  const ids: string[] = [];
  for (const name of head.model.classes) {
    const matches = classes.filter((c) => c.name.normalize('NFC') === name.normalize('NFC'));
    if (matches.length !== 1) return undefined;
    ids.push(matches[0].id);
  }
  return { ...head.model, classes: ids };
}

export async function restoreProject(restored: RestoredProject, options: RestoreOptions = {}): Promise<RestoreOutcome> {
  const makePhoto = options.makePhoto ?? downscale;
  const trainHead = options.trainHead ?? trainInWorker;
  const now = options.now ?? Date.now();
  const warnings = [...restored.warnings];

  // A backup from the earlier engine names features it no longer offers: it takes today's same choice
  // (its saved embeddings then do not apply and the photos are looked at again).
  const featuresId =
    knownFeatures(restored.project.featuresId) ??
    knownFeatures(restored.embeddings?.featuresId) ??
    currentFeaturesId(restored.project.featuresId ?? '');
  const embeddingSize = featuresById(featuresId).embeddingSize;
  const savedVectors =
    restored.embeddings && restored.embeddings.featuresId === featuresId ? restored.embeddings.vectors : new Map<string, Float32Array>();
  if (restored.embeddings && savedVectors.size === 0) {
    warnings.push('The saved embeddings were made for another model setting; the photos will be looked at again.');
  }

  // Photos: stored under the content hash of their original file (the id Handful gives them).
  // Class photos first, then the unsorted pile (classIndex -1): a photo in both stays in its class.
  const items: {
    classIndex: number;
    ref: PileItem;
    blob: Blob;
    width?: number;
    height?: number;
    vector?: Float32Array;
  }[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  let repeatedInPile = 0;
  const unsorted = restored.pile ?? [];
  const sources = [
    ...restored.classes.flatMap((c, classIndex) => c.photos.map((photo) => ({ classIndex, photo: photo as BackupPilePhoto }))),
    ...unsorted.map((photo) => ({ classIndex: -1, photo })),
  ];
  for (const { classIndex, photo } of sources) {
    const hash = hashPattern.test(photo.id) ? photo.id : await sha256Hex(photo.blob);
    if (seen.has(hash)) {
      if (classIndex < 0) repeatedInPile++;
      else repeated++;
      continue;
    }
    seen.add(hash);
    const vector = savedVectors.get(photo.id);
    items.push({
      classIndex,
      ref: {
        hash,
        name: photo.name,
        ...(photo.path !== undefined && { path: photo.path }),
        ...(classIndex < 0 && photo.accepted && { accepted: { ...photo.accepted } }),
      },
      blob: photo.blob,
      width: photo.width,
      height: photo.height,
      vector: vector && vector.length === embeddingSize ? vector : undefined,
    });
  }
  if (repeated > 0)
    warnings.push(`${countWord(repeated, 'photo')} appeared in more than one class and ${repeated === 1 ? 'was' : 'were'} kept once.`);
  if (repeatedInPile > 0)
    warnings.push(
      `${countWord(repeatedInPile, 'unsorted photo')} ${repeatedInPile === 1 ? 'was' : 'were'} also in a class or twice in the pile, and ${repeatedInPile === 1 ? 'was' : 'were'} kept once.`,
    );

  const hashes = items.map((item) => item.ref.hash);
  const [storedPhotos, storedEmbeddings] = await Promise.all([loadPhotos(hashes), loadEmbeddings(featuresId, hashes)]);
  const unreadable: string[] = [];
  const embeddings = new Map<string, Float32Array>();
  const kept: typeof items = [];
  for (const [i, item] of items.entries()) {
    if (!storedPhotos[i]) {
      let made: Awaited<ReturnType<typeof makePhoto>>;
      try {
        made = await makePhoto(item.blob);
      } catch {
        unreadable.push(`“${item.ref.name}”`);
        continue;
      }
      // The backup holds the stored copy itself; it is kept as is unless it is larger than copies here.
      const small = Math.max(made.width, made.height) <= STORED_LONGEST_SIDE;
      const record: PhotoRecord = {
        version: 1,
        hash: item.ref.hash,
        image: small ? item.blob : made.image,
        thumbnail: made.thumbnail,
        width: item.width ?? made.width,
        height: item.height ?? made.height,
      };
      await savePhoto(record);
    }
    // An embedding already here for this photo and model is the same one; it is left alone. The
    // backup's embedding goes only with the backup's own copy: a photo already here (perhaps still
    // waiting for the model in another project) gets its embedding from its own stored copy, never
    // from a file that merely claims its hash.
    const vector = storedPhotos[i] ? undefined : item.vector;
    const embedding = storedEmbeddings[i] ?? vector;
    if (!storedEmbeddings[i] && vector) await saveEmbedding(featuresId, item.ref.hash, vector);
    if (embedding) embeddings.set(item.ref.hash, embedding);
    kept.push(item);
  }
  if (unreadable.length > 0)
    warnings.push(
      `${countWord(unreadable.length, 'photo')} could not be opened and ${unreadable.length === 1 ? 'was' : 'were'} left out: ${unreadable.join(', ')}.`,
    );

  // Classes: names as people can type them here (not empty, at most 60 letters, no two alike).
  const classes: ClassRecord[] = [];
  for (const [classIndex, c] of restored.classes.entries()) {
    const trimmed = c.name.trim();
    const name = trimmed ? freeClassName(trimmed.slice(0, MAX_CLASS_NAME), classes) : defaultClassName(classes);
    if (name !== trimmed) warnings.push(`The class “${c.name.slice(0, 80)}” is called “${name}” here.`);
    classes.push({ id: c.id, name, photos: kept.filter((item) => item.classIndex === classIndex).map((item) => item.ref) });
  }

  const allProjects = await loadAllProjects();
  const originalName = restored.project.name;
  const name = restoredName(originalName, [...allProjects.map((p) => p.name), ...(options.namesInUse ?? [])]);
  // Acceptances name classes by the backup's ids, which the classes keep here.
  const pile = kept.filter((item) => item.classIndex < 0).map((item) => item.ref);
  const project: ProjectRecord = { version: 2, id: newId(), name, createdAt: now, updatedAt: now, featuresId, classes, pile };
  await saveProject(project);

  // The trained head comes back with its accuracy, so the project opens "up to date" without learning again.
  // Whatever stops it, the project is restored already: it learns again when it opens, and says so.
  const head = restored.head;
  const relearns = (why: string) => warnings.push(`${why} It learns again from the photos when the project opens.`);
  // Without two classes of photos to learn from (say, all left out) there is nothing to bring back.
  const set = trainingSet(project, (hash) => embeddings.get(hash));
  if (head && head.backboneId !== featuresId) relearns('The saved classifier was made with other photo features.');
  else if (head && set) {
    const previous = headWithClassIds(head, restored.classes);
    if (!previous || set.data.classes.length !== previous.classes.length || set.data.classes.some((id, c) => id !== previous.classes[c])) {
      relearns('The saved classifier does not match the classes in the backup.');
    } else {
      try {
        const trained = await trainHead(set.data, previous);
        if (!trained) relearns('The saved classifier could not be brought back.');
        else
          await saveHead({
            version: 2,
            projectId: project.id,
            featuresId,
            signature: set.signature,
            model: trained.model,
            evaluation: trained.evaluation,
          });
      } catch (error) {
        relearns(`The saved classifier could not be brought back (${reasonOf(error)}).`);
      }
    }
  }

  return { projectId: project.id, name, originalName, photoCount: kept.length - pile.length, pileCount: pile.length, warnings };
}
