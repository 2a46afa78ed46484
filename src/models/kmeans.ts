/**
 * k-means on rows of a row-major Float64Array (n rows × d columns): k-means++ seeding from a seeded
 * PRNG, so the same data and seed always give the same clusters; Lloyd iterations; silhouette
 * (exact, or on a fixed-seed sample for large n); and the choice of k by the best silhouette.
 */
import { runToEnd, type Steps } from './steps';

/** Mulberry32: a small, fast 32-bit PRNG; enough for seeding and sampling, and reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Matrix {
  data: Float64Array;
  n: number;
  d: number;
}

export interface KMeansOptions {
  seed: number;
  maxIterations: number;
  /** Seedings tried; the one with the lowest inertia is kept. */
  restarts: number;
  /** Stop when no centroid moves more than this (squared distance). */
  tolerance: number;
}

export const DEFAULT_KMEANS_OPTIONS: KMeansOptions = {
  seed: 42,
  maxIterations: 100,
  restarts: 3,
  tolerance: 1e-10,
};

export interface KMeansResult {
  k: number;
  /** Cluster of each row, 0..k-1. */
  labels: Int32Array;
  /** k × d, row-major. */
  centroids: Float64Array;
  sizes: Int32Array;
  /** Sum of squared distances of the rows to their centroids. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

function sqDist(a: Float64Array, i: number, b: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) {
    const diff = (a[i * d + c] as number) - (b[j * d + c] as number);
    s += diff * diff;
  }
  return s;
}

/** k-means++ (Arthur & Vassilvitskii 2007): each next centre drawn with probability ∝ D². */
export function kmeansPlusPlus(m: Matrix, k: number, random: () => number): Float64Array {
  const { data, n, d } = m;
  const centroids = new Float64Array(k * d);
  const first = Math.min(n - 1, Math.floor(random() * n));
  centroids.set(data.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    nearest[i] = sqDist(data, i, centroids, 0, d);
    total += nearest[i] as number;
  }
  for (let c = 1; c < k; c++) {
    let chosen = -1;
    if (total > 0) {
      let target = random() * total;
      for (let i = 0; i < n; i++) {
        target -= nearest[i] as number;
        if (target < 0) {
          chosen = i;
          break;
        }
      }
      // Rounding can leave the target a hair above zero: take the last row with any weight.
      if (chosen < 0)
        for (let i = n - 1; i >= 0 && chosen < 0; i--) if (nearest[i]! > 0) chosen = i;
    }
    // Every row sits on a centre already (fewer distinct rows than k): any row will do.
    if (chosen < 0) chosen = Math.min(n - 1, Math.floor(random() * n));
    centroids.set(data.subarray(chosen * d, chosen * d + d), c * d);
    total = 0;
    for (let i = 0; i < n; i++) {
      const dist = sqDist(data, i, centroids, c, d);
      if (dist < (nearest[i] as number)) nearest[i] = dist;
      total += nearest[i] as number;
    }
  }
  return centroids;
}

/** Lloyd iterations from given centroids (a pause after each pass over the rows). */
function* lloyd(m: Matrix, start: Float64Array, k: number, o: KMeansOptions): Steps<KMeansResult> {
  const { data, n, d } = m;
  const centroids = Float64Array.from(start);
  const labels = new Int32Array(n);
  const sizes = new Int32Array(k);
  const sums = new Float64Array(k * d);
  const best = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < o.maxIterations) {
    iterations++;
    sizes.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let label = 0;
      let min = Infinity;
      for (let c = 0; c < k; c++) {
        const dist = sqDist(data, i, centroids, c, d);
        if (dist < min) {
          min = dist;
          label = c;
        }
      }
      labels[i] = label;
      best[i] = min;
      sizes[label]!++;
      for (let j = 0; j < d; j++) sums[label * d + j]! += data[i * d + j] as number;
    }
    // An empty cluster takes the row farthest from its centroid (then no longer a candidate).
    for (let c = 0; c < k; c++) {
      if (sizes[c] !== 0) continue;
      let far = -1;
      for (let i = 0; i < n; i++) {
        if (sizes[labels[i]!]! > 1 && (far < 0 || best[i]! > best[far]!)) far = i;
      }
      if (far < 0) continue;
      const from = labels[far] as number;
      sizes[from]!--;
      for (let j = 0; j < d; j++) sums[from * d + j]! -= data[far * d + j] as number;
      labels[far] = c;
      best[far] = 0;
      sizes[c] = 1;
      for (let j = 0; j < d; j++) sums[c * d + j] = data[far * d + j] as number;
    }
    let moved = 0;
    for (let c = 0; c < k; c++) {
      const size = sizes[c] as number;
      if (size === 0) continue;
      let shift = 0;
      for (let j = 0; j < d; j++) {
        const next = (sums[c * d + j] as number) / size;
        const diff = next - (centroids[c * d + j] as number);
        shift += diff * diff;
        centroids[c * d + j] = next;
      }
      if (shift > moved) moved = shift;
    }
    if (moved <= o.tolerance) {
      converged = true;
      break;
    }
    yield;
  }
  // The last assignment is kept (not redone against the moved centroids): it is what the
  // centroids are the means of, and it keeps the rows an empty cluster took over.
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i, centroids, labels[i] as number, d);
  return { k, labels, centroids, sizes, inertia, iterations, converged };
}

