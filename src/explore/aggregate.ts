import type { CustomerPoints, SelectionMask } from './points';

/**
 * Aggregations the linked charts draw, computed on the main thread straight from the typed arrays
 * of the points and a selection mask: one pass per aggregation, no allocation per customer, so
 * that cross-filtering 100k customers redraws within a frame. Each returns the figures for all
 * customers and, when a mask is given, for the selected ones, so every chart can show both.
 */

export interface Totals {
  customers: number;
  /** Sum of monetary (historical revenue). */
  revenue: number;
  /** Sum of total value; null until the value step has run. */
  value: number | null;
}

export interface SegmentTotal {
  /** Index into `points.segmentKeys`. */
  segment: number;
  key: string;
  all: Totals;
  /** Null when there is no selection. */
  selected: Totals | null;
}

export interface SegmentTotals {
  segments: SegmentTotal[];
  /** Every customer, including those without a segment. */
  all: Totals;
  selected: Totals | null;
}

export function segmentTotals(points: CustomerPoints, mask: SelectionMask | null): SegmentTotals {
  const k = points.segmentKeys.length;
  // Slot k collects customers without a segment (code -1), so that the totals still add up.
  const customers = new Float64Array((k + 1) * 2);
  const revenue = new Float64Array((k + 1) * 2);
  const value = new Float64Array((k + 1) * 2);
  const total = points.value?.total ?? null;
  const { segment, monetary } = points;
  for (let i = 0; i < points.n; i++) {
    const code = segment[i] as number;
    const slot = code >= 0 && code < k ? code : k;
    const m = monetary[i] as number;
    const v = total === null ? 0 : (total[i] as number);
    customers[slot]! += 1;
    revenue[slot]! += m;
    value[slot]! += v;
    if (mask !== null && mask[i] === 1) {
      const s = slot + k + 1;
      customers[s]! += 1;
      revenue[s]! += m;
      value[s]! += v;
    }
  }
  const hasValue = total !== null;
  const totalsAt = (slot: number): Totals => ({
    customers: customers[slot] as number,
    revenue: revenue[slot] as number,
    value: hasValue ? (value[slot] as number) : null,
  });
  const sum = (offset: number): Totals => {
    const t: Totals = { customers: 0, revenue: 0, value: hasValue ? 0 : null };
    for (let s = 0; s <= k; s++) {
      t.customers += customers[s + offset] as number;
      t.revenue += revenue[s + offset] as number;
      if (t.value !== null) t.value += value[s + offset] as number;
    }
    return t;
  };
  return {
    segments: points.segmentKeys.map((key, s) => ({
      segment: s,
      key,
      all: totalsAt(s),
      selected: mask === null ? null : totalsAt(s + k + 1),
    })),
    all: sum(0),
    selected: mask === null ? null : sum(k + 1),
  };
}

export interface HistogramOptions {
  bins: number;
  /** Logarithmic bins (equal ratios); values ≤ 0 are then left out and counted in `excluded`. */
  log: boolean;
}

export interface HistogramBins {
  /** bins + 1 edges; bin i holds edges[i] ≤ v < edges[i+1], the last bin also v = its upper edge. */
  edges: number[];
  all: number[];
  /** Null when there is no selection. */
  selected: number[] | null;
  /** Customers not in any bin: not finite, or ≤ 0 on a log scale. */
  excluded: { all: number; selected: number | null };
  log: boolean;
}

const usable = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);

/** The bin of v given the edges, consistent with `edges[i] ≤ v < edges[i+1]` (last bin closed). */
export function binOf(edges: readonly number[], v: number, log: boolean): number {
  const bins = edges.length - 1;
  const lo = edges[0] as number;
  const hi = edges[bins] as number;
  const t = log
    ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))
    : (v - lo) / (hi - lo);
  let i = Math.min(bins - 1, Math.max(0, Math.floor((Number.isFinite(t) ? t : 0) * bins)));
  // The arithmetic above can land one bin off at an edge; the edges themselves decide.
  while (i > 0 && v < (edges[i] as number)) i--;
  while (i < bins - 1 && v >= (edges[i + 1] as number)) i++;
  return i;
}

