import { chooseLambda } from './crossValidation';
import { classSizes, packPhotos, preparePhotos, sameClassNames, selectRows } from './dataset';
import { gramMatrix, paddedRows } from './kernels';
import { centreDataset, centredProblem, FINAL_TOLERANCE, primalParams, solve, toModel, toParams, type CentredDataset } from './logistic';
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

/**
 * Above this many photos the penalty is chosen on a subsample of at most this many, the same
 * share of every class where it can be (smaller classes whole); the final fit still learns from
 * every photo, starting from the subsample's solution. Choosing on all of them made a first fit
 * on 5,000 photos of 2048 numbers (16 classes) cost 22 s of CPU against 9 s (side by side on the
 * loaded machine; same λ). On the shared datasets' train splits against their test splits it cost
 * little: 16 classes (2,964 photos) 98.56% against 98.64% test accuracy, log-loss 0.045 against
 * 0.042; cats & dogs (2,000) 99.10% both, log-loss 0.0225 against 0.0205. A limit of 800 was
 * cheaper again but lost 0.2–0.3 points on both.
 */
export const SELECTION_MAX_PHOTOS = 1500;

/**
 * `limit` photos of `dataset` at most: every photo of the classes under a common quota, and that
 * quota of the others, evenly spaced through each class so that its order (bursts of similar
 * shots) is kept. Features are padded to whole blocks, as a centred dataset's are.
 */
export function selectionSubsample(dataset: CentredDataset, limit: number): CentredDataset {
  const { classCount, dim } = dataset;
  const sizes = classSizes(dataset.labels, classCount);
  // The largest quota whose total stays within the limit (at least 2, so every class validates).
  let quota = Math.max(...sizes);
  const total = (q: number) => sizes.reduce((sum, size) => sum + Math.min(size, q), 0);
  while (quota > 2 && total(quota) > limit) quota = Math.max(2, Math.floor(quota * (limit / total(quota))));
  const byClass = sizes.map(() => [] as number[]);
  dataset.labels.forEach((label, row) => byClass[label].push(row));
  const keep = new Set(
    byClass.flatMap((rows) =>
      rows.length <= quota ? rows : Array.from({ length: quota }, (_, j) => rows[Math.floor((j * rows.length) / quota)]),
    ),
  );
  const rows = Array.from({ length: dataset.count }, (_, row) => row).filter((row) => keep.has(row));
  const selected = selectRows(dataset, rows);
  const features = new Float32Array(paddedRows(selected.count) * dim);
  features.set(selected.features);
  return { ...selected, features, centre: dataset.centre };
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
  /** The photos centred as the fit saw them, which its evaluation can take (see evaluationSteps). */
  centred: CentredDataset;
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
  const photos = preparePhotos(data, options.prepared);
  const { previous } = options;
  const sizes = classSizes(photos.labels, photos.classCount);
  if (usableAsStart(previous, data, photos.dim) && lambdaStillFits(previous, sizes)) {
    // A model holds its weights, not their coefficients on the photos, so this stays primal.
    const { centred, problem } = centredProblem(photos);
    const { params, iterations } = solve(problem, previous.lambda, toParams(previous, centred.centre), FINAL_TOLERANCE);
    const model = toModel(params, centred, data.classes, previous.lambda, previous.lambdaChosenOn);
    return { model, form: 'primal', folds: 0, validationIterations: [], finalIterations: iterations, centred };
  }
  // In kernel form each solver iteration costs count² × classes instead of 2 × count × dim ×
  // classes, after count² × dim / 2 once for the Gram matrix. It clearly pays while count ≤ dim
  // (12 × 60 flowers: 255 against 450 ms; 397 hymenoptera photos: 46 against 74 ms); beyond, it
  // depends on the class count (with 12 classes and 720 photos the forms tie at 320 dimensions).
  const { count, dim } = photos;
  if (count > SELECTION_MAX_PHOTOS) {
    const { centred, problem } = centredProblem(photos);
    const selection = selectionSubsample(centred, SELECTION_MAX_PHOTOS);
    const selectionGram = selection.count <= dim ? gramMatrix(selection.features, selection.count, dim) : undefined;
    const choice = chooseLambda(selection, selectionGram);
    const start = selectionGram ? primalParams(choice.start, selection) : choice.start;
    const { params, iterations } = solve(problem, choice.lambda, start, FINAL_TOLERANCE);
    const model = toModel(params, centred, data.classes, choice.lambda, sizes);
    return { model, form: 'primal', folds: choice.folds, validationIterations: choice.iterations, finalIterations: iterations, centred };
  }
  const dataset = centreDataset(packPhotos(photos));
  const gram = count <= dim ? gramMatrix(dataset.features, count, dim) : undefined;
  const choice = chooseLambda(dataset, gram);
  const stats = { folds: choice.folds, validationIterations: choice.iterations, centred: dataset };
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
