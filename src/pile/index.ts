/**
 * Sorting a pile of unlabelled photos (issue 11): which photos to ask about next, which suggestions
 * are sure enough to accept, which labels look wrong, a 2-D map of the photos, and the labels CSV.
 * Pure TypeScript on Float32Array, no DOM: each function can run on the page or in a worker, and is
 * measured by the evaluation harness (`npm run eval -- --simulate-labelling`) exactly as the app calls it.
 * How it works, and why: docs/labelling.md.
 */
export { reviewQueue, margin, COVERAGE_UNTIL_LABELS_PER_CLASS, type LabelledEmbedding, type ReviewQueueInput } from './queue';
export { reviewOrder, type ReviewOrderInput } from './reviewOrder';
export { pileSketch, type PileSketch, type SketchOptions } from './sketch';
export {
  acceptBar,
  fitTemperature,
  pileWeights,
  temperatureScaled,
  type AcceptOptions,
  type AcceptPlan,
  type ClassAcceptance,
  type HeldOut,
} from './acceptBar';
export { maybeMislabelled, type MaybeMislabelled } from './mislabelled';
export { photoMap, type PhotoMapOptions } from './photoMap';
export { labelsCsv, csvField, CSV_HEADER, type LabelRow, type LabelSource } from './csv';