type KMeansCallOptions = Partial<KMeansOptions> & {
  /** Start from these centroids (k × d) instead of k-means++ seedings. */
  initial?: Float64Array;
};

/** k-means with `restarts` k-means++ seedings from one seeded stream; the lowest inertia wins. */
export function kmeans(m: Matrix, k: number, options: KMeansCallOptions = {}): KMeansResult {
  return runToEnd(kmeansSteps(m, k, options));
}

/** `kmeans` as steps. */
export function* kmeansSteps(
  m: Matrix,
  k: number,
  options: KMeansCallOptions = {},
): Steps<KMeansResult> {
  const o = { ...DEFAULT_KMEANS_OPTIONS, ...options };
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  if (m.n < k) throw new Error(`k = ${k} needs at least ${k} rows, got ${m.n}`);
  if (m.data.length !== m.n * m.d) throw new Error('data length is not n × d');
  if (o.initial) {
    if (o.initial.length !== k * m.d) throw new Error('initial centroids are not k × d');
    return yield* lloyd(m, o.initial, k, o);
  }
  const random = mulberry32(o.seed);
  let best: KMeansResult | null = null;
  for (let r = 0; r < Math.max(1, o.restarts); r++) {
    const seeds = kmeansPlusPlus(m, k, random);
    yield;
    const fit = yield* lloyd(m, seeds, k, o);
    if (best === null || fit.inertia < best.inertia - 1e-12 * Math.abs(best.inertia)) best = fit;
  }
  return best as KMeansResult;
}

/** `size` distinct row indices drawn without replacement (partial Fisher–Yates), sorted. */
export function sampleRows(n: number, size: number, seed: number): Int32Array {
  if (size >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(seed);
  const index = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = index[i] as number;
    index[i] = index[j] as number;
    index[j] = t;
  }
  return index.slice(0, size).sort();
}

/** The rows `rows` of a matrix, as a new matrix. */
export function subset(m: Matrix, rows: Int32Array): Matrix {
  const data = new Float64Array(rows.length * m.d);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    data.set(m.data.subarray(i * m.d, i * m.d + m.d), r * m.d);
  }
  return { data, n: rows.length, d: m.d };
}

/**
 * Mean silhouette (Rousseeuw 1987) with Euclidean distances: per row s = (b − a) / max(a, b), a the
 * mean distance to the rest of its cluster, b the lowest mean distance to another cluster; a row
 * alone in its cluster scores 0. Exact over all rows when n ≤ `sampleSize`, else over a fixed-seed
 * sample of rows (distances among the sampled rows only).
 */
export function silhouette(
  m: Matrix,
  labels: Int32Array,
  k: number,
  options: { sampleSize?: number; seed?: number } = {},
): number {
  return runToEnd(silhouetteSteps(m, labels, k, options));
}

/** Rows of the silhouette between pauses (each is a pass over the sample). */
const SILHOUETTE_ROWS_PER_PAUSE = 250;

