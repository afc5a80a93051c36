import { evaluationFoldCount, kernelSplit, primalSplit, rowsWhere, stratifiedFolds } from './crossValidation';
import { classSizes, prepareDataset, sameClassNames, selectRows, type Dataset, type PreparedRows } from './dataset';
import { HeadError } from './errors';
import { knnProbabilities } from './knn';
import { gramMatrix } from './kernels';
import { centreDataset, softmax, solveClosely, type CentredDataset } from './logistic';
import { isUnsure, topClass } from './predict';
import type { HeadModel, TrainingData } from './types';

/**
 * Up to this many photos, every photo is held out on its own (leave-one-out): each refit then
 * learns from all but one photo, so the estimate is not dragged down by training on 4/5 or less
 * of an already small set, and n refits are still quick. Above it, stratified k-fold.
 */
export const LEAVE_ONE_OUT_MAX_PHOTOS = 50;
const Z_95 = 1.959963984540054;
const CALIBRATION_BINS = 10;

export interface Interval {
  lower: number;
  upper: number;
}

export interface ClassAccuracy {
  className: string;
  evaluated: number;
  correct: number;
  accuracy: number | null;
  interval: Interval;
}

export interface ReliabilityBin {
  /** Covers top-class probabilities in [lower, upper); the last bin includes 1. */
  lower: number;
  upper: number;
  count: number;
  meanConfidence: number | null;
  accuracy: number | null;
}

export interface Calibration {
  /** Σ over bins of (bin share of photos) × |bin accuracy − bin mean confidence|. */
  expectedCalibrationError: number | null;
  bins: ReliabilityBin[];
}

/** Every rate is null, never NaN, when there was nothing to measure it on. */
export interface Evaluation {
  scheme: 'leave-one-out' | 'k-fold';
  folds: number;
  /** Photos that got an out-of-fold prediction. */
  evaluated: number;
  /** Photos that are their class's only one: a model without them has never seen their class. */
  notEvaluated: number[];
  correct: number;
  accuracy: number | null;
  /** 95% Wilson score interval for the accuracy. */
  interval: Interval;
  perClass: ClassAccuracy[];
  /** confusion[true][predicted] counts photos; confusionExamples holds their indices. */
  confusion: number[][];
  confusionExamples: number[][][];
  calibration: Calibration;
  /** How many predictions fell under the "not sure" rule, and the accuracy of the rest. */
  unsure: { count: number; accuracyWhenSure: number | null };
  /** Out-of-fold probabilities per photo, null for those not evaluated. */
  predictions: (Float32Array | null)[];
}

/**
 * Wilson score interval: unlike p ± z·√(p(1−p)/n) it stays inside [0, 1] and does not collapse
 * to a point at 0% or 100%, which few-shot accuracies often are. With no trials it is [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  if (trials === 0) return { lower: 0, upper: 1 };
  const rate = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (rate + z2 / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((rate * (1 - rate)) / trials + z2 / (4 * trials * trials));
  return { lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

/** Reliability of top-class probabilities over 10 equal-width bins, and the expected calibration error. */
export function calibration(confidences: number[], correct: boolean[]): Calibration {
  const counts = new Array<number>(CALIBRATION_BINS).fill(0);
  const confidenceSums = new Array<number>(CALIBRATION_BINS).fill(0);
  const correctCounts = new Array<number>(CALIBRATION_BINS).fill(0);
  confidences.forEach((confidence, i) => {
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(confidence * CALIBRATION_BINS));
    counts[bin]++;
    confidenceSums[bin] += confidence;
    if (correct[i]) correctCounts[bin]++;
  });
  let error = 0;
  const bins = counts.map((count, bin): ReliabilityBin => {
    const lower = bin / CALIBRATION_BINS;
    const upper = (bin + 1) / CALIBRATION_BINS;
    if (count === 0) return { lower, upper, count, meanConfidence: null, accuracy: null };
    const meanConfidence = confidenceSums[bin] / count;
    const accuracy = correctCounts[bin] / count;
    error += (count / confidences.length) * Math.abs(accuracy - meanConfidence);
    return { lower, upper, count, meanConfidence, accuracy };
  });
  return { expectedCalibrationError: confidences.length === 0 ? null : error, bins };
}

