/**
 * Calibration/holdout validation of a fitted purchase model (Fader, Hardie & Lee 2005, figures 2–4):
 * the model is fitted on the calibration period and its predictions are compared with what the
 * same customers did in the holdout period that follows.
 *
 * - **Conditional expectations by frequency**: customers grouped by calibration frequency x
 *   (0, 1, …, k − 1 and "k+"), mean actual vs mean predicted holdout purchases per group.
 * - **Tracking**: the cohort's cumulative repeat transactions over time, actual vs expected, where
 *   expected = Σ over customers of E[X(age)], the model's unconditional expected repeat purchases
 *   of a new customer, at each customer's age. Calibration and holdout alike, so the curve shows
 *   both the fit and the forecast.
 * - **Error figures** per customer: aggregate % error of total holdout purchases, mean absolute
 *   error, RMSE and Pearson correlation of predicted and actual.
 *
 * Times follow the summary's conventions (`src/analysis/clvSummarySql.ts`): whole days, the
 * calibration end is the last day before the split, a customer born on day b has age e − b on day
 * e, so at the calibration end their age is T. Pure functions, plain data in and out.
 */
import { expectedPurchases, expectedRepeatPurchases, type PurchaseModel } from './clv';
import { compressRfm, daysPerUnit, expandRows, type RfmColumns, type TimeUnit } from './summary';

/**
 * E[purchases in the holdout | calibration history] per customer: the conditional expectation
 * over `holdoutLength` model periods. Computed once per distinct (x, tx, T).
 */
export function predictHoldoutPurchases(
  model: PurchaseModel,
  calibration: RfmColumns,
  holdoutLength: number,
): Float64Array {
  const rows = compressRfm(calibration);
  return expandRows(expectedPurchases(model, holdoutLength, rows), rows.rowOf);
}

/** Customers with one calibration frequency (or `frequency` and more, when `open`). */
export interface FrequencyBin {
  frequency: number;
  /** True for the last bin, "frequency or more". */
  open: boolean;
  customers: number;
  /** Mean actual holdout purchases; null for an empty bin. */
  actual: number | null;
  /** Mean predicted holdout purchases; null for an empty bin. */
  predicted: number | null;
}

function checkLengths(name: string, n: number, ...others: ArrayLike<number>[]): void {
  for (const o of others) {
    if (o.length !== n) throw new RangeError(`${name}: inputs differ in length`);
  }
}

/**
 * Mean actual and predicted holdout purchases by calibration frequency x = 0, 1, …,
 * `maxFrequency` − 1 and "`maxFrequency`+" (every bin is returned, empty ones with null means).
 */
export function conditionalExpectationByFrequency(
  x: ArrayLike<number>,
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  maxFrequency = 7,
): FrequencyBin[] {
  if (!Number.isInteger(maxFrequency) || maxFrequency < 1) {
    throw new RangeError(`conditionalExpectationByFrequency: maxFrequency ${maxFrequency}`);
  }
  checkLengths('conditionalExpectationByFrequency', x.length, actual, predicted);
  const count = new Float64Array(maxFrequency + 1);
  const sumActual = new Float64Array(maxFrequency + 1);
  const sumPredicted = new Float64Array(maxFrequency + 1);
  for (let i = 0; i < x.length; i++) {
    const bin = Math.min(Math.max(0, Math.floor(x[i] as number)), maxFrequency);
    count[bin] = (count[bin] as number) + 1;
    sumActual[bin] = (sumActual[bin] as number) + (actual[i] as number);
    sumPredicted[bin] = (sumPredicted[bin] as number) + (predicted[i] as number);
  }
  return Array.from(count, (n, k) => ({
    frequency: k,
    open: k === maxFrequency,
    customers: n,
    actual: n > 0 ? (sumActual[k] as number) / n : null,
    predicted: n > 0 ? (sumPredicted[k] as number) / n : null,
  }));
}

export interface HoldoutErrors {
  customers: number;
  totalActual: number;
  totalPredicted: number;
  /** 100 · (total predicted − total actual) / total actual; null when nobody bought. */
  aggregatePercentError: number | null;
  /** Mean over customers of |predicted − actual|. */
  meanAbsoluteError: number;
  rootMeanSquaredError: number;
  /** Pearson correlation of predicted and actual; null when either is constant. */
  correlation: number | null;
}

/** Error figures of per-customer predictions (sums in a stable two-pass form). */
export function holdoutErrors(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
): HoldoutErrors {
  const n = actual.length;
  checkLengths('holdoutErrors', n, predicted);
  let totalActual = 0;
  let totalPredicted = 0;
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < n; i++) {
    const a = actual[i] as number;
    const p = predicted[i] as number;
    totalActual += a;
    totalPredicted += p;
    absolute += Math.abs(p - a);
    squared += (p - a) * (p - a);
  }
  const meanA = n > 0 ? totalActual / n : 0;
  const meanP = n > 0 ? totalPredicted / n : 0;
  let sAA = 0;
  let sPP = 0;
  let sAP = 0;
  for (let i = 0; i < n; i++) {
    const da = (actual[i] as number) - meanA;
    const dp = (predicted[i] as number) - meanP;
    sAA += da * da;
    sPP += dp * dp;
    sAP += da * dp;
  }
  return {
    customers: n,
    totalActual,
    totalPredicted,
    aggregatePercentError:
      totalActual > 0 ? (100 * (totalPredicted - totalActual)) / totalActual : null,
    meanAbsoluteError: n > 0 ? absolute / n : 0,
    rootMeanSquaredError: n > 0 ? Math.sqrt(squared / n) : 0,
    correlation: sAA > 0 && sPP > 0 ? sAP / Math.sqrt(sAA * sPP) : null,
  };
}

