/**
 * The trained head of each project with its cross-validated evaluation, so a reopened project
 * shows its accuracy and classifies at once, without training again.
 */
import { createStore, del, get, set } from 'idb-keyval';
import type { Evaluation, LogisticModel } from '../head';
import { guardedWrite, isRecord } from './records';

export interface HeadRecordV1 {
  version: 1;
  projectId: string;
  /**
   * What it was trained on (see trainingSignature in src/ui/project/training.ts): when the
   * project's photos still match, the head is current and is used as is.
   */
  signature: string;
  /** Its classes are class ids, not names, so renaming a class needs no retraining. */
  model: LogisticModel;
  evaluation: Evaluation;
}

export type HeadRecord = HeadRecordV1;

const store = createStore('handful-heads', 'heads');

export function migrateHead(raw: unknown): HeadRecord | undefined {
  if (!isRecord(raw) || raw.version !== 1) return undefined;
  if (typeof raw.projectId !== 'string' || typeof raw.signature !== 'string') return undefined;
  if (!isRecord(raw.model) || raw.model.kind !== 'logistic' || !isRecord(raw.evaluation)) return undefined;
  return raw as unknown as HeadRecordV1;
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
