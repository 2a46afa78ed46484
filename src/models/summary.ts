/**
 * The per-customer RFM summary the CLV models are fitted on, and its compression into unique rows.
 *
 * Definitions (pinned by tests against the CDNOW summary published with the BG/NBD paper):
 * - `x`  frequency: distinct purchase days − 1 (same-day purchases count as one);
 * - `tx` recency: last purchase day − first purchase day;
 * - `T`  age: as-of day − first purchase day;
 * - `monetary`: mean of the daily summed spend over the repeat days only (0 when x = 0), because the
 *   Gamma-Gamma model describes the spend of repeat transactions.
 * Times are in one chosen unit (days, or weeks = days / 7).
 */

export type TimeUnit = 'days' | 'weeks';

/** Days in one unit of model time. */
export function daysPerUnit(unit: TimeUnit): number {
  return unit === 'weeks' ? 7 : 1;
}

/** One customer's frequency, recency and age. */
export interface Rfm {
  x: number;
  tx: number;
  T: number;
}

/** Many customers' frequency, recency and age, column-wise (what the models loop over). */
export interface RfmColumns {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
}

/** The full per-customer summary, column-wise. */
export interface SummaryColumns extends RfmColumns {
  monetary: Float64Array;
}

/**
 * Unique (x, tx, T) rows with integer weights (customer counts). The likelihoods only depend on
 * (x, tx, T), so summing weighted rows is exact and makes fitting cost scale with distinct
 * histories rather than customers (day-resolution data over a year has far fewer of them).
 */
export interface CompressedRfm extends RfmColumns {
  weight: Float64Array;
  /** Number of customers (sum of weights). */
  customers: number;
  /** For each input customer, the index of its row: `expandRows` maps row results back. */
  rowOf: Int32Array;
}

/** A single transaction for `summariseTransactions`: an integer day number in any epoch. */
export interface DayTransaction {
  customerId: string;
  day: number;
  amount: number;
}

/** Customers' ids (in first-seen order) and their summary columns. */
export interface CustomerSummaries {
  ids: string[];
  summary: SummaryColumns;
}

/**
 * Reference implementation of the summary from raw transactions. The app computes the same in
 * SQL; this pins the definition (same-day purchases merged, monetary over repeat days only).
 * Transactions after `asOfDay` are ignored, since they are outside the calibration period.
 */
export function summariseTransactions(
  transactions: Iterable<DayTransaction>,
  asOfDay: number,
  unit: TimeUnit = 'weeks',
): CustomerSummaries {
  const perCustomer = new Map<string, Map<number, number>>();
  for (const t of transactions) {
    if (t.day > asOfDay) continue;
    let days = perCustomer.get(t.customerId);
    if (days === undefined) {
      days = new Map();
      perCustomer.set(t.customerId, days);
    }
    days.set(t.day, (days.get(t.day) ?? 0) + t.amount);
  }
  const n = perCustomer.size;
  const summary: SummaryColumns = {
    x: new Float64Array(n),
    tx: new Float64Array(n),
    T: new Float64Array(n),
    monetary: new Float64Array(n),
  };
  const ids: string[] = [];
  const scale = daysPerUnit(unit);
  let i = 0;
  for (const [id, days] of perCustomer) {
    const sorted = [...days.keys()].sort((a, b) => a - b);
    const first = sorted[0] ?? asOfDay;
    const last = sorted[sorted.length - 1] ?? asOfDay;
    let repeatSpend = 0;
    for (let k = 1; k < sorted.length; k++) repeatSpend += days.get(sorted[k] ?? first) ?? 0;
    const x = sorted.length - 1;
    ids.push(id);
    summary.x[i] = x;
    summary.tx[i] = (last - first) / scale;
    summary.T[i] = (asOfDay - first) / scale;
    summary.monetary[i] = x > 0 ? repeatSpend / x : 0;
    i++;
  }
  return { ids, summary };
}

/**
 * Collapse customers with identical (x, tx, T) into weighted rows. Values are compared exactly, so
 * times should be on a grid (whole days, or days / 7) for the compression to pay off.
 */
export function compressRfm(columns: RfmColumns, weights?: Float64Array): CompressedRfm {
  const n = columns.x.length;
  if (columns.tx.length !== n || columns.T.length !== n) {
    throw new RangeError('compressRfm: x, tx and T must have the same length');
  }
  // Nested maps with number keys: much faster than string keys, and exact on float values.
  const index = new Map<number, Map<number, Map<number, number>>>();
  const rowOf = new Int32Array(n);
  let rows = 0;
  const rx: number[] = [];
  const rtx: number[] = [];
  const rT: number[] = [];
  const rw: number[] = [];
  let customers = 0;
  for (let i = 0; i < n; i++) {
    const x = columns.x[i] as number;
    const tx = columns.tx[i] as number;
    const T = columns.T[i] as number;
    const w = weights ? (weights[i] as number) : 1;
    let byTx = index.get(x);
    if (byTx === undefined) {
      byTx = new Map();
      index.set(x, byTx);
    }
    let byT = byTx.get(tx);
    if (byT === undefined) {
      byT = new Map();
      byTx.set(tx, byT);
    }
    let row = byT.get(T);
    if (row === undefined) {
      row = rows++;
      byT.set(T, row);
      rx.push(x);
      rtx.push(tx);
      rT.push(T);
      rw.push(0);
    }
    rw[row] = (rw[row] as number) + w;
    rowOf[i] = row;
    customers += w;
  }
  return {
    x: Float64Array.from(rx),
    tx: Float64Array.from(rtx),
    T: Float64Array.from(rT),
    weight: Float64Array.from(rw),
    customers,
    rowOf,
  };
}

/** Map per-row results of a compressed summary back to one value per customer. */
export function expandRows(rowValues: Float64Array, rowOf: Int32Array): Float64Array {
  const out = new Float64Array(rowOf.length);
  for (let i = 0; i < rowOf.length; i++) out[i] = rowValues[rowOf[i] as number] as number;
  return out;
}

/**
 * Check a summary is usable by the models: finite, x a non-negative integer, 0 ≤ tx ≤ T and tx = 0
 * when x = 0. Returns the first problem found, or null.
 */
export function validateRfm(columns: RfmColumns): string | null {
  for (let i = 0; i < columns.x.length; i++) {
    const x = columns.x[i] as number;
    const tx = columns.tx[i] as number;
    const T = columns.T[i] as number;
    if (!Number.isInteger(x) || x < 0) return `row ${i}: x = ${x} is not a non-negative integer`;
    if (!Number.isFinite(tx) || !Number.isFinite(T)) return `row ${i}: tx or T is not finite`;
    if (tx < 0 || tx > T) return `row ${i}: need 0 ≤ tx ≤ T (tx = ${tx}, T = ${T})`;
    if (x === 0 && tx !== 0) return `row ${i}: tx must be 0 when x = 0 (tx = ${tx})`;
  }
  return null;
}
