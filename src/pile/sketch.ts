/**
 * A small summary of the pile that the review queue and the photo map reuse: every photo projected
 * onto the pile's main directions of variation (PCA), and how typical each photo is (how close its
 * nearest neighbours are). Distances in 2048 dimensions cost 30x more than in 64, and the first
 * few dozen principal directions keep the neighbourhoods that matter for choosing photos.
 */
import { seededRandom } from '../head/random';

/** Plain data (typed arrays and numbers), so it can be built in a worker and posted to the page. */
export interface PileSketch {
  /** Photos in the sketch, in pile order. */
  count: number;
  /** Numbers per photo in `points` (the PCA components kept). */
  dim: number;
  /** Embedding length the projection expects. */
  embeddingDim: number;
  /** count × dim, row-major: each photo's centred embedding projected onto the components. */
  points: Float32Array;
  /** dim × embeddingDim, row-major: the orthonormal components. */
  components: Float32Array;
  /** The mean embedding that is subtracted before projecting. */
  centre: Float32Array;
  /** Per photo, in (0, 1]: how typical it is (see pileSketch). */
  typicality: Float32Array;
  /** Median over photos of the mean squared distance to their nearest neighbours: what "close" means here. */
  neighbourDistance: number;
}

export interface SketchOptions {
  /** Components kept; 32 by default. */
  dim?: number;
  /** Neighbours averaged for typicality; 5 by default, so a class with only a handful of photos in the pile still counts as a group. */
  neighbours?: number;
  /** At most this many photos are used to find the components (all are projected); 1,000 by default. */
  fitSample?: number;
  seed?: number;
}

/** Dot product of a[aOffset ..] and b[bOffset ..] over `length` numbers. */
export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, length: number): number {
  let sum = 0;
  for (let d = 0; d < length; d++) sum += a[aOffset + d] * b[bOffset + d];
  return sum;
}

/** Gram-Schmidt on the rows of `m` (rows × cols), in place; a row that collapses becomes zero. */
function orthonormaliseRows(m: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const offset = r * cols;
    for (let pass = 0; pass < 2; pass++) {
      for (let q = 0; q < r; q++) {
        const projection = dot(m, offset, m, q * cols, cols);
        for (let d = 0; d < cols; d++) m[offset + d] -= projection * m[q * cols + d];
      }
    }
    const norm = Math.sqrt(dot(m, offset, m, offset, cols));
    for (let d = 0; d < cols; d++) m[offset + d] = norm > 1e-12 ? m[offset + d] / norm : 0;
  }
}

/**
 * The top `k` principal directions of the rows of `data` (count × dim, already centred), by
 * randomised subspace iteration (Halko, Martinsson & Tropp 2011): two passes of X^T X over a
 * random start (enough for the leading directions, which is all the map and the queue use), each
 * costing 2 × count × dim × (k + 8), instead of a dim × dim eigen-decomposition.
 * Returned as k × dim rows, strongest first.
 */
export function principalComponents(data: Float32Array, count: number, dim: number, k: number, seed = 1, iterations = 2): Float32Array {
  const random = seededRandom(seed);
  const oversampled = Math.min(dim, k + 8);
  const basis = new Float32Array(oversampled * dim);
  for (let i = 0; i < basis.length; i++) basis[i] = random() - 0.5;
  orthonormaliseRows(basis, oversampled, dim);
  const scores = new Float32Array(count * oversampled);
  const project = () => {
    for (let row = 0; row < count; row++)
      for (let c = 0; c < oversampled; c++) scores[row * oversampled + c] = dot(data, row * dim, basis, c * dim, dim);
  };
  for (let iteration = 0; iteration < iterations; iteration++) {
    project();
    // basis = scoresᵀ · data, i.e. (X^T X) applied to the previous basis.
    basis.fill(0);
    for (let row = 0; row < count; row++) {
      for (let c = 0; c < oversampled; c++) {
        const weight = scores[row * oversampled + c];
        if (weight === 0) continue;
        const offset = c * dim;
        for (let d = 0; d < dim; d++) basis[offset + d] += weight * data[row * dim + d];
      }
    }
    orthonormaliseRows(basis, oversampled, dim);
  }
  // Order the directions by the variance they carry (Rayleigh-Ritz on the small subspace).
  project();
  const small = new Float64Array(oversampled * oversampled);
  for (let row = 0; row < count; row++)
    for (let a = 0; a < oversampled; a++)
      for (let b = 0; b < oversampled; b++) small[a * oversampled + b] += scores[row * oversampled + a] * scores[row * oversampled + b];
  const { vectors } = symmetricEigen(small, oversampled);
  const result = new Float32Array(k * dim);
  for (let i = 0; i < Math.min(k, oversampled); i++) {
    for (let c = 0; c < oversampled; c++) {
      const weight = vectors[c * oversampled + i];
      for (let d = 0; d < dim; d++) result[i * dim + d] += weight * basis[c * dim + d];
    }
  }
  return result;
}

/** Jacobi eigen-decomposition of a small symmetric matrix; eigenvalues descending, vectors as columns. */
function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-30) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from];
  });
  return { values, vectors };
}

/** Packs embeddings row-major, L2-normalised (the head's own normalisation). */
export function packNormalised(embeddings: readonly Float32Array[], dim: number): Float32Array {
  const packed = new Float32Array(embeddings.length * dim);
  embeddings.forEach((embedding, row) => {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += embedding[d] * embedding[d];
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let d = 0; d < dim; d++) packed[row * dim + d] = embedding[d] * scale;
  });
  return packed;
}

