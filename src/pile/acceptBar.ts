/**
 * "Accept the sure ones": how confident a suggestion must be to accept it without a look, and how
 * many of the accepted ones are then expected to be wrong, from held-out predictions (each photo
 * predicted by a classifier that did not learn from it). The method is described in docs/labelling.md.
 */
import { wilsonInterval, type Interval } from '../head/evaluate';
import { topClass } from '../head/predict';

/** Out-of-fold predictions of the labelled photos (Evaluation.predictions) and their true classes. */
export interface HeldOut {
  probabilities: readonly (Float32Array | null | undefined)[];
  labels: readonly number[];
}

/**
 * How often a suggestion with a given top-class confidence is right: a non-decreasing step function
 * fitted by isotonic regression on held-out predictions. Block b covers confidences from `from[b]`
 * up to `from[b + 1]`.
 */
export interface ConfidenceCalibration {
  from: number[];
  /** Expected share right, shrunk towards the block's mean confidence (see blockAccuracy). */
  accuracy: number[];
  /** 95% Wilson range of the share right in the block. */
  lower: number[];
  upper: number[];
  /** Held-out photos in each block. */
  count: number[];
}

export interface ClassAcceptance {
  classIndex: number;
  /** Suggestions for this class at or above this confidence are accepted; null when none can be. */
  bar: number | null;
  /** Pile indices that clear the bar, most confident first. */
  photos: number[];
  /** Expected number of wrong suggestions among `photos`, and its range. */
  expectedWrong: number;
  expectedWrongRange: Interval;
}

export interface AcceptPlan {
  calibration: ConfidenceCalibration;
  /** Share of accepted photos that should be right; the bars are set to reach it. */
  targetPrecision: number;
  /** Held-out predictions the calibration was fitted on. */
  heldOutCount: number;
  perClass: ClassAcceptance[];
}

export interface AcceptOptions {
  /** 0.95 by default. */
  targetPrecision?: number;
  /** Pile indices to leave out (already labelled or accepted). */
  exclude?: ReadonlySet<number>;
  /** Below this many held-out predictions nothing is accepted; 10 by default. */
  minimumHeldOut?: number;
}

/**
 * Weight, in photos, of the classifier's own claim (its mean confidence) in each block's estimate:
 * a block of 3 held-out photos that were all right does not make a promise of 100%.
 */
const PRIOR_WEIGHT = 2;

/** Pool-adjacent-violators on (confidence, right) pairs sorted by confidence. */
export function calibrateConfidence(heldOut: HeldOut): ConfidenceCalibration {
  const pairs: { confidence: number; right: number }[] = [];
  heldOut.probabilities.forEach((probabilities, i) => {
    if (!probabilities) return;
    const predicted = topClass(probabilities);
    pairs.push({ confidence: probabilities[predicted], right: predicted === heldOut.labels[i] ? 1 : 0 });
  });
  pairs.sort((a, b) => a.confidence - b.confidence);
  const blocks: { from: number; right: number; count: number; confidenceSum: number }[] = [];
  for (const { confidence, right } of pairs) {
    blocks.push({ from: confidence, right, count: 1, confidenceSum: confidence });
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1];
      const previous = blocks[blocks.length - 2];
      if (previous.right / previous.count < last.right / last.count) break;
      previous.right += last.right;
      previous.count += last.count;
      previous.confidenceSum += last.confidenceSum;
      blocks.pop();
    }
  }
  const calibration: ConfidenceCalibration = { from: [], accuracy: [], lower: [], upper: [], count: [] };
  let floor = 0;
  for (const [b, block] of blocks.entries()) {
    const interval = wilsonInterval(block.right, block.count);
    // Shrinking can break monotonicity between small blocks; keep the step function non-decreasing.
    floor = Math.max(floor, (block.right + PRIOR_WEIGHT * (block.confidenceSum / block.count)) / (block.count + PRIOR_WEIGHT));
    calibration.from.push(b === 0 ? 0 : block.from);
    calibration.accuracy.push(floor);
    calibration.lower.push(interval.lower);
    calibration.upper.push(interval.upper);
    calibration.count.push(block.count);
  }
  return calibration;
}

/** The block a confidence falls in; -1 for an empty calibration. */
function blockOf(calibration: ConfidenceCalibration, confidence: number): number {
  let block = -1;
  for (let b = 0; b < calibration.from.length && calibration.from[b] <= confidence; b++) block = b;
  return calibration.from.length > 0 ? Math.max(0, block) : -1;
}

/** Calibrated chance that a suggestion with this top-class confidence is right, with its range. */
export function calibratedAccuracy(calibration: ConfidenceCalibration, confidence: number): { expected: number; range: Interval } {
  const block = blockOf(calibration, confidence);
  if (block < 0) return { expected: confidence, range: { lower: 0, upper: 1 } };
  return {
    expected: calibration.accuracy[block],
    range: { lower: calibration.lower[block], upper: calibration.upper[block] },
  };
}

/**
 * Per class, the lowest bar such that the pile photos suggested as that class at or above it are
 * expected (by the calibration) to be right at least `targetPrecision` of the time, with the
 * expected number wrong among them. `pileProbabilities` are the current classifier's predictions.
 */
export function acceptBar(
  heldOut: HeldOut,
  pileProbabilities: readonly (Float32Array | null | undefined)[],
  options: AcceptOptions = {},
): AcceptPlan {
  const targetPrecision = options.targetPrecision ?? 0.95;
  const calibration = calibrateConfidence(heldOut);
  const heldOutCount = calibration.count.reduce((sum, n) => sum + n, 0);
  const classCount = pileProbabilities.find((p) => p)?.length ?? heldOut.probabilities.find((p) => p)?.length ?? 0;
  const suggested = Array.from({ length: classCount }, () => [] as { index: number; confidence: number }[]);
  pileProbabilities.forEach((probabilities, index) => {
    if (!probabilities || options.exclude?.has(index)) return;
    const predicted = topClass(probabilities);
    suggested[predicted].push({ index, confidence: probabilities[predicted] });
  });
  const enough = heldOutCount >= (options.minimumHeldOut ?? 10);
  const perClass = suggested.map((photos, classIndex): ClassAcceptance => {
    const none: ClassAcceptance = { classIndex, bar: null, photos: [], expectedWrong: 0, expectedWrongRange: { lower: 0, upper: 0 } };
    if (!enough) return none;
    photos.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
    let expectedRight = 0;
    let taken = 0;
    photos.forEach((photo, k) => {
      expectedRight += calibratedAccuracy(calibration, photo.confidence).expected;
      // Equal confidences go in or out together, so the bar is a real threshold.
      const lastOfTie = k + 1 === photos.length || photos[k + 1].confidence < photo.confidence;
      if (lastOfTie && expectedRight / (k + 1) >= targetPrecision) taken = k + 1;
    });
    if (taken === 0) return none;
    const accepted = photos.slice(0, taken);
    let expectedWrong = 0;
    let fewest = 0;
    let most = 0;
    for (const { confidence } of accepted) {
      const { expected, range } = calibratedAccuracy(calibration, confidence);
      expectedWrong += 1 - expected;
      fewest += 1 - range.upper;
      most += 1 - range.lower;
    }
    return {
      classIndex,
      bar: accepted[taken - 1].confidence,
      photos: accepted.map((photo) => photo.index),
      expectedWrong,
      expectedWrongRange: { lower: fewest, upper: most },
    };
  });
  return { calibration, targetPrecision, heldOutCount, perClass };
}
