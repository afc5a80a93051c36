import { classSizes, selectRows } from './dataset';
import {
  type CentredDataset,
  logSumExp,
  parameterCount,
  rowLogits,
  solve,
  VALIDATION_TOLERANCE,
} from './logistic';
import { softmaxProblem, type SoftmaxProblem } from './objective';

/**
 * Candidate penalties (see softmaxObjective for the scale), strongest first: half-decade steps
 * from 10^0.5, where probabilities stay cautious, down to 10^-3, where the weights may grow until
 * nearly every training photo is certain.
 */
export const LAMBDA_GRID: readonly number[] = [0.5, 0, -0.5, -1, -1.5, -2, -2.5, -3].map((e) => 10 ** e);
/**
 * Used when no class has a second photo to validate on, so there is nothing to choose by. An
 * educated guess: on synthetic one-shot problems, stronger penalties left the model too timid to
 * be sure of anything, and even this one leaves it less confident than it is accurate.
 */
export const DEFAULT_LAMBDA = 1e-2;
/** Penalties whose validation loss is within this fraction of the best count as tied. */
const TIE_TOLERANCE = 0.01;
const MAX_FOLDS = 5;

/**
 * k = min(5, size of the smallest class). Classes with a single photo are left out of that
 * minimum (see stratifiedFolds); 0 means no class has two photos, so nothing can be validated.
 */
export function foldCount(sizes: number[]): number {
  const multi = sizes.filter((size) => size >= 2);
  return multi.length === 0 ? 0 : Math.min(MAX_FOLDS, ...multi);
}

/**
 * Fold of each photo, or -1 for a photo that is always kept for training because it is its
 * class's only one: holding it out would leave the class unlearnable, and its prediction
 * meaningless. Within each class, photos keep their given order and are cut into k contiguous
 * blocks of ⌊m/k⌋ or ⌈m/k⌉: photos are often shot in bursts, and keeping neighbouring near-duplicates
 * on the same side of a split stops validation from grading the model on photos it has all but seen.
 */
export function stratifiedFolds(labels: ArrayLike<number>, classCount: number, k: number): Int32Array {
  const sizes = classSizes(labels, classCount);
  const seen = new Array<number>(classCount).fill(0);
  const folds = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    folds[i] = sizes[label] < 2 ? -1 : Math.floor((seen[label] * k) / sizes[label]);
    seen[label]++;
  }
  return folds;
}

export function rowsWhere(folds: Int32Array, keep: (fold: number) => boolean): number[] {
  const rows: number[] = [];
  folds.forEach((fold, row) => {
    if (keep(fold)) rows.push(row);
  });
  return rows;
}

interface Split {
  training: SoftmaxProblem;
  heldOut: number[];
  /** Solutions at the last two penalties. */
  params: Float64Array;
  previousParams: Float64Array;
}

/**
 * The grid is evenly spaced in log λ, so continuing the last step along the path is a better
 * guess at the next solution than the last solution itself; it saves about a third of the work.
 */
function extrapolate(previous: Float64Array, last: Float64Array): Float64Array {
  return Float64Array.from(last, (value, p) => 2 * value - previous[p]);
}

export interface LambdaChoice {
  lambda: number;
  /** Mean of the fold solutions at `lambda`: a warm start close to the full-data optimum. */
  start: Float64Array;
}

/**
 * Picks the penalty with the lowest class-balanced cross-validated log-loss, the strongest penalty
 * winning near-ties. Log-loss rather than accuracy because few-shot validation accuracy is often
 * 100% for several penalties, while log-loss still tells them apart by how well calibrated the
 * probabilities are, which the "not sure" rule depends on.
 *
 * Each fold walks the grid from strong to weak, starting every solve from its solutions at the
 * previous penalties. The walk stops once two successive penalties fail to improve on the best,
 * which skips the weakest, slowest-to-solve penalties when they are not needed.
 */
export function chooseLambda(dataset: CentredDataset): LambdaChoice {
  const { classCount, dim } = dataset;
  const size = parameterCount(classCount, dim);
  const k = foldCount(classSizes(dataset.labels, classCount));
  if (k < 2) return { lambda: DEFAULT_LAMBDA, start: new Float64Array(size) };

  const folds = stratifiedFolds(dataset.labels, classCount, k);
  const splits: Split[] = Array.from({ length: k }, (_, fold) => ({
    training: softmaxProblem(selectRows(dataset, rowsWhere(folds, (f) => f !== fold))),
    heldOut: rowsWhere(folds, (f) => f === fold),
    params: new Float64Array(size),
    previousParams: new Float64Array(size),
  }));

  const losses: number[] = [];
  const starts: Float64Array[] = [];
  let best = 0;
  for (let j = 0; j < LAMBDA_GRID.length && j - best < 2; j++) {
    const lossSums = new Float64Array(classCount);
    const heldOutSizes = new Float64Array(classCount);
    const meanParams = new Float64Array(size);
    for (const split of splits) {
      const start = j < 2 ? split.params : extrapolate(split.previousParams, split.params);
      split.previousParams = split.params;
      split.params = solve(split.training, LAMBDA_GRID[j], start, VALIDATION_TOLERANCE);
      const bias = split.params.subarray(classCount * dim);
      for (const row of split.heldOut) {
        const logits = rowLogits(split.params, bias, dataset.features, row, dim);
        const label = dataset.labels[row];
        lossSums[label] += logSumExp(logits) - logits[label];
        heldOutSizes[label]++;
      }
      for (let p = 0; p < size; p++) meanParams[p] += split.params[p] / k;
    }
    let loss = 0;
    let validatedClasses = 0;
    for (let c = 0; c < classCount; c++) {
      if (heldOutSizes[c] === 0) continue;
      loss += lossSums[c] / heldOutSizes[c];
      validatedClasses++;
    }
    losses.push(loss / validatedClasses);
    starts.push(meanParams);
    if (losses[j] < losses[best]) best = j;
  }
  const chosen = losses.findIndex((loss) => loss <= losses[best] * (1 + TIE_TOLERANCE));
  return { lambda: LAMBDA_GRID[chosen], start: starts[chosen] };
}
