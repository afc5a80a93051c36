/**
 * "Take the labels out": the rows of the labels CSV (format: src/pile/csv.ts, docs/labels-format.md)
 * and the plan of "Save sorted copies", one folder per class. Pure, so both are tested without a page.
 */
import type { LabelRow } from '../../pile';
import type { ProjectRecord } from '../../store/projects';
import type { Suggestion } from './usePile';

/** Every photo of the project: class photos (by hand), accepted ones, then the still unsorted ones. */
export function labelRows(project: ProjectRecord, suggestionOf: ReadonlyMap<string, Suggestion>): LabelRow[] {
  const nameOf = new Map(project.classes.map((c) => [c.id, c.name]));
  const rows: LabelRow[] = project.classes.flatMap((c) =>
    c.photos.map((photo) => ({
      relativePath: photo.path ?? photo.name,
      fileName: photo.name,
      label: c.name,
      how: 'by hand' as const,
      confidence: null,
    })),
  );
  for (const item of project.pile) {
    const base = { relativePath: item.path ?? item.name, fileName: item.name };
    const acceptedAs = item.accepted && nameOf.get(item.accepted.classId);
    if (item.accepted && acceptedAs !== undefined) {
      rows.push({ ...base, label: acceptedAs, how: 'accepted suggestion', confidence: item.accepted.confidence });
      continue;
    }
    const suggestion = suggestionOf.get(item.hash);
    const suggested = suggestion && nameOf.get(suggestion.classId);
    rows.push({ ...base, label: suggested ?? '', how: 'unsorted', confidence: suggested === undefined ? null : suggestion!.confidence });
  }
  return rows;
}

/** A class name as a folder name on every common system: no / \ : * ? " < > |, control characters, or trailing dots and spaces. */
export function folderName(className: string): string {
  const safe = className
    .replace(/[/\\:*?"<>|\u0000-\u001f]/g, '_')
    .replace(/[. ]+$/, '')
    .trim();
  return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
}

export interface SortedCopy {
  folder: string;
  /** Unique within its folder: a second "IMG_1.jpg" becomes "IMG_1 (2).jpg". */
  fileName: string;
  hash: string;
}

/** Where each labelled photo (by hand or accepted) goes; unsorted photos stay out. */
export function sortedCopies(project: ProjectRecord): SortedCopy[] {
  const folders = new Map<string, string>();
  const taken = new Set<string>();
  for (const c of project.classes) {
    let folder = folderName(c.name);
    // Two class names that differ only in characters a folder cannot have ("a/b", "a:b").
    for (let n = 2; taken.has(folder.toLocaleLowerCase()); n++) folder = `${folderName(c.name)} ${n}`;
    taken.add(folder.toLocaleLowerCase());
    folders.set(c.id, folder);
  }
  const used = new Set<string>();
  const place = (classId: string, name: string, hash: string): SortedCopy[] => {
    const folder = folders.get(classId);
    if (folder === undefined) return [];
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let fileName = folderName(name);
    for (let n = 2; used.has(`${folder}/${fileName}`.toLocaleLowerCase()); n++) fileName = folderName(`${stem} (${n})${extension}`);
    used.add(`${folder}/${fileName}`.toLocaleLowerCase());
    return [{ folder, fileName, hash }];
  };
  return [
    ...project.classes.flatMap((c) => c.photos.flatMap((photo) => place(c.id, photo.name, photo.hash))),
    ...project.pile.flatMap((item) => (item.accepted ? place(item.accepted.classId, item.name, item.hash) : [])),
  ];
}

/**
 * How many photos sortedCopies places (those labelled by hand, and accepted ones) and how many of
 * them have no original at hand, without working out their folders and names: shown on every
 * change, so it is one cheap pass.
 */
export function copiesToSave(project: ProjectRecord, hasOriginal: (hash: string) => boolean): { count: number; withoutOriginal: number } {
  const classIds = new Set(project.classes.map((c) => c.id));
  let count = 0;
  let withoutOriginal = 0;
  const add = (hash: string) => {
    count++;
    if (!hasOriginal(hash)) withoutOriginal++;
  };
  for (const c of project.classes) for (const photo of c.photos) add(photo.hash);
  for (const item of project.pile) if (item.accepted && classIds.has(item.accepted.classId)) add(item.hash);
  return { count, withoutOriginal };
}
