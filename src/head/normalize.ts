/** x / |x| in a new array. A zero vector stays zero: it carries no direction to keep. */
export function l2Normalize(x: ArrayLike<number>): Float32Array {
  const out = new Float32Array(x.length);
  l2NormalizeInto(x, out, 0);
  return out;
}

/** Writes x / |x| into `out` from `offset` on; nothing for a zero vector, so `out` should hold zeros there. */
export function l2NormalizeInto(x: ArrayLike<number>, out: Float32Array, offset: number): void {
  let sumOfSquares = 0;
  for (let d = 0; d < x.length; d++) sumOfSquares += x[d] * x[d];
  if (sumOfSquares === 0) return;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let d = 0; d < x.length; d++) out[offset + d] = x[d] * scale;
}

/** The cosine of the angle between a and b: 1 for the same direction. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return dot / Math.sqrt(aa * bb);
}
