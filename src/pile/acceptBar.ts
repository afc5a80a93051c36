/**
 * "Accept the sure ones": how confident a suggestion must be to accept it without a look, and how
 * many of the accepted ones are then expected to be wrong, from held-out predictions (each photo
 * predicted by a classifier that did not learn from it). The method is described in docs/labelling.md.
 */
import type { Interval } from '../head/evaluate';
import { topClass } from '../head/predict';
import { projectInto, squaredDistance, type PileSketch } from './sketch';

/** Out-of-fold predictions of the labelled photos (Evaluation.predictions) and their true classes. */
export interface HeldOut {
  probabilities: readonly (Float32Array | null | undefined)[];
  labels: readonly number[];
  /**
   * How much each photo counts: how many pile photos it stands for (pileWeights). The queue picks
   * doubtful photos to label, so unweighted they would paint the pile as harder than it is, and
   * the bar would come out too high.
   */
  weights?: readonly number[];
}

export interface ClassAcceptance {
  classIndex: number;
  /** Suggestions for this class at or above this confidence are accepted; null when none can be. */
  bar: number | null;
  /** Pile indices that clear the bar, most confident first. */
  photos: number[];
  /** Expected number of wrong suggestions among `photos`, and its 95% range. */
  expectedWrong: number;
  expectedWrongRange: Interval;
  /** The class's fitted temperature (see fitTemperature); undefined with too few held-out photos. */
  temperature: number | undefined;
}

export interface AcceptPlan {
  /** Share of accepted photos that should be right; the bars are set to reach it. */
  targetPrecision: number;
  /** Held-out predictions the calibration was fitted on. */
  heldOutCount: number;
  /** Fitted on all held-out predictions; each class's own is drawn towards it. */
  temperature: number;
  perClass: ClassAcceptance[];
}

export interface AcceptOptions {
  /** 0.95 by default. */
  targetPrecision?: number;
  /** Pile indices to leave out (already labelled or accepted). */
  exclude?: ReadonlySet<number>;
  /** Below this many held-out predictions nothing is accepted; 20 by default. */
  minimumHeldOut?: number;
}

/**
 * Priors on log T, as Gaussians with these standard deviations. Without them a handful of
 * held-out photos that happened to be all right fit a temperature of 1/20, and the app promised
 * 99.8% right where 97% were (the harness, after random-order labelling with 2 to 3 photos per
 * class). All classes together: drawn to T = 1, the classifier's own confidence, within a factor of
 * about e^(2·0.5) = 2.7 either way until the held-out photos say otherwise. Each class: drawn to the
 * temperature of all classes within a factor of about 2, so a class with a few doubtful suggestions
 * does not get a bar of its own from them alone, while one with many wrong suggestions still gets a
 * higher bar than the others. Chosen on the harness's held-out predictions of all three datasets.
 */
const OVERALL_PRIOR = { temperature: 1, sd: 0.5 };
const CLASS_PRIOR_SD = 0.35;
/** Half-width of the 95% profile-likelihood interval: a log-likelihood drop of χ²₁(0.95) / 2. */
const PROFILE_DROP = 1.92;

interface Pair {
  confidence: number;
  right: number;
  weight: number;
}

/** (top-class confidence, right or not, weight) of each held-out prediction, optionally only those suggesting one class. */
function heldOutPairs(heldOut: HeldOut, onlyClass?: number): Pair[] {
  const pairs: (Pair & { predicted: number })[] = [];
  heldOut.probabilities.forEach((probabilities, i) => {
    if (!probabilities) return;
    const predicted = topClass(probabilities);
    const right = predicted === heldOut.labels[i] ? 1 : 0;
    pairs.push({ confidence: probabilities[predicted], right, weight: heldOut.weights?.[i] ?? 1, predicted });
  });
  // Weights are relative: scaled to average 1, so likelihoods stay in units of photos.
  const total = pairs.reduce((sum, pair) => sum + pair.weight, 0);
  for (const pair of pairs) pair.weight = total > 0 ? (pair.weight * pairs.length) / total : 1;
  return onlyClass === undefined ? pairs : pairs.filter((pair) => pair.predicted === onlyClass);
}

const logit = (p: number) => Math.log(Math.max(1e-12, p) / Math.max(1e-12, 1 - p));

/** The top-class confidence with its log-odds divided by `temperature`. */
export function temperatureScaled(confidence: number, temperature: number): number {
  return 1 / (1 + Math.exp(-logit(confidence) / temperature));
}

/** The confidence whose temperature-scaled value is `target`. */
function confidenceFor(target: number, temperature: number): number {
  return 1 / (1 + Math.exp(-logit(target) * temperature));
}

function negativeLogLikelihood(pairs: readonly Pair[], logTemperature: number): number {
  const temperature = Math.exp(logTemperature);
  let sum = 0;
  for (const { confidence, right, weight } of pairs) {
    const p = Math.min(1 - 1e-12, Math.max(1e-12, temperatureScaled(confidence, temperature)));
    sum -= weight * (right ? Math.log(p) : Math.log(1 - p));
  }
  return sum;
}

/** Golden-section search for the minimum of a unimodal function on [low, high]. */
function minimise(f: (x: number) => number, low: number, high: number): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let step = 0; step < 60; step++) {
    const a = high - ratio * (high - low);
    const b = low + ratio * (high - low);
    if (f(a) < f(b)) high = b;
    else low = a;
  }
  return (low + high) / 2;
}

