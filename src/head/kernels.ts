/**
 * The matrix products that take nearly all of the training time, written out by hand. Each inner
 * loop updates several sums from every value it loads (2 rows × 4 classes, 8 rows × 4 classes,
 * 4 × 8 for the Gram matrix), which in V8 runs two to three times faster than one dot product at
 * a time; of the block shapes tried, these were the fastest (Float64 storage of the features was
 * no faster than Float32).
 *
 * The products require `rowCount` to be a multiple of ROW_BLOCK (pad with zero rows, see
 * paddedRows). Matrices are row-major: features rowCount × dim, weights classCount × dim, logits
 * and residuals rowCount × classCount.
 *
 * Passes over every photo go a row (or a block of rows) per call through a small function, rather
 * than looping over all rows inside one call. V8 optimises a function by how often it runs: one
 * called once or twice per fit that loops over 10 million numbers ran its loop in V8's middle tier
 * (Maglev) in the trainer worker, with a costly exit from it at the end of every row, 5 to 10 times
 * slower than fully optimised (centring took 500 of a 5,000-photo warm refit's 800 ms), whereas a
 * function called thousands of times per pass is fully optimised by the first fit's first passes.
 */

export const ROW_BLOCK = 8;

/** `count` rounded up to a multiple of ROW_BLOCK. */
export function paddedRows(count: number): number {
  return Math.ceil(count / ROW_BLOCK) * ROW_BLOCK;
}

/** logits[i, c] = Σ_d features[i, d] · weights[c, d] */
export function multiplyByWeights(
  features: Float32Array,
  rowCount: number,
  dim: number,
  weights: Float64Array,
  classCount: number,
  logits: Float64Array,
): void {
  for (let i = 0; i < rowCount; i += 2) rowPairLogits(features, i, dim, weights, classCount, logits);
}

/** multiplyByWeights for rows i and i + 1 (a function of its own: see above). */
function rowPairLogits(
  features: Float32Array,
  i: number,
  dim: number,
  weights: Float64Array,
  classCount: number,
  logits: Float64Array,
): void {
  const a = i * dim;
  const b = a + dim;
  const outA = i * classCount;
  const outB = outA + classCount;
  let c = 0;
  for (; c + 3 < classCount; c += 4) {
    const w0 = c * dim;
    const w1 = w0 + dim;
    const w2 = w1 + dim;
    const w3 = w2 + dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let d = 0; d < dim; d++) {
      const xa = features[a + d];
      const xb = features[b + d];
      const u0 = weights[w0 + d];
      const u1 = weights[w1 + d];
      const u2 = weights[w2 + d];
      const u3 = weights[w3 + d];
      a0 += u0 * xa;
      a1 += u1 * xa;
      a2 += u2 * xa;
      a3 += u3 * xa;
      b0 += u0 * xb;
      b1 += u1 * xb;
      b2 += u2 * xb;
      b3 += u3 * xb;
    }
    logits[outA + c] = a0;
    logits[outA + c + 1] = a1;
    logits[outA + c + 2] = a2;
    logits[outA + c + 3] = a3;
    logits[outB + c] = b0;
    logits[outB + c + 1] = b1;
    logits[outB + c + 2] = b2;
    logits[outB + c + 3] = b3;
  }
  for (; c < classCount; c++) {
    const w = c * dim;
    let sa = 0;
    let sb = 0;
    for (let d = 0; d < dim; d++) {
      sa += weights[w + d] * features[a + d];
      sb += weights[w + d] * features[b + d];
    }
    logits[outA + c] = sa;
    logits[outB + c] = sb;
  }
}

/** gradient[c, d] += Σ_i residuals[i, c] · features[i, d] */
export function addResidualProducts(
  residuals: Float64Array,
  features: Float32Array,
  rowCount: number,
  dim: number,
  classCount: number,
  gradient: Float64Array,
): void {
  for (let i = 0; i < rowCount; i += 8) addBlockProducts(residuals, features, i, dim, classCount, gradient);
}

