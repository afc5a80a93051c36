import type { Evaluation } from '../head';

/**
 * What a classifier file says about how well its classifier did: the headline numbers of the
 * cross-validated Evaluation, without the per-photo detail (predictions, confusion examples) that
 * would identify photos and would bloat the file. `perClass[c]` belongs to `classes[c]`.
 */
export interface EvaluationSummary {
  scheme: 'leave-one-out' | 'k-fold';
  folds: number;
  /** Photos that got an out-of-fold prediction. */
  evaluated: number;
  /** Photos that could not be evaluated (their class's only photo). */
  notEvaluated: number;
  correct: number;
  /** correct / evaluated; null when nothing was evaluated. */
  accuracy: number | null;
  /** 95% Wilson interval of the accuracy. */
  interval: { lower: number; upper: number };
  /** Predictions that fell under the "not sure" rule. */
  unsure: number;
  expectedCalibrationError: number | null;
  perClass: { evaluated: number; correct: number; accuracy: number | null }[];
}

export function summariseEvaluation(evaluation: Evaluation): EvaluationSummary {
  return {
    scheme: evaluation.scheme,
    folds: evaluation.folds,
    evaluated: evaluation.evaluated,
    notEvaluated: evaluation.notEvaluated.length,
    correct: evaluation.correct,
    accuracy: evaluation.accuracy,
    interval: { lower: evaluation.interval.lower, upper: evaluation.interval.upper },
    unsure: evaluation.unsure.count,
    expectedCalibrationError: evaluation.calibration.expectedCalibrationError,
    perClass: evaluation.perClass.map(({ evaluated, correct, accuracy }) => ({ evaluated, correct, accuracy })),
  };
}