/** `silhouette` as steps. */
export function* silhouetteSteps(
  m: Matrix,
  labels: Int32Array,
  k: number,
  options: { sampleSize?: number; seed?: number } = {},
): Steps<number> {
  const sampleSize = options.sampleSize ?? 3000;
  const rows = sampleRows(m.n, sampleSize, options.seed ?? 7);
  const n = rows.length;
  const { data, d } = m;
  const sums = new Float64Array(k);
  const counts = new Int32Array(k);
  for (let r = 0; r < n; r++) counts[labels[rows[r]!]!]!++;
  let total = 0;
  for (let r = 0; r < n; r++) {
    if (r % SILHOUETTE_ROWS_PER_PAUSE === SILHOUETTE_ROWS_PER_PAUSE - 1) yield;
    const i = rows[r] as number;
    const own = labels[i] as number;
    sums.fill(0);
    for (let s = 0; s < n; s++) {
      if (s === r) continue;
      const j = rows[s] as number;
      sums[labels[j]!]! += Math.sqrt(sqDist(data, i, data, j, d));
    }
    if ((counts[own] as number) <= 1) continue; // s = 0
    const a = (sums[own] as number) / ((counts[own] as number) - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      if (c === own || counts[c] === 0) continue;
      b = Math.min(b, (sums[c] as number) / (counts[c] as number));
    }
    if (!Number.isFinite(b)) continue;
    const denominator = Math.max(a, b);
    total += denominator > 0 ? (b - a) / denominator : 0;
  }
  return n > 0 ? total / n : 0;
}

export interface KScore {
  k: number;
  /** Inertia per row (mean squared distance to the centroid), for the elbow. */
  inertiaPerRow: number;
  silhouette: number;
}

export interface ChooseKOptions extends Partial<KMeansOptions> {
  kMin: number;
  kMax: number;
  /** The analyst's k; null = the best silhouette. */
  fixedK: number | null;
  /** Rows the candidate fits are made on (a fixed-seed sample beyond it). */
  fitSample: number;
  /** Rows the silhouette is computed on. */
  silhouetteSample: number;
}

export const DEFAULT_CHOOSE_K: ChooseKOptions = {
  kMin: 2,
  kMax: 8,
  fixedK: null,
  fitSample: 20_000,
  silhouetteSample: 3000,
};

/**
 * Fits k = kMin..kMax (on a fixed-seed sample of `fitSample` rows when there are more), scores
 * each by silhouette and inertia, and fits the chosen k — the best silhouette, or the analyst's —
 * on all rows. A smaller k wins a tie, so the choice does not flicker between equal scores.
 */
export function chooseK(
  m: Matrix,
  options: Partial<ChooseKOptions> = {},
): { k: number; scores: KScore[]; fit: KMeansResult } {
  return runToEnd(chooseKSteps(m, options));
}

/** `chooseK` as steps, reporting each k tried. */
export function* chooseKSteps(
  m: Matrix,
  options: Partial<ChooseKOptions> = {},
): Steps<{ k: number; scores: KScore[]; fit: KMeansResult }> {
  const o = { ...DEFAULT_CHOOSE_K, ...options };
  const seed = o.seed ?? DEFAULT_KMEANS_OPTIONS.seed;
  const kMax = Math.min(o.kMax, m.n - 1);
  const sample = m.n > o.fitSample ? subset(m, sampleRows(m.n, o.fitSample, seed + 1)) : m;
  const scores: KScore[] = [];
  const fits = new Map<number, KMeansResult>();
  for (let k = o.kMin; k <= kMax; k++) {
    const fit = yield* kmeansSteps(sample, k, o);
    fits.set(k, fit);
    scores.push({
      k,
      inertiaPerRow: fit.inertia / sample.n,
      silhouette: yield* silhouetteSteps(sample, fit.labels, k, {
        sampleSize: o.silhouetteSample,
        seed,
      }),
    });
    yield { task: 'kmeans', iteration: k, done: k - o.kMin + 1, total: kMax - o.kMin + 1 };
  }
  let k = o.fixedK;
  if (k === null) {
    let best: KScore | null = null;
    for (const s of scores) if (best === null || s.silhouette > best.silhouette + 1e-12) best = s;
    k = best?.k ?? Math.min(o.kMin, m.n);
  }
  // On a sample, the chosen fit's centroids start the fit on all rows: a few Lloyd passes, not
  // a new search.
  const fitted = fits.get(k);
  const fit =
    sample === m && fitted
      ? fitted
      : yield* kmeansSteps(m, k, fitted ? { ...o, initial: fitted.centroids } : o);
  return { k, scores, fit };
}
