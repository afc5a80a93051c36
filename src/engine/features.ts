/**
 * Turns what each backbone saw into the one embedding of a feature configuration (see
 * FeatureConfig in ./backbones): mean over views (the photo, and its mirror when flipping), then,
 * when several backbones take part, each L2-normalised and concatenated.
 */
import { l2Normalize } from '../head/normalize';

/** Element-wise mean of equally long vectors. */
export function meanOf(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('mean of no vectors');
  if (vectors.length === 1) return vectors[0];
  const out = new Float32Array(vectors[0].length);
  for (const vector of vectors) {
    if (vector.length !== out.length) throw new Error(`cannot average vectors of lengths ${out.length} and ${vector.length}`);
    for (let d = 0; d < out.length; d++) out[d] += vector[d];
  }
  for (let d = 0; d < out.length; d++) out[d] /= vectors.length;
  return out;
}

/**
 * `views[b][v]` is backbone b's embedding of view v of one photo (v = 0 the photo, 1 its mirror).
 * One backbone: the mean over views, unnormalised. Several: each mean L2-normalised, concatenated.
 */
export function composeFeatures(views: readonly (readonly Float32Array[])[]): Float32Array {
  if (views.length === 0) throw new Error('no backbone outputs to compose');
  const perBackbone = views.map(meanOf);
  if (perBackbone.length === 1) return perBackbone[0];
  const out = new Float32Array(perBackbone.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of perBackbone) {
    out.set(l2Normalize(part), offset);
    offset += part.length;
  }
  return out;
}