/** Edges of `bins` equal steps (equal ratios when log) from lo to hi; exact at both ends. */
export function binEdges(lo: number, hi: number, bins: number, log: boolean): number[] {
  if (hi <= lo) hi = log ? lo * 10 : lo + 1;
  const edges: number[] = [];
  for (let i = 0; i <= bins; i++) {
    if (i === 0) edges.push(lo);
    else if (i === bins) edges.push(hi);
    else if (log) edges.push(Math.exp(Math.log(lo) + ((Math.log(hi) - Math.log(lo)) * i) / bins));
    else edges.push(lo + ((hi - lo) * i) / bins);
  }
  return edges;
}

export function histogramBins(
  values: Float64Array,
  mask: SelectionMask | null,
  options: HistogramOptions,
): HistogramBins {
  const { log } = options;
  const bins = Math.max(1, Math.floor(options.bins));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!usable(v, log)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const all = new Array<number>(bins).fill(0);
  const selected = mask === null ? null : new Array<number>(bins).fill(0);
  const excluded = { all: 0, selected: mask === null ? null : 0 };
  if (lo === Infinity) {
    excluded.all = values.length;
    if (mask !== null) excluded.selected = countSelected(mask);
    return { edges: binEdges(log ? 1 : 0, log ? 10 : 1, bins, log), all, selected, excluded, log };
  }
  const edges = binEdges(lo, hi, bins, log);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    const chosen = mask !== null && mask[i] === 1;
    if (!usable(v, log)) {
      excluded.all++;
      if (chosen) excluded.selected = (excluded.selected ?? 0) + 1;
      continue;
    }
    const b = binOf(edges, v, log);
    all[b]!++;
    if (chosen && selected) selected[b]!++;
  }
  return { edges, all, selected, excluded, log };
}

export interface RfmCell {
  r: number;
  f: number;
  customers: number;
  /** Mean monetary of the cell's customers; null when the cell is empty. */
  meanM: number | null;
  /** Null when there is no selection. */
  selected: { customers: number; meanM: number | null } | null;
}

/** The 5 × 5 cells of R score × F score, R = 5 first, then F ascending. */
export function rfmHeatmapCells(points: CustomerPoints, mask: SelectionMask | null): RfmCell[] {
  const count = new Float64Array(50);
  const sumM = new Float64Array(50);
  const { rScore, fScore, monetary } = points;
  for (let i = 0; i < points.n; i++) {
    const r = rScore[i] as number;
    const f = fScore[i] as number;
    if (r < 1 || r > 5 || f < 1 || f > 5) continue;
    const c = (r - 1) * 5 + (f - 1);
    const m = monetary[i] as number;
    count[c]! += 1;
    sumM[c]! += m;
    if (mask !== null && mask[i] === 1) {
      count[c + 25]! += 1;
      sumM[c + 25]! += m;
    }
  }
  const cells: RfmCell[] = [];
  for (let r = 5; r >= 1; r--) {
    for (let f = 1; f <= 5; f++) {
      const c = (r - 1) * 5 + (f - 1);
      const n = count[c] as number;
      const sn = count[c + 25] as number;
      cells.push({
        r,
        f,
        customers: n,
        meanM: n > 0 ? (sumM[c] as number) / n : null,
        selected:
          mask === null
            ? null
            : { customers: sn, meanM: sn > 0 ? (sumM[c + 25] as number) / sn : null },
      });
    }
  }
  return cells;
}

export function countSelected(mask: SelectionMask): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

/** The customers of one segment. */
export function segmentMask(points: CustomerPoints, segment: number): SelectionMask {
  const mask = new Uint8Array(points.n);
  for (let i = 0; i < points.n; i++) mask[i] = points.segment[i] === segment ? 1 : 0;
  return mask;
}

/** The customers with R score r and F score f. */
export function rfmMask(points: CustomerPoints, r: number, f: number): SelectionMask {
  const mask = new Uint8Array(points.n);
  for (let i = 0; i < points.n; i++)
    mask[i] = points.rScore[i] === r && points.fScore[i] === f ? 1 : 0;
  return mask;
}

/**
 * The customers with lo ≤ value < hi (≤ hi when `closed`, as for a histogram's last bin), so that
 * a bar's mask holds exactly the customers the bar counts.
 */
export function rangeMask(
  values: Float64Array,
  lo: number,
  hi: number,
  closed = false,
): SelectionMask {
  const mask = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    mask[i] = v >= lo && (v < hi || (closed && v === hi)) ? 1 : 0;
  }
  return mask;
}
