/**
 * A head arrives before its evaluation (src/trainer/client.ts): this takes the evaluation when it
 * comes, into the state and the stored head, as long as that head is still the one in use.
 * Resolves true when a newer request replaced the evaluation before it was done.
 */
import type { Evaluation, LogisticModel } from '../../head';
import type { EvaluationOutcome } from '../../trainer/client';
import type { Action } from './state';

export async function takeEvaluation(
  outcome: Promise<EvaluationOutcome>,
  model: LogisticModel,
  /** Whether `model` is still the open project's head. */
  stillCurrent: () => boolean,
  dispatch: (action: Action) => void,
  save: (evaluation: Evaluation) => void,
): Promise<boolean> {
  const evaluated = await outcome;
  if (evaluated.type === 'superseded') return true;
  if (!stillCurrent()) return false;
  if (evaluated.type === 'failed') dispatch({ type: 'evaluation-failed', model, message: evaluated.message });
  else {
    dispatch({ type: 'evaluated', model, evaluation: evaluated.evaluation });
    save(evaluated.evaluation);
  }
  return false;
}
