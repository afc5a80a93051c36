/** Messages between the page and the training worker. */
import type { Evaluation, LogisticModel, TrainingData } from '../head';

export type TrainRequest =
  /** Train a head, send it ('trained'), then evaluate it ('evaluated') unless a newer request comes first. */
  | {
      id: number;
      type: 'train';
      data: TrainingData;
      /** The previous head, a warm start when its classes are the same. */
      previous?: LogisticModel;
    }
  /** Evaluate a head trained earlier on `data` (one stored before its evaluation was done). */
  | { id: number; type: 'evaluate'; data: TrainingData; model: LogisticModel };

/**
 * Every request is answered by 'trained' (a train request) or 'failed', then by 'evaluated' or
 * 'failed' for its evaluation, except that nothing more is said about one replaced by a newer
 * request while it was being evaluated.
 */
export type TrainResponse =
  | { id: number; type: 'trained'; model: LogisticModel; ms: number }
  | { id: number; type: 'evaluated'; evaluation: Evaluation; ms: number }
  | { id: number; type: 'failed'; message: string };
