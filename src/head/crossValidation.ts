import { classSizes, selectRows } from './dataset';
import { addResidualProducts, multiplyByWeights, paddedRows } from './kernels';
import { type CentredDataset, logSumExp, solve, VALIDATION_BALANCE, VALIDATION_TOLERANCE } from './logistic';
import { kernelProblem, parameterSize, softmaxProblem, type SoftmaxProblem } from './objective';

/**
 * Candidate penalties (see softmaxObjective for the scale), strongest first: decade steps from
 * 10^0, where probabilities stay cautious, down to 10^-4, where the weights may grow until nearly
 * every training photo is certain.
 */
export const LAMBDA_GRID: readonly number[] = [0, -1, -2, -3, -4].map((e) => 10 ** e);
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
 * From this many photos in every class, choosing the penalty uses 3 folds instead of 5: each
 * held-out part still has at least 5 photos of every class, training parts keep 2/3 of the photos
 * rather than 4/5, and the choice costs less than half as much (3 × (2/3)² against 5 × (4/5)² of a
 * full-size solve in kernel form, 3 × 2/3 against 5 × 4/5 in the primal form). On flowers subsets
 * of 15 to 45 photos per class, 3 and 5 folds chose the same penalty, with the same test loss.
 */
const THREE_FOLDS_FROM = 15;
/**
 * From this many photos in every class, 2 folds: each half still holds 15 or more photos of every
 * class to train on and to grade. On real embeddings (flowers12 at 30/45/60 per class, hymenoptera
 * at 30/60/all, cats & dogs at 30/100, 3 seeds each) 2 and 3 folds chose the same penalty in 22 of
 * 24 draws, with test accuracy equal on average, and 12 x 60 photos fit about 30% faster.
 */
const TWO_FOLDS_FROM = 30;

/**
 * k = min(5, size of the smallest class). Classes with a single photo are left out of that
 * minimum (see stratifiedFolds); 0 means no class has two photos, so nothing can be validated.
 */
export function foldCount(sizes: number[]): number {
  const multi = sizes.filter((size) => size >= 2);
  return multi.length === 0 ? 0 : Math.min(MAX_FOLDS, ...multi);
}

/**
 * The folds for estimating accuracy beyond leave-one-out: foldCount, but 2 once every class has
 * TWO_FOLDS_FROM photos. Held-out refits are solved closely (see evaluate), which on 12 x 60
 * flower photos took about ten times the fit with 5 folds of 576 photos; 2 folds of 360 cost about
 * a fifth of that (6.1 against 1.3 s of CPU, under load), and learning from 30 photos of each class rather than 48 changes the estimate
 * little: test accuracy moved by under a point from 20 to 40 photos per class on hymenoptera and
 * cats & dogs (BENCHMARKS.md).
 */
export function evaluationFoldCount(sizes: number[]): number {
  const multi = sizes.filter((size) => size >= 2);
  return multi.length > 0 && Math.min(...multi) >= TWO_FOLDS_FROM ? 2 : foldCount(sizes);
}

/** The folds for choosing the penalty: foldCount, but 3 from 15 photos in every class and 2 from 30. */
export function selectionFoldCount(sizes: number[]): number {
  const multi = sizes.filter((size) => size >= 2);
  const smallest = multi.length > 0 ? Math.min(...multi) : 0;
  if (smallest >= TWO_FOLDS_FROM) return 2;
  return smallest >= THREE_FOLDS_FROM ? 3 : foldCount(sizes);
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
  rows: number[];
  heldOut: number[];
  /** Logits of the held-out photos, without bias, for weights (or coefficients) `params`. */
  heldOutLogits(params: Float64Array): Float64Array;
  /** Solutions at the last two penalties. */
  params: Float64Array;
  previousParams: Float64Array;
}

/** A training part in the primal form; held-out logits from the embeddings. */
export function primalSplit(dataset: CentredDataset, rows: number[], heldOut: number[]): Split {
  const { classCount, dim } = dataset;
  const training = softmaxProblem(selectRows(dataset, rows));
  // The held-out photos' features with zero rows up to a whole block, for the blocked product
  // (one row at a time took a sixth of a 5,000-photo fit).
  const heldOutRows = paddedRows(heldOut.length);
  const heldOutFeatures = new Float32Array(heldOutRows * dim);
  heldOutFeatures.set(selectRows(dataset, heldOut).features);
  const size = parameterSize(training);
  return {
    training,
    rows,
    heldOut,
    heldOutLogits: (params) => {
      const logits = new Float64Array(heldOutRows * classCount);
      multiplyByWeights(heldOutFeatures, heldOutRows, dim, params, classCount, logits);
      return logits;
    },
    params: new Float64Array(size),
    previousParams: new Float64Array(size),
  };
}