/** addResidualProducts for rows i to i + 7 (a function of its own: see above). */
function addBlockProducts(
  residuals: Float64Array,
  features: Float32Array,
  i: number,
  dim: number,
  classCount: number,
  gradient: Float64Array,
): void {
  const x0 = i * dim;
  const x1 = x0 + dim;
  const x2 = x1 + dim;
  const x3 = x2 + dim;
  const x4 = x3 + dim;
  const x5 = x4 + dim;
  const x6 = x5 + dim;
  const x7 = x6 + dim;
  const r0 = i * classCount;
  const r1 = r0 + classCount;
  const r2 = r1 + classCount;
  const r3 = r2 + classCount;
  const r4 = r3 + classCount;
  const r5 = r4 + classCount;
  const r6 = r5 + classCount;
  const r7 = r6 + classCount;
  let c = 0;
  for (; c + 3 < classCount; c += 4) {
    const g0 = c * dim;
    const g1 = g0 + dim;
    const g2 = g1 + dim;
    const g3 = g2 + dim;
    const p0 = residuals[r0 + c];
    const p1 = residuals[r1 + c];
    const p2 = residuals[r2 + c];
    const p3 = residuals[r3 + c];
    const p4 = residuals[r4 + c];
    const p5 = residuals[r5 + c];
    const p6 = residuals[r6 + c];
    const p7 = residuals[r7 + c];
    const q0 = residuals[r0 + c + 1];
    const q1 = residuals[r1 + c + 1];
    const q2 = residuals[r2 + c + 1];
    const q3 = residuals[r3 + c + 1];
    const q4 = residuals[r4 + c + 1];
    const q5 = residuals[r5 + c + 1];
    const q6 = residuals[r6 + c + 1];
    const q7 = residuals[r7 + c + 1];
    const s0 = residuals[r0 + c + 2];
    const s1 = residuals[r1 + c + 2];
    const s2 = residuals[r2 + c + 2];
    const s3 = residuals[r3 + c + 2];
    const s4 = residuals[r4 + c + 2];
    const s5 = residuals[r5 + c + 2];
    const s6 = residuals[r6 + c + 2];
    const s7 = residuals[r7 + c + 2];
    const u0 = residuals[r0 + c + 3];
    const u1 = residuals[r1 + c + 3];
    const u2 = residuals[r2 + c + 3];
    const u3 = residuals[r3 + c + 3];
    const u4 = residuals[r4 + c + 3];
    const u5 = residuals[r5 + c + 3];
    const u6 = residuals[r6 + c + 3];
    const u7 = residuals[r7 + c + 3];
    for (let d = 0; d < dim; d++) {
      const f0 = features[x0 + d];
      const f1 = features[x1 + d];
      const f2 = features[x2 + d];
      const f3 = features[x3 + d];
      const f4 = features[x4 + d];
      const f5 = features[x5 + d];
      const f6 = features[x6 + d];
      const f7 = features[x7 + d];
      gradient[g0 + d] += p0 * f0 + p1 * f1 + p2 * f2 + p3 * f3 + p4 * f4 + p5 * f5 + p6 * f6 + p7 * f7;
      gradient[g1 + d] += q0 * f0 + q1 * f1 + q2 * f2 + q3 * f3 + q4 * f4 + q5 * f5 + q6 * f6 + q7 * f7;
      gradient[g2 + d] += s0 * f0 + s1 * f1 + s2 * f2 + s3 * f3 + s4 * f4 + s5 * f5 + s6 * f6 + s7 * f7;
      gradient[g3 + d] += u0 * f0 + u1 * f1 + u2 * f2 + u3 * f3 + u4 * f4 + u5 * f5 + u6 * f6 + u7 * f7;
    }
  }
  for (; c < classCount; c++) {
    const g = c * dim;
    const p0 = residuals[r0 + c];
    const p1 = residuals[r1 + c];
    const p2 = residuals[r2 + c];
    const p3 = residuals[r3 + c];
    const p4 = residuals[r4 + c];
    const p5 = residuals[r5 + c];
    const p6 = residuals[r6 + c];
    const p7 = residuals[r7 + c];
    for (let d = 0; d < dim; d++) {
      gradient[g + d] +=
        p0 * features[x0 + d] +
        p1 * features[x1 + d] +
        p2 * features[x2 + d] +
        p3 * features[x3 + d] +
        p4 * features[x4 + d] +
        p5 * features[x5 + d] +
        p6 * features[x6 + d] +
        p7 * features[x7 + d];
    }
  }
}

/** The passes made over every photo once per fit (a mean, centring, sums), a row per call: see above. */

/** sum[d] += scale · source[offset + d] for d < dim */
export function addScaledRow(sum: Float64Array, source: Float32Array, offset: number, dim: number, scale: number): void {
  for (let d = 0; d < dim; d++) sum[d] += scale * source[offset + d];
}

/** target[targetOffset + d] = source[sourceOffset + d] − centre[d] for d < dim (rounded to single precision as it is stored) */
export function centreRow(
  source: Float32Array,
  sourceOffset: number,
  target: Float32Array,
  targetOffset: number,
  dim: number,
  centre: Float64Array,
): void {
  for (let d = 0; d < dim; d++) target[targetOffset + d] = source[sourceOffset + d] - centre[d];
}

/** Rows of the Gram matrix computed together: their sums, in double precision, stay in cache. */
const GRAM_BLOCK = 32;