/** Projects one embedding (normalised here) into the sketch's space, written to out[offset ..]. */
export function projectInto(sketch: PileSketch, embedding: Float32Array, out: Float32Array, offset: number): void {
  const { embeddingDim, dim, components, centre } = sketch;
  let sum = 0;
  for (let d = 0; d < embeddingDim; d++) sum += embedding[d] * embedding[d];
  const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
  for (let c = 0; c < dim; c++) {
    let value = 0;
    const row = c * embeddingDim;
    for (let d = 0; d < embeddingDim; d++) value += (embedding[d] * scale - centre[d]) * components[row + d];
    out[offset + c] = value;
  }
}

/** Squared Euclidean distance between row i of `a` and row j of `b`, both `dim` wide. */
export function squaredDistance(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let sum = 0;
  const ai = i * dim;
  const bj = j * dim;
  for (let d = 0; d < dim; d++) {
    const diff = a[ai + d] - b[bj + d];
    sum += diff * diff;
  }
  return sum;
}

/**
 * Builds the sketch of a pile. Cost for 2,000 photos of 2,048 numbers: a few hundred ms (PCA on
 * up to 1,000 of them, then every photo projected, then all pairs in 32 dimensions for typicality),
 * so build it once per pile change, ideally in a worker, and pass it to every reviewQueue call.
 *
 * Typicality is 1 / (1 + d / median d), d the mean squared distance to the photo's nearest
 * neighbours: photos in dense regions (many similar photos) score near 1, outliers near 0. A label
 * on a typical photo teaches the classifier about many photos at once. The slow (not exponential)
 * fall keeps a small but distinct group ahead of a second photo from an already covered one.
 */
export function pileSketch(pile: readonly Float32Array[], options: SketchOptions = {}): PileSketch {
  const count = pile.length;
  const embeddingDim = count > 0 ? pile[0].length : 0;
  const dim = Math.min(options.dim ?? 32, Math.max(1, count - 1), Math.max(1, embeddingDim));
  const neighbours = Math.min(options.neighbours ?? 5, Math.max(1, count - 1));
  const packed = packNormalised(pile, embeddingDim);
  const centre = new Float32Array(embeddingDim);
  for (let row = 0; row < count; row++) for (let d = 0; d < embeddingDim; d++) centre[d] += packed[row * embeddingDim + d];
  for (let d = 0; d < embeddingDim; d++) centre[d] /= Math.max(1, count);
  for (let row = 0; row < count; row++) for (let d = 0; d < embeddingDim; d++) packed[row * embeddingDim + d] -= centre[d];

  const sampleSize = Math.min(count, options.fitSample ?? 1000);
  const random = seededRandom(options.seed ?? 1);
  let sample = packed;
  if (sampleSize < count) {
    const rows = Array.from({ length: count }, (_, i) => i);
    for (let i = 0; i < sampleSize; i++) {
      const j = i + Math.floor(random() * (count - i));
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    sample = new Float32Array(sampleSize * embeddingDim);
    for (let i = 0; i < sampleSize; i++)
      sample.set(packed.subarray(rows[i] * embeddingDim, (rows[i] + 1) * embeddingDim), i * embeddingDim);
  }
  const components =
    count > 1 ? principalComponents(sample, sampleSize, embeddingDim, dim, options.seed ?? 1) : new Float32Array(dim * embeddingDim);
  const points = new Float32Array(count * dim);
  for (let row = 0; row < count; row++)
    for (let c = 0; c < dim; c++) points[row * dim + c] = dot(packed, row * embeddingDim, components, c * embeddingDim, embeddingDim);
  return { count, dim, embeddingDim, points, components, centre, ...typicality(points, count, dim, neighbours) };
}

function typicality(
  points: Float32Array,
  count: number,
  dim: number,
  neighbours: number,
): Pick<PileSketch, 'typicality' | 'neighbourDistance'> {
  const meanDistance = new Float32Array(count);
  const nearest = new Float32Array(neighbours);
  for (let i = 0; i < count; i++) {
    nearest.fill(Infinity);
    for (let j = 0; j < count; j++) {
      if (j === i) continue;
      const distance = squaredDistance(points, i, points, j, dim);
      if (distance >= nearest[neighbours - 1]) continue;
      // Insertion into the sorted list of the closest so far.
      let k = neighbours - 1;
      while (k > 0 && nearest[k - 1] > distance) {
        nearest[k] = nearest[k - 1];
        k--;
      }
      nearest[k] = distance;
    }
    let sum = 0;
    let found = 0;
    for (const distance of nearest)
      if (Number.isFinite(distance)) {
        sum += distance;
        found++;
      }
    meanDistance[i] = found > 0 ? sum / found : 0;
  }
  const median = Float32Array.from(meanDistance).sort()[Math.floor(count / 2)] || 1;
  return { typicality: meanDistance.map((distance) => 1 / (1 + distance / median)), neighbourDistance: median };
}

/**
 * The sketch restricted to some of its photos, in the given order. Typicality stays as measured on
 * the whole pile: how typical a photo is does not change when its neighbours get labelled.
 */
export function subsetSketch(sketch: PileSketch, rows: readonly number[] | undefined): PileSketch {
  if (!rows) return sketch;
  const { dim } = sketch;
  const points = new Float32Array(rows.length * dim);
  rows.forEach((row, i) => {
    if (!(row >= 0 && row < sketch.count)) throw new Error(`Row ${row} is not in the pile sketch of ${sketch.count} photos.`);
    points.set(sketch.points.subarray(row * dim, row * dim + dim), i * dim);
  });
  return { ...sketch, count: rows.length, points, typicality: Float32Array.from(rows, (row) => sketch.typicality[row]) };
}
