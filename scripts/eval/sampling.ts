/** Seeded sampling of k training photos per class, so every method sees the same photos. */
import { seededRandom, shuffled } from '../../src/head/random';

/** Indices of `shots` photos of each class ('all' keeps every photo), in a seed-determined order. */
export function sampleShots(labels: readonly number[], shots: number | 'all', seed: number): number[] {
  const random = seededRandom(seed);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, index) => byClass.set(label, [...(byClass.get(label) ?? []), index]));
  const chosen: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const indices = shuffled(byClass.get(label)!, random);
    chosen.push(...(shots === 'all' ? indices : indices.slice(0, shots)));
  }
  return chosen;
}

export function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: 0 };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}
