/**
 * The value map's arithmetic without the DOM: selection by rectangle and lasso, binning, domains,
 * ticks and quadrants. Everything here works on precomputed pixel coordinates in typed arrays in
 * one pass, because brushing 100k customers has to fit in a frame.
 */
import { polygonContains } from 'd3-polygon';
import { scaleLinear } from 'd3-scale';

export type AxisScale = 'linear' | 'log' | 'symlog';

/** A rectangle in pixels, corners in any order. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Mark every point inside the rectangle (edges included) with 1, the rest with 0; returns how many
 * are selected. Points with a NaN coordinate (not placeable on the axes) are never selected.
 */
export function selectRect(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  n: number,
  rect: PixelRect,
  out: Uint8Array,
): number {
  const xlo = Math.min(rect.x0, rect.x1);
  const xhi = Math.max(rect.x0, rect.x1);
  const ylo = Math.min(rect.y0, rect.y1);
  const yhi = Math.max(rect.y0, rect.y1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = px[i]!;
    const y = py[i]!;
    // NaN fails every comparison, so unplaceable points fall out here.
    const inside = x >= xlo && x <= xhi && y >= ylo && y <= yhi ? 1 : 0;
    out[i] = inside;
    count += inside;
  }
  return count;
}

/**
 * Mark every point inside the polygon (a lasso path, closed implicitly) with 1; returns the count.
 * The bounding box rejects most points before the point-in-polygon test. Fewer than three vertices
 * enclose nothing.
 */
export function selectPolygon(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  n: number,
  polygon: readonly (readonly [number, number])[],
  out: Uint8Array,
): number {
  out.fill(0, 0, n);
  if (polygon.length < 3) return 0;
  let xlo = Infinity;
  let xhi = -Infinity;
  let ylo = Infinity;
  let yhi = -Infinity;
  for (const [x, y] of polygon) {
    if (x < xlo) xlo = x;
    if (x > xhi) xhi = x;
    if (y < ylo) ylo = y;
    if (y > yhi) yhi = y;
  }
  const poly = polygon as [number, number][];
  const p: [number, number] = [0, 0];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = px[i]!;
    const y = py[i]!;
    if (!(x >= xlo && x <= xhi && y >= ylo && y <= yhi)) continue;
    p[0] = x;
    p[1] = y;
    if (polygonContains(poly, p)) {
      out[i] = 1;
      count++;
    }
  }
  return count;
}

/** Number of 1s in a mask (null = nothing selected). */
export function countSelected(mask: Uint8Array | null): number {
  if (!mask) return 0;
  let c = 0;
  for (let i = 0; i < mask.length; i++) c += mask[i]!;
  return c;
}

/** Mask of the points whose category is one of `codes`. */
export function selectCategories(
  colour: Int8Array,
  n: number,
  codes: ReadonlySet<number>,
  out: Uint8Array,
): number {
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = codes.has(colour[i]!) ? 1 : 0;
    out[i] = v;
    count += v;
  }
  return count;
}

/** Square bins over the plot area; `binOf[i]` is point i's bin, -1 when outside the area. */
export interface Bins {
  cols: number;
  rows: number;
  size: number;
  left: number;
  top: number;
  binOf: Int32Array;
  /** Points per bin. */
  total: Uint32Array;
  /** The most frequent category per bin (-1 none or empty); ties go to the lower code. */
  dominant: Int16Array;
  /** Largest bin count, for the opacity scale. */
  max: number;
  /** Points inside the area. */
  inside: number;
}

/**
 * Put each point in a square bin of `size` pixels over the area [left, right) × [top, bottom).
 * `categories` is the number of category codes (0..categories-1); -1 counts toward no category.
 */
export function binPoints(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  n: number,
  area: { left: number; top: number; right: number; bottom: number },
  size: number,
  colour: Int8Array,
  categories: number,
): Bins {
  const cols = Math.max(1, Math.ceil((area.right - area.left) / size));
  const rows = Math.max(1, Math.ceil((area.bottom - area.top) / size));
  const bins = cols * rows;
  const binOf = new Int32Array(n);
  const total = new Uint32Array(bins);
  const cats = Math.max(1, categories);
  const perCategory = new Uint32Array(bins * cats);
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const x = px[i]!;
    const y = py[i]!;
    // Right and bottom edges belong to the last bin, so a point on the frame is not lost.
    if (!(x >= area.left && x <= area.right && y >= area.top && y <= area.bottom)) {
      binOf[i] = -1;
      continue;
    }
    const c = Math.min(cols - 1, Math.floor((x - area.left) / size));
    const r = Math.min(rows - 1, Math.floor((y - area.top) / size));
    const b = r * cols + c;
    binOf[i] = b;
    total[b]!++;
    inside++;
    const k = colour[i]!;
    if (k >= 0 && k < cats) perCategory[b * cats + k]!++;
  }
  const dominant = new Int16Array(bins).fill(-1);
  let max = 0;
  for (let b = 0; b < bins; b++) {
    const t = total[b]!;
    if (t === 0) continue;
    if (t > max) max = t;
    let best = 0;
    const base = b * cats;
    for (let k = 0; k < cats; k++) {
      const v = perCategory[base + k]!;
      if (v > best) {
        best = v;
        dominant[b] = k;
      }
    }
  }
  return { cols, rows, size, left: area.left, top: area.top, binOf, total, dominant, max, inside };
}

/** Selected points per bin, written into `out` (length cols × rows); returns the largest. */
export function selectedPerBin(binOf: Int32Array, mask: Uint8Array, n: number, out: Uint32Array) {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const b = binOf[i]!;
    if (b >= 0 && mask[i] === 1) out[b]!++;
  }
  let max = 0;
  for (let b = 0; b < out.length; b++) if (out[b]! > max) max = out[b]!;
  return max;
}

