/** Messages between the page and the training worker. */
import type { Evaluation, LogisticModel, TrainingData } from '../head';

export interface TrainRequest {
  id: number;
  data: TrainingData;
  /** The previous head, a warm start when its classes are the same. */
  previous?: LogisticModel;
}

export type TrainResponse =
  | { id: number; type: 'trained'; model: LogisticModel; evaluation: Evaluation; ms: number }
  | { id: number; type: 'failed'; message: string };
