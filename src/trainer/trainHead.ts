/**
 * What the training worker does with each request, kept apart from the worker's messaging so the
 * evaluation harness (scripts/eval/appPath.ts) measures exactly this code.
 */
import { evaluate, train, type Evaluation, type LogisticModel, type TrainingData } from '../head';

/**
 * Trains the head on `data` (warm-started from `previous` when its classes match, with the
 * penalty chosen again once the photos have grown enough: see train()) and cross-validates it.
 */
export function trainHead(data: TrainingData, previous?: LogisticModel): { model: LogisticModel; evaluation: Evaluation } {
  const model = train(data, { previous });
  return { model, evaluation: evaluate(data, model) };
}