/**
 * Out-of-fold probabilities for every photo in a fold (fold ≥ 0), null for the others: refits
 * with the model's own hyperparameter (penalty or k) without each fold. There is no nested
 * cross-validation to re-choose the penalty inside each fold: that would multiply the cost by the
 * grid size. The estimate is therefore slightly optimistic, in exchange for staying quick.
 */
function* heldOutPredictions(
  dataset: Dataset,
  model: HeadModel,
  folds: Int32Array,
  foldIds: number[],
  interrupt?: () => void,
  centred?: CentredDataset,
): EvaluationSteps<(Float32Array | null)[]> {
  if (model.kind === 'logistic') return yield* logisticHeldOut(centred ?? centreDataset(dataset), model.lambda, folds, foldIds, interrupt);
  const { dim } = dataset;
  const predictions = new Array<Float32Array | null>(dataset.count).fill(null);
  for (const fold of foldIds) {
    const part = selectRows(
      dataset,
      rowsWhere(folds, (f) => f !== fold),
    );
    const partModel = { ...model, embeddings: Array.from(part.features), labels: Array.from(part.labels) };
    for (const row of rowsWhere(folds, (f) => f === fold)) {
      predictions[row] = knnProbabilities(partModel, dataset.features.subarray(row * dim, row * dim + dim));
    }
  }
  return predictions;
}

/**
 * Out-of-fold predictions of the logistic head: for each fold, a refit without it, solved to
 * HELD_OUT_PRECISION, so that they match exact refits' to about 1e-4 (see README).
 *
 * Every refit starts from zero. Never from the model: it has seen the held-out photos, and a
 * refit that stops early keeps what it learnt from them. Starts from refits that never saw them
 * (each fold's refit from one without a superset of its photos, or along the penalty path) were
 * measured too and saved under a tenth of the iterations: it is the last stretch, from near the
 * optimum to HELD_OUT_PRECISION, that costs, wherever it starts.
 */
function* logisticHeldOut(
  centred: CentredDataset,
  lambda: number,
  folds: Int32Array,
  foldIds: number[],
  interrupt?: () => void,
): EvaluationSteps<(Float32Array | null)[]> {
  const { classCount, count, dim } = centred;
  // As in train(): while there are no more photos than dimensions, each refit is solved on its
  // block of the Gram matrix, in count² rather than count × dim operations per iteration.
  const gram = count <= dim ? gramMatrix(centred.features, count, dim) : undefined;
  const predictions = new Array<Float32Array | null>(count).fill(null);
  const logits = new Float64Array(classCount);
  for (const fold of foldIds) {
    // Before copying the part's photos (tens of milliseconds at thousands), not after: a head replaced
    // while the photos were being prepared and centred is dropped at once.
    interrupt?.();
    const rows = rowsWhere(folds, (f) => f !== fold);
    const heldOut = rowsWhere(folds, (f) => f === fold);
    const split = gram ? kernelSplit(centred, gram, rows, heldOut) : primalSplit(centred, rows, heldOut);
    const solution = solveClosely(split.training, lambda, split.params, interrupt);
    const width = split.training.dim;
    const bias = solution.params.subarray(classCount * width, classCount * width + classCount);
    const heldOutLogits = split.heldOutLogits(solution.params);
    heldOut.forEach((row, h) => {
      for (let c = 0; c < classCount; c++) logits[c] = bias[c] + heldOutLogits[h * classCount + c];
      predictions[row] = softmax(logits);
    });
    yield;
  }
  return predictions;
}

/**
 * Work done a part at a time: each `next()` refits one held-out part (the last one also sums up),
 * so the trainer worker can stop between parts once its head has been replaced.
 */
export type EvaluationSteps<T = Evaluation> = Generator<void, T, void>;

