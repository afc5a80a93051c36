/**
 * What the training worker does with each request, kept apart from the worker's messaging so the
 * evaluation harness (scripts/eval/appPath.ts) measures exactly this code.
 */
import { evaluationSteps, fit, type EvaluationSteps, type LogisticModel, type PreparedRows, type TrainingData } from '../head';

/**
 * Trains the head on `data` (warm-started from `previous` when its classes match, with the
 * penalty chosen again once the photos have grown enough: see train()), and gives its
 * cross-validation as steps still to run: the worker sends the head at once and evaluates it
 * after, a held-out part at a time, dropping the rest once a newer request has replaced the head.
 * `prepared`: the rows prepared by earlier calls, which the worker keeps between requests (the
 * same head and evaluation as without, only sooner). The evaluation takes the photos as the fit
 * centred them.
 */
export function trainHead(
  data: TrainingData,
  previous?: LogisticModel,
  /** See evaluationSteps. */
  interrupt?: () => void,
  prepared?: PreparedRows,
): { model: LogisticModel; evaluation: EvaluationSteps } {
  const { model, centred } = fit(data, { previous, prepared });
  return { model, evaluation: evaluationSteps(data, model, interrupt, prepared, centred) };
}
