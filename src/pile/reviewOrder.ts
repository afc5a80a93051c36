/**
 * The app's review queue over a pile known by photo hashes: reviewQueue (./queue) over the pile as
 * last sketched. Photos that left the pile since the sketch, were accepted or skipped are left out;
 * photos that joined it after the sketch come last, until the next sketch. Before the first sketch
 * (a pile still arriving) it is the pile's order. The pile worker runs it after every change.
 */
import type { PileSketch } from './sketch';
import { reviewQueue, type LabelledEmbedding } from './queue';

export interface ReviewOrderInput {
  /** Pile photos that may be asked about (not accepted, not skipped), in pile order. */
  open: readonly string[];
  /** The pile's sketch and the hashes of its rows, if it has been sketched. */
  sketched: { hashes: readonly string[]; sketch: PileSketch } | undefined;
  /** Every photo with a class, by the class's index in the probabilities (or in the project). */
  labelled: readonly LabelledEmbedding[];
  /** The current suggestion's probabilities for a pile photo, if any. */
  probabilitiesOf(hash: string): Float32Array | undefined;
  classCount: number;
  count: number;
}

export function reviewOrder({ open, sketched, labelled, probabilitiesOf, classCount, count }: ReviewOrderInput): string[] {
  if (!sketched) return open.slice(0, count);
  const { hashes, sketch } = sketched;
  const openSet = new Set(open);
  const exclude = new Set<number>();
  hashes.forEach((hash, i) => openSet.has(hash) || exclude.add(i));
  const order = reviewQueue({
    // With a sketch only the pile's size is read from the embeddings.
    pile: hashes.map(() => empty),
    labelled,
    probabilities: hashes.map(probabilitiesOf),
    exclude,
    count,
    sketch,
    classCount,
  }).map((i) => hashes[i]);
  if (order.length >= count) return order;
  const sketchedSet = new Set(hashes);
  return [...order, ...open.filter((hash) => !sketchedSet.has(hash)).slice(0, count - order.length)];
}

const empty = new Float32Array(0);