/** Where f, increasing on [from, to], crosses `level` (bisection). */
function crossing(f: (x: number) => number, level: number, from: number, to: number): number {
  if (f(to) < level) return to;
  let low = from;
  let high = to;
  for (let step = 0; step < 50; step++) {
    const middle = (low + high) / 2;
    if (f(middle) < level) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

const MAX_LOG_TEMPERATURE = Math.log(20);

/**
 * The temperature that makes the held-out top-class confidences most likely to have been right
 * or wrong as they were (Platt scaling of the log-odds with one parameter), between 1/20 and 20,
 * with its 95% range. A classifier that is more sure than right gets a temperature above 1.
 * With `prior`, log T has a Gaussian prior (mean log prior.temperature, standard deviation
 * prior.sd), and the fit and range are those of the posterior.
 */
export function fitTemperature(
  heldOut: HeldOut,
  options: { onlyClass?: number; prior?: { temperature: number; sd: number } } = {},
): { temperature: number; range: Interval } {
  const pairs = heldOutPairs(heldOut, options.onlyClass);
  const { prior } = options;
  const loss = (x: number) => negativeLogLikelihood(pairs, x) + (prior ? (x - Math.log(prior.temperature)) ** 2 / (2 * prior.sd ** 2) : 0);
  if (pairs.length === 0) return { temperature: prior?.temperature ?? 1, range: { lower: 1 / 20, upper: 20 } };
  const best = minimise(loss, -MAX_LOG_TEMPERATURE, MAX_LOG_TEMPERATURE);
  const level = loss(best) + PROFILE_DROP;
  const lower = -crossing((x) => loss(-x), level, -best, MAX_LOG_TEMPERATURE);
  const upper = crossing(loss, level, best, MAX_LOG_TEMPERATURE);
  return { temperature: Math.exp(best), range: { lower: Math.exp(lower), upper: Math.exp(upper) } };
}

/**
 * Per class, the confidence bar above which a suggestion of that class is right at least
 * `targetPrecision` of the time, by the class's temperature, the pile photos that clear it, and
 * the expected number wrong among them with a range (from the temperature's 95% range). Each class's
 * temperature is fitted on the held-out photos it was suggested for, drawn towards the temperature
 * of all of them. `pileProbabilities` are the current classifier's predictions for the pile.
 */
export function acceptBar(
  heldOut: HeldOut,
  pileProbabilities: readonly (Float32Array | null | undefined)[],
  options: AcceptOptions = {},
): AcceptPlan {
  const targetPrecision = options.targetPrecision ?? 0.95;
  const heldOutCount = heldOut.probabilities.filter((p) => p).length;
  const overall = fitTemperature(heldOut, { prior: OVERALL_PRIOR }).temperature;
  const classCount = pileProbabilities.find((p) => p)?.length ?? heldOut.probabilities.find((p) => p)?.length ?? 0;
  const suggested = Array.from({ length: classCount }, () => [] as { index: number; confidence: number }[]);
  pileProbabilities.forEach((probabilities, index) => {
    if (!probabilities || options.exclude?.has(index)) return;
    const predicted = topClass(probabilities);
    suggested[predicted].push({ index, confidence: probabilities[predicted] });
  });
  const enough = heldOutCount >= (options.minimumHeldOut ?? 20);
  const perClass = suggested.map((photos, classIndex): ClassAcceptance => {
    const none = { classIndex, bar: null, photos: [], expectedWrong: 0, expectedWrongRange: { lower: 0, upper: 0 } };
    if (!enough) return { ...none, temperature: undefined };
    const { temperature, range } = fitTemperature(heldOut, {
      onlyClass: classIndex,
      prior: { temperature: overall, sd: CLASS_PRIOR_SD },
    });
    const bar = confidenceFor(targetPrecision, temperature);
    const accepted = photos.filter((photo) => photo.confidence >= bar).sort((a, b) => b.confidence - a.confidence || a.index - b.index);
    if (accepted.length === 0) return { ...none, temperature };
    const wrong = (t: number) => accepted.reduce((sum, { confidence }) => sum + 1 - temperatureScaled(confidence, t), 0);
    return {
      classIndex,
      bar,
      photos: accepted.map((photo) => photo.index),
      expectedWrong: wrong(temperature),
      // A higher temperature means less sure, so more wrong.
      expectedWrongRange: { lower: wrong(range.lower), upper: wrong(range.upper) },
      temperature,
    };
  });
  return { targetPrecision, heldOutCount, temperature: overall, perClass };
}

/**
 * How many pile photos each labelled photo stands for: 1 plus the pile photos (not excluded) that
 * are nearer to it than to any other labelled photo, measured in the pile sketch. Passed as
 * HeldOut.weights, it makes the labelled photos speak for the pile as a whole rather than for the
 * doubtful corners the queue sent the person to.
 */
export function pileWeights(sketch: PileSketch, labelled: readonly Float32Array[], exclude?: ReadonlySet<number>): number[] {
  const { dim, points, count } = sketch;
  const known = new Float32Array(labelled.length * dim);
  labelled.forEach((embedding, row) => projectInto(sketch, embedding, known, row * dim));
  const weights = new Array<number>(labelled.length).fill(1);
  if (labelled.length === 0) return weights;
  for (let i = 0; i < count; i++) {
    if (exclude?.has(i)) continue;
    let nearest = 0;
    let nearestDistance = Infinity;
    for (let row = 0; row < labelled.length; row++) {
      const distance = squaredDistance(points, i, known, row, dim);
      if (distance < nearestDistance) {
        nearestDistance = distance;
        nearest = row;
      }
    }
    weights[nearest]++;
  }
  return weights;
}