/** Runs `steps` to the end. */
export function finish<T>(steps: EvaluationSteps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Estimates how often `model`'s kind of head, trained on photos like `data`, gets a new photo right,
 * from out-of-fold predictions. The interval treats the pooled predictions as independent trials;
 * they are not quite (the folds share training photos), so read it as a guide to the uncertainty,
 * not an exact 95%.
 */
export function evaluate(data: TrainingData, model: HeadModel): Evaluation {
  return finish(evaluationSteps(data, model));
}

/**
 * evaluate(), one held-out part per step. The checks happen at the first step. `interrupt` is
 * called before each part and between the solver's passes over its photos, and may throw to
 * abandon the evaluation: a part of thousands of photos takes seconds. `prepared`: as for train().
 * `centred`: the photos as fit() centred them for `model` (Fit's), which spares preparing and
 * centring them again (a tenth of a second at 5,000 photos, before the first part can give way);
 * the same evaluation as without.
 */
export function* evaluationSteps(
  data: TrainingData,
  model: HeadModel,
  interrupt?: () => void,
  prepared?: PreparedRows,
  centred?: CentredDataset,
): EvaluationSteps {
  const logisticCentred = model.kind === 'logistic' ? centred : undefined;
  const dataset = logisticCentred ?? prepareDataset(data, prepared);
  const { classCount, count } = dataset;
  if (model.dim !== dataset.dim || !sameClassNames(model.classes, data.classes)) {
    throw new HeadError('incompatible-model', 'This model was trained for different classes or embeddings than these photos.');
  }
  const sizes = classSizes(dataset.labels, classCount);
  const leaveOneOut = count <= LEAVE_ONE_OUT_MAX_PHOTOS;
  const folds = leaveOneOut
    ? Int32Array.from(dataset.labels, (label, i) => (sizes[label] < 2 ? -1 : i))
    : stratifiedFolds(dataset.labels, classCount, evaluationFoldCount(sizes));

  const foldIds = [...new Set(folds)].filter((fold) => fold >= 0);
  const predictions = yield* heldOutPredictions(dataset, model, folds, foldIds, interrupt, logisticCentred);

  const confusionExamples = Array.from({ length: classCount }, () => Array.from({ length: classCount }, () => [] as number[]));
  const confidences: number[] = [];
  const correctness: boolean[] = [];
  let unsureCount = 0;
  let sureCorrect = 0;
  predictions.forEach((probabilities, i) => {
    if (!probabilities) return;
    const predicted = topClass(probabilities);
    const right = predicted === dataset.labels[i];
    confusionExamples[dataset.labels[i]][predicted].push(i);
    confidences.push(probabilities[predicted]);
    correctness.push(right);
    if (isUnsure(probabilities)) unsureCount++;
    else if (right) sureCorrect++;
  });

  const evaluated = confidences.length;
  const correct = correctness.filter(Boolean).length;
  const rate = (hits: number, trials: number) => (trials === 0 ? null : hits / trials);
  const perClass = data.classes.map((className, c): ClassAccuracy => {
    const row = confusionExamples[c];
    const classEvaluated = row.reduce((sum, cell) => sum + cell.length, 0);
    const classCorrect = row[c].length;
    return {
      className,
      evaluated: classEvaluated,
      correct: classCorrect,
      accuracy: rate(classCorrect, classEvaluated),
      interval: wilsonInterval(classCorrect, classEvaluated),
    };
  });
  return {
    scheme: leaveOneOut ? 'leave-one-out' : 'k-fold',
    folds: foldIds.length,
    evaluated,
    notEvaluated: rowsWhere(folds, (f) => f < 0),
    correct,
    accuracy: rate(correct, evaluated),
    interval: wilsonInterval(correct, evaluated),
    perClass,
    confusion: confusionExamples.map((row) => row.map((cell) => cell.length)),
    confusionExamples,
    calibration: calibration(confidences, correctness),
    unsure: { count: unsureCount, accuracyWhenSure: rate(sureCorrect, evaluated - unsureCount) },
    predictions,
  };
}
