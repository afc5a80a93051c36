/**
 * The trained head of each project with its cross-validated evaluation, so a reopened project
 * shows its accuracy and classifies at once, without training again (a head saved before its
 * evaluation was done gets it when the project opens).
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { Evaluation, LogisticModel } from '../head';
import { guardedWrite, isRecord } from './records';

export interface HeadRecordV1 {
  version: 1;
  projectId: string;
  signature: string;
  model: LogisticModel;
  evaluation: Evaluation;
}

/** Version 2 names the feature configuration the head takes its input from. */
export interface HeadRecordV2 {
  version: 2;
  projectId: string;
  /**
   * The feature configuration of the embeddings it was trained on and must be given, e.g.
   * 'v1-0.75' or 'v1-0.75+v2-1.0+flip': a head is only of use with the project's features.
   */
  featuresId: string;
  /**
   * What it was trained on (see trainingSet in src/ui/project/derive.ts): when the
   * project's photos still match, the head is current and is used as is.
   */
  signature: string;
  /** Its classes are class ids, not names, so renaming a class needs no retraining. */
  model: LogisticModel;
  /** Absent while it is being checked: a head is saved as soon as it is trained, and again with it. */
  evaluation?: Evaluation;
}

export type HeadRecord = HeadRecordV2;

/** What every head stored before version 2 was computed with: the app only had this one. */
const featuresBeforeV2 = 'v1-0.75';

/** The feature configuration a version 1 signature starts with (see trainingSet), if it names one. */
function featuresOfSignature(signature: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(signature);
    return Array.isArray(parsed) && typeof parsed[0] === 'string' && parsed[0] !== '' ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
}

const store = createStore('handful-heads', 'heads');

/**
 * Brings a stored head up to the current version; undefined for anything this release cannot
 * read. Version 1 heads get the features their signature names, else 'v1-0.75'.
 */
export function migrateHead(raw: unknown): HeadRecord | undefined {
  if (!isRecord(raw) || (raw.version !== 1 && raw.version !== 2)) return undefined;
  if (typeof raw.projectId !== 'string' || typeof raw.signature !== 'string') return undefined;
  if (!isRecord(raw.model) || raw.model.kind !== 'logistic') return undefined;
  if (raw.evaluation !== undefined && !isRecord(raw.evaluation)) return undefined;
  if (raw.version === 2) return typeof raw.featuresId === 'string' && raw.featuresId !== '' ? (raw as unknown as HeadRecordV2) : undefined;
  const v1 = raw as unknown as HeadRecordV1;
  return { ...v1, version: 2, featuresId: featuresOfSignature(v1.signature) ?? featuresBeforeV2 };
}

export async function loadHead(projectId: string): Promise<HeadRecord | undefined> {
  return migrateHead(await get(projectId, store));
}

export function saveHead(head: HeadRecord): Promise<void> {
  return guardedWrite(() => set(head.projectId, head, store));
}

export function deleteHead(projectId: string): Promise<void> {
  return del(projectId, store);
}
