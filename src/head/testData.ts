/** Deterministic synthetic embeddings for the head's tests. */
import type { TrainingData } from './types';

export function seededRandom(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/**
 * `sizes[c]` photos of class c, each its class centre plus N(0, spread²) noise in every dimension.
 * Centres are random normal vectors; photos of a class are consecutive.
 */
export function gaussianClusters(sizes: number[], dim: number, spread: number, seed = 1): TrainingData {
  const random = seededRandom(seed);
  const centres = sizes.map(() => Array.from({ length: dim }, () => random.normal()));
  const embeddings: Float32Array[] = [];
  const labels: number[] = [];
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++) {
      embeddings.push(Float32Array.from(centres[c], (value) => value + spread * random.normal()));
      labels.push(c);
    }
  });
  return { classes: sizes.map((_, c) => `class ${c}`), embeddings, labels };
}