/**
 * The Gram matrix X·Xᵀ of the count × dim matrix `features`, as count × count (symmetric),
 * followed by zero rows up to paddedRows(count). Built
 * from rank-8 updates of blocks of 4 rows, which V8 runs a third faster than 4 × 4 blocks of dot
 * products; only the lower triangle is computed, then mirrored.
 */
export function gramMatrix(features: Float32Array, count: number, dim: number): Float32Array {
  const paddedCount = paddedRows(count);
  const paddedDim = Math.ceil(dim / 8) * 8;
  // Zero-padded copies, row-major and transposed.
  const rows = new Float32Array(paddedCount * paddedDim);
  const columns = new Float32Array(paddedDim * paddedCount);
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < dim; d++) {
      const value = features[i * dim + d];
      rows[i * paddedDim + d] = value;
      columns[d * paddedCount + i] = value;
    }
  }
  // Zero rows up to paddedCount, so that kernelProblem can use it as it is for all of the photos.
  const gram = new Float32Array(paddedCount * count);
  const sums = new Float64Array(GRAM_BLOCK * paddedCount);
  for (let first = 0; first < paddedCount; first += GRAM_BLOCK) {
    const end = Math.min(paddedCount, first + GRAM_BLOCK);
    sums.fill(0);
    for (let d = 0; d < paddedDim; d += 8) {
      const c0 = d * paddedCount;
      const c1 = c0 + paddedCount;
      const c2 = c1 + paddedCount;
      const c3 = c2 + paddedCount;
      const c4 = c3 + paddedCount;
      const c5 = c4 + paddedCount;
      const c6 = c5 + paddedCount;
      const c7 = c6 + paddedCount;
      for (let a = first; a < end; a += 4) {
        const x0 = a * paddedDim + d;
        const x1 = x0 + paddedDim;
        const x2 = x1 + paddedDim;
        const x3 = x2 + paddedDim;
        const p0 = rows[x0];
        const p1 = rows[x0 + 1];
        const p2 = rows[x0 + 2];
        const p3 = rows[x0 + 3];
        const p4 = rows[x0 + 4];
        const p5 = rows[x0 + 5];
        const p6 = rows[x0 + 6];
        const p7 = rows[x0 + 7];
        const q0 = rows[x1];
        const q1 = rows[x1 + 1];
        const q2 = rows[x1 + 2];
        const q3 = rows[x1 + 3];
        const q4 = rows[x1 + 4];
        const q5 = rows[x1 + 5];
        const q6 = rows[x1 + 6];
        const q7 = rows[x1 + 7];
        const s0 = rows[x2];
        const s1 = rows[x2 + 1];
        const s2 = rows[x2 + 2];
        const s3 = rows[x2 + 3];
        const s4 = rows[x2 + 4];
        const s5 = rows[x2 + 5];
        const s6 = rows[x2 + 6];
        const s7 = rows[x2 + 7];
        const u0 = rows[x3];
        const u1 = rows[x3 + 1];
        const u2 = rows[x3 + 2];
        const u3 = rows[x3 + 3];
        const u4 = rows[x3 + 4];
        const u5 = rows[x3 + 5];
        const u6 = rows[x3 + 6];
        const u7 = rows[x3 + 7];
        const o0 = (a - first) * paddedCount;
        const o1 = o0 + paddedCount;
        const o2 = o1 + paddedCount;
        const o3 = o2 + paddedCount;
        // Columns up to the end of this group of 4 rows: the lower triangle and the diagonal block.
        for (let j = 0; j < a + 4; j++) {
          const f0 = columns[c0 + j];
          const f1 = columns[c1 + j];
          const f2 = columns[c2 + j];
          const f3 = columns[c3 + j];
          const f4 = columns[c4 + j];
          const f5 = columns[c5 + j];
          const f6 = columns[c6 + j];
          const f7 = columns[c7 + j];
          sums[o0 + j] += p0 * f0 + p1 * f1 + p2 * f2 + p3 * f3 + p4 * f4 + p5 * f5 + p6 * f6 + p7 * f7;
          sums[o1 + j] += q0 * f0 + q1 * f1 + q2 * f2 + q3 * f3 + q4 * f4 + q5 * f5 + q6 * f6 + q7 * f7;
          sums[o2 + j] += s0 * f0 + s1 * f1 + s2 * f2 + s3 * f3 + s4 * f4 + s5 * f5 + s6 * f6 + s7 * f7;
          sums[o3 + j] += u0 * f0 + u1 * f1 + u2 * f2 + u3 * f3 + u4 * f4 + u5 * f5 + u6 * f6 + u7 * f7;
        }
      }
    }
    for (let a = first; a < Math.min(end, count); a++) {
      for (let j = 0; j <= a; j++) {
        const value = sums[(a - first) * paddedCount + j];
        gram[a * count + j] = value;
        gram[j * count + a] = value;
      }
    }
  }
  return gram;
}
