/** Messages between the page and the training worker. */
import type { Evaluation, LogisticModel } from '../head';
import type { PackedTrainingData } from './packing';

export type TrainRequest =
  /** Train a head, send it ('trained'), then evaluate it ('evaluated') unless a newer request comes first. */
  (
    | {
        id: number;
        type: 'train';
        /** Its rows by key, with the embeddings the worker does not hold in one transferred buffer (./packing). */
        data: PackedTrainingData;
        /** The previous head, a warm start when its classes are the same. */
        previous?: LogisticModel;
      }
    /** Evaluate a head trained earlier on `data` (one stored before its evaluation was done). */
    | { id: number; type: 'evaluate'; data: PackedTrainingData; model: LogisticModel }
  ) & {
    /**
     * Memory shared with the page (where SharedArrayBuffer is available: a cross-origin isolated
     * page) holding the id of the newest request sent: the worker reads it between solver
     * iterations, so an evaluation gives way to a newer request within one iteration rather than
     * at the end of a held-out part, which takes seconds at thousands of photos.
     */
    newest?: Int32Array;
  };

/**
 * Every request is answered by 'trained' (a train request) or 'failed', then by 'evaluated' or
 * 'failed' for its evaluation, except that nothing more is said about one replaced by a newer
 * request while it was being evaluated.
 */
export type TrainResponse =
  | { id: number; type: 'trained'; model: LogisticModel; ms: number }
  | { id: number; type: 'evaluated'; evaluation: Evaluation; ms: number }
  | { id: number; type: 'failed'; message: string };
