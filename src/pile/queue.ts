/**
 * "Check these next": which pile photos a person should label next so the classifier learns most.
 *
 * With few labels per class the classifier's own doubts are not worth much (uncertainty sampling
 * then does worse than picking at random: it keeps asking about odd photos at the borders of a
 * poorly placed boundary), so the queue first covers the pile: typical photos from regions that no
 * labelled photo is near (density-weighted farthest-first traversal). Once every class has a few
 * labels, it asks about the photos whose top two classes are closest (smallest margin), spread out
 * so that one answer does not make the next nine redundant.
 */
import { topClass } from '../head/predict';
import { pileSketch, projectInto, squaredDistance, subsetSketch, type PileSketch } from './sketch';

export interface LabelledEmbedding {
  embedding: Float32Array;
  classIndex: number;
}

export interface ReviewQueueInput {
  /** Embeddings of the unsorted photos (any scale; normalised here), in the pile's order. */
  pile: readonly Float32Array[];
  /** Every photo with a class: the classes' photos and pile photos labelled so far. */
  labelled: readonly LabelledEmbedding[];
  /** The current classifier's probabilities for each pile photo (null where it has none yet). */
  probabilities?: readonly (Float32Array | null | undefined)[];
  /** Pile indices never to return: already labelled, accepted, skipped or deleted. */
  exclude?: ReadonlySet<number>;
  /** How many photos to return. */
  count: number;
  /**
   * pileSketch(...) of these photos, when the caller keeps one: it is the expensive part. It may
   * have been built for a larger pile (for example the pile as dropped, before photos were labelled
   * out of it); then `sketchRows` gives each pile photo's row in it.
   */
  sketch?: PileSketch;
  /** Row in `sketch` of each pile photo; by default photo i is row i. */
  sketchRows?: readonly number[];
  /** Number of classes; taken from `probabilities` or the labels when absent. */
  classCount?: number;
}

/** Labels per class (on average) below which the queue covers the pile rather than asking about doubts. */
export const COVERAGE_UNTIL_LABELS_PER_CLASS = 3;

/** Top-class probability minus the runner-up's: 0 is a coin toss between two classes, 1 is certain. */
export function margin(probabilities: ArrayLike<number>): number {
  let first = -Infinity;
  let second = -Infinity;
  for (let c = 0; c < probabilities.length; c++) {
    const p = probabilities[c];
    if (p > first) {
      second = first;
      first = p;
    } else if (p > second) second = p;
  }
  return probabilities.length < 2 ? 1 : first - second;
}

/**
 * Pile indices in the order to review them, at most `count`, never an excluded one. Pure and
 * deterministic. With a prepared `sketch` a call costs about count × pile × 32 operations plus
 * projecting the labelled photos while there are few of them: a few ms for 2,000 photos.
 */
export function reviewQueue(input: ReviewQueueInput): number[] {
  const { pile, labelled, probabilities, exclude, count } = input;
  if (count <= 0 || pile.length === 0) return [];
  const sketch = input.sketch ? subsetSketch(input.sketch, input.sketchRows) : pileSketch(pile);
  if (sketch.count !== pile.length) throw new Error(`The pile sketch covers ${sketch.count} photos but the pile has ${pile.length}.`);
  const classCount =
    input.classCount ?? probabilities?.find((p) => p)?.length ?? labelled.reduce((most, photo) => Math.max(most, photo.classIndex + 1), 0);
  const candidates: number[] = [];
  for (let i = 0; i < pile.length; i++) if (!exclude?.has(i)) candidates.push(i);
  const wanted = Math.min(count, candidates.length);
  const labelsPerClass = classCount > 0 ? labelled.length / classCount : 0;
  const predicted = probabilities && candidates.some((i) => probabilities[i]);
  if (!predicted || labelsPerClass < COVERAGE_UNTIL_LABELS_PER_CLASS)
    return coverageOrder(sketch, labelled, candidates, wanted, predicted ? probabilities : undefined, classCount);
  return doubtOrder(sketch, probabilities, candidates, wanted);
}

/**
 * Density-weighted farthest-first: each pick maximises typicality × squared distance to the
 * nearest labelled or already picked photo, so it lands on a typical photo of a region that nothing
 * known covers yet.
 */
