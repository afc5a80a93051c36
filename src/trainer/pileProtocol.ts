/**
 * Messages between the page and the pile worker, which does the O(pile) work of sorting a pile off
 * the page: the classifier's suggestion for every unsorted photo after each fit, the pile's sketch,
 * the review queue and "Accept the sure ones" (src/pile), and the photo map. The page only shows
 * what comes back, so answering a photo never waits for a pass over the pile.
 */
import type { LogisticModel } from '../head';
import type { ClassAcceptance, HeldOut } from '../pile';

export interface PileRequest {
  id: number;
  /** Embeddings the worker has not been sent before, by photo hash; it keeps them while they are in `pile` or `classes`. */
  embeddings: [string, Float32Array][];
  /** The unsorted photos with an embedding, in pile order. */
  pile: string[];
  /** Pile photos accepted as suggested: neither asked about nor offered again. */
  accepted: string[];
  /** Pile photos skipped in the review: not asked about again (until undone). */
  skipped: string[];
  /** Each class (project order) with its photos that have an embedding: the queue starts from them, the map shows them. */
  classes: { id: string; photos: string[] }[];
  /**
   * The current head: every pile photo gets its probabilities. `heldOut`, once the head has been
   * evaluated: its cross-validated predictions of its own training photos (`rows`, labelled by
   * index into `model.classes`), which set the accept bar.
   */
  head?: {
    signature: string;
    model: LogisticModel;
    heldOut?: Omit<HeldOut, 'weights'> & { rows: readonly string[] };
  };
  /** Sketch the pile again (see src/pile/sketch.ts) if photos joined it since the last sketch. */
  sketch: boolean;
  /** Lay out class and pile photos in 2-D if they changed since the last map. */
  map: boolean;
  /** Photos the review queue looks ahead. */
  queueLength: number;
  /**
   * Another project or other photo features: the worker forgets every embedding it holds, and
   * answers everything asked for even if unchanged.
   */
  fresh: boolean;
}

/** "Accept the sure ones" for one class, by class id and photo hash (see src/pile/acceptBar.ts). */
export type ClassOffer = Omit<ClassAcceptance, 'photos'> & { classId: string; photos: { hash: string; confidence: number }[] };

export interface PileResponse {
  id: number;
  /**
   * Present when the head or the pile changed since the last answer: the probabilities of
   * `hashes[i]` are `probabilities[i * classCount ...]` (one buffer, transferred, not copied).
   */
  suggestions?: { signature: string; hashes: string[]; classCount: number; probabilities: Float32Array };
  /** Pile photos to ask about next, best first; present when it changed. */
  queue?: string[];
  /** What "Accept the sure ones" would take with the head with `signature`; present when it changed. */
  acceptance?: { signature: string; heldOutCount: number; targetPrecision: number; offers: ClassOffer[] };
  /** x, y of each photo in `hashes` (class photos first, then the pile), in [0, 1]. */
  map?: { hashes: string[]; positions: Float32Array };
  problem?: string;
}