/** A training part in the kernel form; held-out logits from the held-out columns of the Gram matrix. */
export function kernelSplit(dataset: CentredDataset, gram: Float32Array, rows: number[], heldOut: number[]): Split {
  const { classCount, count } = dataset;
  const training = kernelProblem(dataset, gram, rows);
  const { paddedCount } = training;
  const crossGram = new Float32Array(paddedCount * heldOut.length);
  rows.forEach((row, i) => {
    for (let h = 0; h < heldOut.length; h++) crossGram[i * heldOut.length + h] = gram[row * count + heldOut[h]];
  });
  const coefficients = new Float64Array(paddedCount * classCount);
  const transposed = new Float64Array(classCount * heldOut.length);
  const logits = new Float64Array(heldOut.length * classCount);
  const size = parameterSize(training);
  return {
    training,
    rows,
    heldOut,
    heldOutLogits: (params) => {
      for (let c = 0; c < classCount; c++) {
        for (let i = 0; i < rows.length; i++) coefficients[i * classCount + c] = params[c * rows.length + i];
      }
      transposed.fill(0);
      addResidualProducts(coefficients, crossGram, paddedCount, heldOut.length, classCount, transposed);
      for (let h = 0; h < heldOut.length; h++) {
        for (let c = 0; c < classCount; c++) logits[h * classCount + c] = transposed[c * heldOut.length + h];
      }
      return logits;
    },
    params: new Float64Array(size),
    previousParams: new Float64Array(size),
  };
}

/**
 * The grid is evenly spaced in log λ, so continuing the last step along the path is a better
 * guess at the next solution than the last solution itself; it saves about a third of the work.
 */
function extrapolate(previous: Float64Array, last: Float64Array): Float64Array {
  const next = new Float64Array(last.length);
  for (let p = 0; p < last.length; p++) next[p] = 2 * last[p] - previous[p];
  return next;
}

export interface LambdaChoice {
  lambda: number;
  /**
   * Mean of the fold solutions at `lambda`: a warm start close to the full-data optimum. Weights
   * then biases; with a Gram matrix, coefficients on all of the dataset's photos then biases.
   */
  start: Float64Array;
  /** 0 when nothing was validated. */
  folds: number;
  /** Per penalty tried, in grid order: validation log-loss, and solver iterations over all folds. */
  losses: number[];
  iterations: number[];
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
 *
 * With `gram` (the Gram matrix of the dataset's features) the folds are solved in kernel form.
 */
export function chooseLambda(dataset: CentredDataset, gram?: Float32Array): LambdaChoice {
  const { classCount, count } = dataset;
  const width = gram ? count : dataset.dim;
  const size = classCount * width + classCount;
  const k = selectionFoldCount(classSizes(dataset.labels, classCount));
  if (k < 2) return { lambda: DEFAULT_LAMBDA, start: new Float64Array(size), folds: 0, losses: [], iterations: [] };

  const folds = stratifiedFolds(dataset.labels, classCount, k);
  const splits: Split[] = Array.from({ length: k }, (_, fold) => {
    const rows = rowsWhere(folds, (f) => f !== fold);
    const heldOut = rowsWhere(folds, (f) => f === fold);
    return gram ? kernelSplit(dataset, gram, rows, heldOut) : primalSplit(dataset, rows, heldOut);
  });

  const losses: number[] = [];
  const starts: Float64Array[] = [];
  const rowLogits = new Float64Array(classCount);
  const iterations: number[] = [];
  let best = 0;
  for (let j = 0; j < LAMBDA_GRID.length && j - best < 2; j++) {
    const lossSums = new Float64Array(classCount);
    const heldOutSizes = new Float64Array(classCount);
    const meanParams = new Float64Array(size);
    let pathIterations = 0;
    for (const split of splits) {
      const start = j < 2 ? split.params : extrapolate(split.previousParams, split.params);
      split.previousParams = split.params;
      const solution = solve(split.training, LAMBDA_GRID[j], start, VALIDATION_TOLERANCE, VALIDATION_BALANCE);
      split.params = solution.params;
      pathIterations += solution.iterations;
      const partWidth = split.training.dim;
      const bias = split.params.subarray(classCount * partWidth, classCount * partWidth + classCount);
      const logits = split.heldOutLogits(split.params);
      split.heldOut.forEach((row, h) => {
        for (let c = 0; c < classCount; c++) rowLogits[c] = bias[c] + logits[h * classCount + c];
        const label = dataset.labels[row];
        lossSums[label] += logSumExp(rowLogits) - rowLogits[label];
        heldOutSizes[label]++;
      });
      // Coefficients live on the part's photos; spread them back onto all of the dataset's.
      for (let c = 0; c < classCount; c++) {
        for (let p = 0; p < partWidth; p++) {
          meanParams[c * width + (gram ? split.rows[p] : p)] += split.params[c * partWidth + p] / k;
        }
        meanParams[classCount * width + c] += bias[c] / k;
      }
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
    iterations.push(pathIterations);
    if (losses[j] < losses[best]) best = j;
  }
  const chosen = losses.findIndex((loss) => loss <= losses[best] * (1 + TIE_TOLERANCE));
  return { lambda: LAMBDA_GRID[chosen], start: starts[chosen], folds: k, losses, iterations };
}
