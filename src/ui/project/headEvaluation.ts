/**
 * A head arrives before its evaluation (src/trainer/client.ts): this hands the evaluation, when it
 * comes, to the state. The reducer takes it only while that head is still the one in use; the
 * page's last render is not asked, as it may not have shown the head yet (an evaluation of a few
 * photos can follow its head within milliseconds). Resolves true when a newer request replaced
 * the evaluation before it was done.
 */
import type { LogisticModel } from '../../head';
import type { EvaluationOutcome } from '../../trainer/client';
import type { Action } from './state';

export async function takeEvaluation(
  outcome: Promise<EvaluationOutcome>,
  model: LogisticModel,
  /** Whether the project (and features) `model` was trained for is still the open one. */
  stillOpen: () => boolean,
  dispatch: (action: Action) => void,
): Promise<boolean> {
  const evaluated = await outcome;
  if (evaluated.type === 'superseded') return true;
  if (!stillOpen()) return false;
  if (evaluated.type === 'failed') dispatch({ type: 'evaluation-failed', model, message: evaluated.message });
  else dispatch({ type: 'evaluated', model, evaluation: evaluated.evaluation });
  return false;
}
