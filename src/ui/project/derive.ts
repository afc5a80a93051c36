/** Values computed from the state, never stored: what to train on, and how to say how it is doing. */
import type { Evaluation, TrainingData } from '../../head';
import type { ClassRecord, ProjectRecord } from '../../store/projects';

export interface TrainingSet {
  /** Classes are class ids, so a rename changes nothing the head learned. */
  data: TrainingData;
  /** Photo hash of each row of `data`: maps the evaluation's example indices back to photos. */
  rows: string[];
  /** Identifies exactly this training set: same signature, same head. */
  signature: string;
}

/**
 * The photos to learn from: every class that has at least one photo with an embedding. Undefined
 * until two classes do, since one class leaves nothing to tell apart.
 */
export function trainingSet(project: ProjectRecord, embeddingOf: (hash: string) => Float32Array | undefined): TrainingSet | undefined {
  // One pass over the photos: this runs on every change of the project, at thousands of photos.
  const classes: string[] = [];
  const embeddings: Float32Array[] = [];
  const labels: number[] = [];
  const rows: string[] = [];
  const rowsByClass: [string, string[]][] = [];
  for (const c of project.classes) {
    const hashes: string[] = [];
    for (const photo of c.photos) {
      const embedding = embeddingOf(photo.hash);
      if (embedding === undefined) continue;
      embeddings.push(embedding);
      labels.push(classes.length);
      rows.push(photo.hash);
      hashes.push(photo.hash);
    }
    if (hashes.length === 0) continue;
    classes.push(c.id);
    rowsByClass.push([c.id, hashes]);
  }
  if (classes.length < 2) return undefined;
  const signature = JSON.stringify([project.featuresId, rowsByClass]);
  return { data: { classes, embeddings, labels }, rows, signature };
}

/** The features, classes (ids) and photo rows a head was trained on, read back from its signature. */
export function trainedOn(signature: string): { featuresId: string; classIds: string[]; rows: string[] } {
  const [featuresId, classes] = JSON.parse(signature) as [string, [string, string[]][]];
  return { featuresId, classIds: classes.map(([id]) => id), rows: classes.flatMap(([, hashes]) => hashes) };
}

const classOfPhotoCache = new WeakMap<ProjectRecord, Map<string, ClassRecord>>();

/**
 * The class each photo (by hash) is in. Computed once per version of the project (the reducer
 * makes a new record on every change), so asking for each photo of a large drop stays cheap.
 */
export function classOfPhoto(project: ProjectRecord): Map<string, ClassRecord> {
  let found = classOfPhotoCache.get(project);
  if (!found) {
    found = new Map(project.classes.flatMap((c) => c.photos.map((photo) => [photo.hash, c] as const)));
    classOfPhotoCache.set(project, found);
  }
  return found;
}

export const countWord = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * "About 9 out of 10 photos right, give or take (somewhere between 7 and 10).", from the
 * cross-validated accuracy and its 95% interval, both in tenths.
 */
export function accuracyInWords(evaluation: Evaluation): string | undefined {
  const { accuracy, interval } = evaluation;
  if (accuracy === null) return undefined;
  const tenths = (rate: number) => Math.round(rate * 10);
  const [about, low, high] = [tenths(accuracy), tenths(interval.lower), tenths(interval.upper)];
  return low === high
    ? `About ${about} out of 10 photos right.`
    : `About ${about} out of 10 photos right, give or take (somewhere between ${low} and ${high}).`;
}

/**
 * Concrete next steps, most useful first: empty classes, the classes most often mistaken for
 * another, and classes with too few photos to learn or to judge from.
 */
export function advice(project: ProjectRecord, evaluation: Evaluation | undefined, evaluatedClassIds: string[]): string[] {
  const nameOf = new Map(project.classes.map((c) => [c.id, c.name]));
  const tips: string[] = [];
  for (const c of project.classes) {
    if (c.photos.length === 0) tips.push(`Add photos to “${c.name}”, or delete it: it has none yet.`);
  }
  if (evaluation) {
    const mix: { from: number; to: number; count: number }[] = [];
    evaluation.confusion.forEach((row, from) => row.forEach((count, to) => from !== to && count > 0 && mix.push({ from, to, count })));
    mix.sort((a, b) => b.count - a.count);
    const mentioned = new Set<number>();
    for (const { from, to, count } of mix) {
      if (mentioned.has(from) || tips.length >= 3) continue;
      mentioned.add(from);
      const name = nameOf.get(evaluatedClassIds[from]);
      const other = nameOf.get(evaluatedClassIds[to]);
      tips.push(`Add more photos of “${name}”: it is confused with “${other}” (${countWord(count, 'time')}).`);
    }
  }
  for (const c of project.classes) {
    if (c.photos.length > 0 && c.photos.length < 5)
      tips.push(`Add a few more photos of “${c.name}”: ${countWord(c.photos.length, 'photo')} is not much to learn from.`);
  }
  return tips;
}