/** Median of the finite values (NaN when there are none); does not modify the input. */
export function median(values: ArrayLike<number>): number {
  const finite = new Float64Array(values.length);
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) finite[m++] = v;
  }
  if (m === 0) return NaN;
  const sorted = finite.subarray(0, m).sort();
  const mid = m >> 1;
  return m % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The domain an axis shows: the finite values' extent (positive values only on a log axis), padded
 * so edge marks are not cut in half. A single value gets a unit-wide (or one-decade) domain.
 */
export function axisDomain(values: ArrayLike<number>, scale: AxisScale): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return scale === 'log' ? [1, 10] : [0, 1];
  if (scale === 'log') {
    if (lo === hi) return [lo / Math.SQRT2 / Math.SQRT2, hi * 2];
    const pad = Math.pow(hi / lo, 0.03);
    return [lo / pad, hi * pad];
  }
  if (scale === 'symlog') {
    // Padding in symlog space (sign(v)·log1p|v|) keeps it proportional at both ends.
    const f = (v: number) => Math.sign(v) * Math.log1p(Math.abs(v));
    const g = (u: number) => Math.sign(u) * Math.expm1(Math.abs(u));
    const a = f(lo);
    const b = f(hi);
    const pad = a === b ? 0.5 : (b - a) * 0.03;
    return [lo >= 0 && a - pad < 0 ? Math.min(0, lo) : g(a - pad), g(b + pad)];
  }
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.03;
  return [lo - pad, hi + pad];
}

/**
 * Tick values for an axis showing [lo, hi]. Linear: d3's 1-2-5 steps. Log and symlog:
 * powers of ten (with 2× and 5× when fewer than three decades show), plus 0 on a symlog axis
 * that crosses it; d3's own symlog ticks are linear and bunch up at the bottom.
 */
export function axisTicks(scale: AxisScale, lo: number, hi: number, count = 6): number[] {
  if (lo > hi) [lo, hi] = [hi, lo];
  if (scale === 'linear') return linearTicks(lo, hi, count);
  const out: number[] = [];
  const positive = (a: number, b: number) => {
    if (b <= 0 || a > b) return [] as number[];
    const from = Math.floor(Math.log10(Math.max(a, Number.MIN_VALUE)));
    const to = Math.ceil(Math.log10(b));
    const decades = to - from;
    const steps = decades < 3 ? [1, 2, 5] : [1];
    const every = Math.max(1, Math.ceil(decades / count));
    const ticks: number[] = [];
    for (let e = from; e <= to; e++) {
      if ((e - from) % every !== 0) continue;
      for (const s of steps) {
        const v = s * Math.pow(10, e);
        // Rounded so 0.1 × 3 style float noise never reaches a label.
        const r = Number(v.toPrecision(12));
        if (r >= a && r <= b) ticks.push(r);
      }
    }
    return ticks;
  };
  if (scale === 'log') return positive(lo, hi);
  // symlog: ticks at 0 and ±powers of ten ≥ 1 (below 1 the axis is nearly linear).
  if (lo < 0)
    out.push(
      ...positive(Math.max(1, -hi), -lo)
        .map((v) => -v)
        .reverse(),
    );
  if (lo <= 0 && hi >= 0) out.push(0);
  if (hi > 0) out.push(...positive(Math.max(1, lo), hi));
  return out;
}

function linearTicks(lo: number, hi: number, count: number): number[] {
  return scaleLinear().domain([lo, hi]).ticks(count);
}

/**
 * Quadrant of a point: 0 top left, 1 top right, 2 bottom left, 3 bottom right (the order of
 * quadrantLabels). High means above the split, as in the engine's value quadrants (a customer at
 * the median is not a star), so the counts here match the value panel's. -1 when not finite.
 */
export function quadrantOf(x: number, y: number, xSplit: number, ySplit: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return -1;
  const right = x > xSplit ? 1 : 0;
  const bottom = y > ySplit ? 0 : 2;
  return bottom + right;
}

/** Points per quadrant, in quadrantLabels order. */
export function quadrantCounts(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  xSplit: number,
  ySplit: number,
): [number, number, number, number] {
  const counts: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const q = quadrantOf(x[i]!, y[i]!, xSplit, ySplit);
    if (q >= 0) counts[q as 0 | 1 | 2 | 3]++;
  }
  return counts;
}

/** Points per category code (index = code; -1 codes are not counted). */
export function categoryCounts(colour: Int8Array, n: number, categories: number): number[] {
  const counts = new Array<number>(categories).fill(0);
  for (let i = 0; i < n; i++) {
    const k = colour[i]!;
    if (k >= 0 && k < categories) counts[k]!++;
  }
  return counts;
}

/**
 * Half-widths of a filled disc of integer radius r, row by row from -r to r: the spans the
 * rasteriser fills. r = 0 is a single pixel.
 */
export function discSpans(r: number): Int16Array {
  const spans = new Int16Array(2 * r + 1);
  // r² + r rather than r² gives rounder small discs (no lone pixel at the four poles).
  const r2 = r * r + r;
  for (let dy = -r; dy <= r; dy++) spans[dy + r] = Math.floor(Math.sqrt(Math.max(0, r2 - dy * dy)));
  return spans;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** '#rrggbb' and an opacity in [0, 1] as one 32-bit ImageData pixel (RGBA in memory). */
export function packColour(hex: string, alpha: number): number {
  const v = parseInt(hex.replace('#', ''), 16);
  const r = (v >> 16) & 255;
  const g = (v >> 8) & 255;
  const b = v & 255;
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return LITTLE_ENDIAN
    ? ((a << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | a) >>> 0;
}