/**
 * One period of the actual timeline (`holdoutActualsSql`'s `timeline` rows): day offsets from the
 * split (the first holdout day is 0; the calibration end is −1), end exclusive, and the cohort's
 * repeat transactions in it.
 */
export interface TrackingPeriod {
  startOffset: number;
  endOffset: number;
  actual: number;
}

export interface TrackingPoint extends TrackingPeriod {
  /** Expected repeat transactions in the period. */
  expected: number;
  /** Cumulative to the end of the period, from the start of the series. */
  cumulativeActual: number;
  cumulativeExpected: number;
  /** The period lies in the holdout (starts on or after the split). */
  holdout: boolean;
}

/**
 * The tracking series: for each period, actual and expected repeat transactions of the cohort, and
 * both cumulated. `birthOffsets` are the customers' first purchase days as offsets from the split
 * (all negative: the cohort bought before it; a customer with T days has −1 − T). Expected
 * repeat transactions by the end of day e are Σᵢ E[X((e − bᵢ) / days per unit)]: customers are
 * grouped by birth day and E[X] is evaluated once per age in days, so the cost is one model
 * evaluation per day of the span plus one addition per (period, birth day).
 */
export function trackingSeries(
  model: PurchaseModel,
  unit: TimeUnit,
  birthOffsets: ArrayLike<number>,
  periods: readonly TrackingPeriod[],
): TrackingPoint[] {
  const births = new Map<number, number>();
  for (let i = 0; i < birthOffsets.length; i++) {
    const b = birthOffsets[i] as number;
    if (!Number.isInteger(b)) throw new RangeError(`trackingSeries: birth offset ${b}`);
    births.set(b, (births.get(b) ?? 0) + 1);
  }
  const birthDays = [...births.keys()].sort((p, q) => p - q);
  const birthCounts = birthDays.map((b) => births.get(b) as number);
  const scale = daysPerUnit(unit);
  const cache = new Map<number, number>();
  const repeatsByAge = (ageDays: number): number => {
    let v = cache.get(ageDays);
    if (v === undefined) {
      v = expectedRepeatPurchases(model, ageDays / scale);
      cache.set(ageDays, v);
    }
    return v;
  };
  // Expected cumulative repeat transactions through the last day (end − 1) of a period.
  const cumulativeAt = (end: number): number => {
    const lastDay = end - 1;
    let sum = 0;
    for (let j = 0; j < birthDays.length; j++) {
      const b = birthDays[j] as number;
      if (b >= lastDay) break;
      sum += (birthCounts[j] as number) * repeatsByAge(lastDay - b);
    }
    return sum;
  };
  const out: TrackingPoint[] = [];
  let cumulativeActual = 0;
  let previousExpected: number | null = null;
  for (const p of periods) {
    if (!(p.endOffset > p.startOffset)) {
      throw new RangeError(`trackingSeries: empty period ${p.startOffset}…${p.endOffset}`);
    }
    const before = previousExpected ?? cumulativeAt(p.startOffset);
    const cumulativeExpected = cumulativeAt(p.endOffset);
    cumulativeActual += p.actual;
    out.push({
      ...p,
      expected: cumulativeExpected - before,
      cumulativeActual,
      cumulativeExpected,
      holdout: p.startOffset >= 0,
    });
    previousExpected = cumulativeExpected;
  }
  return out;
}

export interface HoldoutInput {
  /** Unit the model was fitted in and the calibration summary is expressed in. */
  unit: TimeUnit;
  /** The cohort's calibration summary (x, tx, T in `unit`; T whole days / days per unit). */
  calibration: RfmColumns;
  /** Each cohort customer's purchase days in the holdout, in the same order. */
  holdoutActual: ArrayLike<number>;
  /** Holdout length in days (holdout end − split). */
  holdoutDays: number;
  /** The actual timeline; without it `tracking` is empty. */
  periods?: readonly TrackingPeriod[];
  /** Last frequency bin, "k+". Default 7. */
  maxFrequency?: number;
}

export interface HoldoutValidation {
  /** Predicted holdout purchases per customer, in the input order. */
  predicted: Float64Array;
  bins: FrequencyBin[];
  errors: HoldoutErrors;
  tracking: TrackingPoint[];
}

/**
 * Everything the holdout view shows, from a model fitted on the calibration summary. Birth days
 * for the tracking series come from T: a customer with age T (in `unit`) was born
 * −1 − round(T · days per unit) days from the split.
 */
export function holdoutValidation(model: PurchaseModel, input: HoldoutInput): HoldoutValidation {
  const { calibration: c, holdoutActual } = input;
  checkLengths('holdoutValidation', c.x.length, c.tx, c.T, holdoutActual);
  if (!(input.holdoutDays >= 0)) throw new RangeError('holdoutValidation: holdoutDays < 0');
  const scale = daysPerUnit(input.unit);
  const predicted = predictHoldoutPurchases(model, c, input.holdoutDays / scale);
  const births = Float64Array.from(c.T, (T) => -1 - Math.round(T * scale));
  return {
    predicted,
    bins: conditionalExpectationByFrequency(c.x, holdoutActual, predicted, input.maxFrequency),
    errors: holdoutErrors(holdoutActual, predicted),
    tracking: input.periods ? trackingSeries(model, input.unit, births, input.periods) : [],
  };
}
