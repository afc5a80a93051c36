import { chooseLambda } from './crossValidation';
import { prepareDataset, sameClassNames } from './dataset';
import { centreDataset, FINAL_TOLERANCE, solve, toModel, toParams } from './logistic';
import { softmaxProblem } from './objective';
import type { LogisticModel, TrainingData, TrainOptions } from './types';

/** A stored model might be stale or damaged; only a whole, finite one is worth starting from. */
function usableAsStart(previous: LogisticModel | undefined, data: TrainingData, dim: number): previous is LogisticModel {
  if (!previous || previous.dim !== dim || !sameClassNames(previous.classes, data.classes)) return false;
  const classCount = data.classes.length;
  return (
    previous.weights.length === classCount * dim &&
    previous.bias.length === classCount &&
    previous.lambda > 0 &&
    Number.isFinite(previous.lambda) &&
    previous.weights.every(Number.isFinite) &&
    previous.bias.every(Number.isFinite)
  );
}

/**
 * Fits the logistic head. With a compatible `previous` model (same class names in the same
 * order, same embedding size, intact numbers) its penalty is kept and its weights are the starting point, so a
 * refit after one more photo only has to move the optimum a little. Otherwise the penalty is
 * chosen by cross-validation. Either way the result is the optimum for the chosen penalty; the
 * start only changes how long it takes to get there.
 */
export function train(data: TrainingData, options: TrainOptions<LogisticModel> = {}): LogisticModel {
  const dataset = centreDataset(prepareDataset(data));
  const { previous } = options;
  const { lambda, start } = usableAsStart(previous, data, dataset.dim)
    ? { lambda: previous.lambda, start: toParams(previous, dataset.centre) }
    : chooseLambda(dataset);
  return toModel(solve(softmaxProblem(dataset), lambda, start, FINAL_TOLERANCE), dataset, data.classes, lambda);
}
