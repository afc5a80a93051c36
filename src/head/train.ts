import { chooseLambda } from './crossValidation';
import { classSizes, prepareDataset, sameClassNames } from './dataset';
import { gramMatrix } from './kernels';
import { centreDataset, FINAL_TOLERANCE, primalParams, solve, toModel, toParams } from './logistic';
import { kernelProblem, softmaxProblem, startingPoint } from './objective';
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
 * A class may grow (or shrink) by this factor from the count the penalty was chosen on before it
 * is chosen again. Choosing costs a full fit (12 x 60 photos: ~230 ms, against ~12 ms for a warm
 * refit), so it is not done after every photo; growing by half at a time, all the choices made
 * while a class grows cost at most about 3 full fits at the final size (a fit costs at least in
 * proportion to the photos), and the penalty is always one chosen on at least 2/3 of each class's
 * photos (and at most 3/2).
 */
const RECHOOSE_GROWTH = 1.5;

/** Whether `previous.lambda` was chosen on photos enough like these to keep it. */
function lambdaStillFits(previous: LogisticModel, sizes: number[]): boolean {
  const chosenOn = previous.lambdaChosenOn;
  if (!chosenOn || chosenOn.length !== sizes.length) return false;
  return sizes.every((size, c) => size < chosenOn[c] * RECHOOSE_GROWTH && size * RECHOOSE_GROWTH > chosenOn[c]);
}

/** How a fit went: which form it was solved in and what it cost, in solver iterations. */
export interface Fit {
  model: LogisticModel;
  form: 'primal' | 'kernel';
  /** Folds used to choose the penalty; 0 when it was not chosen (warm start, or nothing to validate). */
  folds: number;
  /** Per penalty tried, in grid order, summed over the folds. */
  validationIterations: number[];
  finalIterations: number;
}

/**
 * Fits the logistic head. With a compatible `previous` model (same class names in the same
 * order, same embedding size, intact numbers) whose penalty was chosen on about as many photos
 * (every class within RECHOOSE_GROWTH of its count then), its penalty is kept and its weights are
 * the starting point, so a refit after one more photo only has to move the optimum a little.
 * Otherwise the penalty is chosen by cross-validation, as for a first fit. Either way the result is the optimum for the chosen penalty; the
 * start only changes how long it takes to get there.
 */
export function train(data: TrainingData, options: TrainOptions<LogisticModel> = {}): LogisticModel {
  return fit(data, options).model;
}

/** train(), telling how it went. */
export function fit(data: TrainingData, options: TrainOptions<LogisticModel> = {}): Fit {
  const dataset = centreDataset(prepareDataset(data));
  const { previous } = options;
  const sizes = classSizes(dataset.labels, dataset.classCount);
  if (usableAsStart(previous, data, dataset.dim) && lambdaStillFits(previous, sizes)) {
    // A model holds its weights, not their coefficients on the photos, so this stays primal.
    const { params, iterations } = solve(softmaxProblem(dataset), previous.lambda, toParams(previous, dataset.centre), FINAL_TOLERANCE);
    const model = toModel(params, dataset, data.classes, previous.lambda, previous.lambdaChosenOn);
    return { model, form: 'primal', folds: 0, validationIterations: [], finalIterations: iterations };
  }
  // In kernel form each solver iteration costs count² × classes instead of 2 × count × dim ×
  // classes, after count² × dim / 2 once for the Gram matrix. It clearly pays while count ≤ dim
  // (12 × 60 flowers: 255 against 450 ms; 397 hymenoptera photos: 46 against 74 ms); beyond, it
  // depends on the class count (with 12 classes and 720 photos the forms tie at 320 dimensions).
  const { count, dim } = dataset;
  const gram = count <= dim ? gramMatrix(dataset.features, count, dim) : undefined;
  const choice = chooseLambda(dataset, gram);
  const stats = { folds: choice.folds, validationIterations: choice.iterations };
  if (!gram) {
    const { params, iterations } = solve(softmaxProblem(dataset), choice.lambda, choice.start, FINAL_TOLERANCE);
    const model = toModel(params, dataset, data.classes, choice.lambda, sizes);
    return { model, form: 'primal', ...stats, finalIterations: iterations };
  }
  const problem = kernelProblem(
    dataset,
    gram,
    Array.from({ length: dataset.count }, (_, i) => i),
  );
  const { params, iterations } = solve(problem, choice.lambda, startingPoint(problem, choice.start), FINAL_TOLERANCE);
  const model = toModel(primalParams(params, dataset), dataset, data.classes, choice.lambda, sizes);
  return { model, form: 'kernel', ...stats, finalIterations: iterations };
}
