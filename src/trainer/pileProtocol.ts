/**
 * Messages between the page and the pile worker, which does the O(pile) work of sorting a pile off
 * the page: the classifier's suggestion for every unsorted photo after each fit, the pile's sketch
 * for the review queue (src/pile), and the photo map.
 */
import type { LogisticModel } from '../head';
import type { PileSketch } from '../pile';

export interface PileRequest {
  id: number;
  /** Embeddings the worker has not been sent before, by photo hash; it keeps them while they are in `pile` or `classPhotos`. */
  embeddings: [string, Float32Array][];
  /** The unsorted photos with an embedding, in pile order. */
  pile: string[];
  /** The class photos with an embedding (the map shows them too). */
  classPhotos: string[];
  /** The current head: every pile photo gets its probabilities. */
  head?: { signature: string; model: LogisticModel };
  /** Sketch the pile again (see src/pile/sketch.ts) if photos joined it since the last sketch. */
  sketch: boolean;
  /** Lay out class and pile photos in 2-D if they changed since the last map. */
  map: boolean;
  /**
   * Another project or other photo features: the worker forgets every embedding it holds, and
   * answers everything asked for even if unchanged.
   */
  fresh: boolean;
}

export interface PileResponse {
  id: number;
  /** Present when the head or the pile changed since the last answer. */
  suggestions?: { signature: string; hashes: string[]; probabilities: Float32Array[] };
  sketch?: { hashes: string[]; sketch: PileSketch };
  /** x, y of each photo in `hashes` (class photos first, then the pile), in [0, 1]. */
  map?: { hashes: string[]; positions: Float32Array };
  problem?: string;
}