function coverageOrder(
  sketch: PileSketch,
  labelled: readonly LabelledEmbedding[],
  candidates: number[],
  wanted: number,
  probabilities: readonly (Float32Array | null | undefined)[] | undefined,
  classCount: number,
): number[] {
  const { dim, points, typicality } = sketch;
  // Per class, the labelled photos plus the picks suggested as it: each pick goes to the class with fewest.
  const perClass = new Array<number>(classCount).fill(0);
  for (const photo of labelled) perClass[photo.classIndex]++;
  const suggestion = candidates.map((i) => (probabilities?.[i] ? topClass(probabilities[i]!) : -1));
  const known = new Float32Array(labelled.length * dim);
  labelled.forEach((photo, row) => projectInto(sketch, photo.embedding, known, row * dim));
  const nearest = new Float64Array(candidates.length).fill(Infinity);
  candidates.forEach((i, k) => {
    for (let row = 0; row < labelled.length; row++) nearest[k] = Math.min(nearest[k], squaredDistance(points, i, known, row, dim));
  });
  const chosen: number[] = [];
  const taken = new Uint8Array(candidates.length);
  while (chosen.length < wanted) {
    let best = -1;
    let bestScore = -Infinity;
    const fewest = Math.min(...perClass);
    const wantedClasses = new Set(perClass.flatMap((n, c) => (n === fewest && suggestion.some((s, k) => s === c && !taken[k]) ? [c] : [])));
    for (let k = 0; k < candidates.length; k++) {
      if (taken[k]) continue;
      if (probabilities && wantedClasses.size > 0 && !wantedClasses.has(suggestion[k])) continue;
      // With nothing known yet every distance is infinite: the most typical photo goes first.
      const score = Number.isFinite(nearest[k]) ? typicality[candidates[k]] * nearest[k] : typicality[candidates[k]] * 1e9;
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    }
    taken[best] = 1;
    const pick = candidates[best];
    chosen.push(pick);
    if (suggestion[best] >= 0) perClass[suggestion[best]]++;
    for (let k = 0; k < candidates.length; k++)
      if (!taken[k]) nearest[k] = Math.min(nearest[k], squaredDistance(points, candidates[k], points, pick, dim));
  }
  return chosen;
}

/**
 * Smallest margin first, weighted by typicality and spread out: a doubtful photo with many similar
 * ones teaches more than a doubtful oddity (on hymenoptera, 97.1% of the pile right at 10% labelled
 * against 96.6% by doubt alone, 5 seeds), and a photo's doubt counts less the closer it is to a
 * photo already in the queue (within the typical distance between neighbours it counts for
 * little), so a batch of answers covers several doubtful regions instead of ten copies of one.
 */
function doubtOrder(
  sketch: PileSketch,
  probabilities: readonly (Float32Array | null | undefined)[],
  candidates: number[],
  wanted: number,
): number[] {
  const { dim, points } = sketch;
  // Photos without a prediction yet are as doubtful as can be.
  const doubt = candidates.map((i) => (probabilities[i] ? 1 - margin(probabilities[i]!) : 1));
  // Only the most doubtful few times `wanted` can win; the rest need no distances.
  const shortlist = candidates
    .map((_, k) => k)
    .sort((a, b) => doubt[b] - doubt[a] || candidates[a] - candidates[b])
    .slice(0, Math.max(wanted * 5, 50));
  const scale = Math.max(1e-9, sketch.neighbourDistance);
  const nearest = new Float64Array(shortlist.length).fill(Infinity);
  const taken = new Uint8Array(shortlist.length);
  const chosen: number[] = [];
  while (chosen.length < wanted && chosen.length < shortlist.length) {
    let best = -1;
    let bestScore = -Infinity;
    for (let s = 0; s < shortlist.length; s++) {
      if (taken[s]) continue;
      const score = doubt[shortlist[s]] * sketch.typicality[candidates[shortlist[s]]] * (1 - Math.exp(-nearest[s] / scale));
      if (score > bestScore) {
        bestScore = score;
        best = s;
      }
    }
    taken[best] = 1;
    const pick = candidates[shortlist[best]];
    chosen.push(pick);
    for (let s = 0; s < shortlist.length; s++)
      if (!taken[s]) nearest[s] = Math.min(nearest[s], squaredDistance(points, candidates[shortlist[s]], points, pick, dim));
  }
  return chosen;
}
