/** x / |x| in a new array. A zero vector stays zero: it carries no direction to keep. */
export function l2Normalize(x: ArrayLike<number>): Float32Array {
  let sumOfSquares = 0;
  for (let d = 0; d < x.length; d++) sumOfSquares += x[d] * x[d];
  const out = new Float32Array(x.length);
  if (sumOfSquares === 0) return out;
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let d = 0; d < x.length; d++) out[d] = x[d] * scale;
  return out;
}
