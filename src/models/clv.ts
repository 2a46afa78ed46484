/**
 * Customer lifetime value from a purchase model (BG/NBD or Pareto/NBD) and expected spend
 * (Gamma-Gamma), the heuristic fallback when no model can be fitted, and the choice between the
 * two purchase models.
 */
import {
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesIfAlive,
  bgnbdExpectedRepeatPurchases,
  bgnbdProbabilityAlive,
  type BgNbdFit,
  type BgNbdParams,
} from './bgnbd';
import {
  paretoNbdExpectedPurchases,
  paretoNbdExpectedRepeatPurchases,
  paretoNbdProbabilityAlive,
  type ParetoNbdFit,
  type ParetoNbdParams,
} from './paretoNbd';
import {
  nbdExpectedPurchases,
  nbdExpectedRepeatPurchases,
  type NbdFit,
  type NbdParams,
} from './nbd';
import type { Steps } from './steps';
import {
  daysPerUnit,
  type CompressedRfm,
  type Rfm,
  type RfmColumns,
  type SummaryColumns,
  type TimeUnit,
} from './summary';

/** A fitted purchase model, as plain data (it crosses the worker boundary). */
export type PurchaseModel =
  | { model: 'bgnbd'; params: BgNbdParams }
  | { model: 'paretonbd'; params: ParetoNbdParams }
  | { model: 'nbd'; params: NbdParams };

/** A fit as the purchase model the predictions use (parameters only). */
export function purchaseModelOf(f: BgNbdFit | ParetoNbdFit | NbdFit): PurchaseModel {
  switch (f.model) {
    case 'bgnbd':
      return { model: 'bgnbd', params: f.params };
    case 'paretonbd':
      return { model: 'paretonbd', params: f.params };
    case 'nbd':
      return { model: 'nbd', params: f.params };
  }
}

/** P(alive at T | history) under any model (1 under the NBD: nobody leaves). */
function aliveAt(m: PurchaseModel, c: Rfm): number {
  switch (m.model) {
    case 'bgnbd':
      return bgnbdProbabilityAlive(m.params, c);
    case 'paretonbd':
      return paretoNbdProbabilityAlive(m.params, c);
    case 'nbd':
      return 1;
  }
}

function rowAt(c: RfmColumns, i: number): Rfm {
  return { x: c.x[i] as number, tx: c.tx[i] as number, T: c.T[i] as number };
}

function conditional(m: PurchaseModel, t: number, c: Rfm): number {
  switch (m.model) {
    case 'bgnbd':
      return bgnbdExpectedPurchases(m.params, t, c);
    case 'paretonbd':
      return paretoNbdExpectedPurchases(m.params, t, c);
    case 'nbd':
      return nbdExpectedPurchases(m.params, t, c.x, c.T);
  }
}

/**
 * E[Y(t) | x, T, alive at T]: what a customer still alive would buy in the next t. Both models
 * factor E[Y(t) | x, tₓ, T] into this and P(alive), so it is computed once per distinct (x, T).
 * (A Pareto/NBD customer whose last purchase is at T cannot have died before T: P(alive) = 1.)
 */
export function expectedPurchasesIfAlive(m: PurchaseModel, t: number, x: number, T: number) {
  switch (m.model) {
    case 'bgnbd':
      return bgnbdExpectedPurchasesIfAlive(m.params, t, x, T);
    case 'paretonbd':
      return paretoNbdExpectedPurchases(m.params, t, { x, tx: T, T });
    case 'nbd':
      return nbdExpectedPurchases(m.params, t, x, T);
  }
}

/** Per compressed row: P(alive), expected purchases over the horizon, and their discounted sum. */
export interface RowPredictions {
  pAlive: Float64Array;
  purchases: Float64Array;
  /** Σₖ (E[Y(k months)] − E[Y(k−1 months)]) / (1+d)ᵏ: CLV per unit of spend and margin. */
  discountedPurchases: Float64Array;
}

/** Rows between pauses: each costs a P(alive), each (x, T) pair a dozen expectations. */
const ROWS_PER_PAUSE = 4000;
const PAIRS_PER_PAUSE = 400;

/**
 * Predictions for every row of a compressed summary, as steps: P(alive) per row, and the
 * alive-conditional expectations once per distinct (x, T) (far fewer than rows on real data).
 * `horizon` is in model periods; the discounted sum runs over `months` monthly steps as
 * `customerLifetimeValue` does.
 */
export function* predictionsSteps(
  m: PurchaseModel,
  rows: CompressedRfm,
  o: { horizon: number; unit: TimeUnit; months: number; monthlyDiscountRate: number },
): Steps<RowPredictions> {
  const n = rows.x.length;
  const pAlive = new Float64Array(n);
  for (let start = 0; start < n; start += ROWS_PER_PAUSE) {
    const end = Math.min(n, start + ROWS_PER_PAUSE);
    for (let i = start; i < end; i++) pAlive[i] = aliveAt(m, rowAt(rows, i));
    yield { task: 'predict', done: end, total: n };
  }
  // Distinct (x, T) pairs; nested maps with number keys are exact on floats and fast.
  const pairs = new Map<number, Map<number, number>>();
  const pairOf = new Int32Array(n);
  const pairX: number[] = [];
  const pairT: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = rows.x[i] as number;
    const T = rows.T[i] as number;
    let byT = pairs.get(x);
    if (!byT) pairs.set(x, (byT = new Map()));
    let k = byT.get(T);
    if (k === undefined) {
      k = pairX.length;
      byT.set(T, k);
      pairX.push(x);
      pairT.push(T);
    }
    pairOf[i] = k;
  }
  const step = periodsPerMonth(o.unit);
  const pairPurchases = new Float64Array(pairX.length);
  const pairDiscounted = new Float64Array(pairX.length);
  for (let start = 0; start < pairX.length; start += PAIRS_PER_PAUSE) {
    const end = Math.min(pairX.length, start + PAIRS_PER_PAUSE);
    for (let k = start; k < end; k++) {
      const x = pairX[k] as number;
      const T = pairT[k] as number;
      pairPurchases[k] = expectedPurchasesIfAlive(m, o.horizon, x, T);
      let previous = 0;
      let value = 0;
      for (let month = 1; month <= o.months; month++) {
        const cumulative = expectedPurchasesIfAlive(m, month * step, x, T);
        value += (cumulative - previous) / Math.pow(1 + o.monthlyDiscountRate, month);
        previous = cumulative;
      }
      pairDiscounted[k] = value;
    }
    yield;
  }
  const purchases = new Float64Array(n);
  const discountedPurchases = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = pairOf[i] as number;
    purchases[i] = (pAlive[i] as number) * (pairPurchases[k] as number);
    discountedPurchases[i] = (pAlive[i] as number) * (pairDiscounted[k] as number);
  }
  return { pAlive, purchases, discountedPurchases };
}

/** E[purchases in (T, T + t] | history] per customer, under either model. */
export function expectedPurchases(m: PurchaseModel, t: number, c: RfmColumns): Float64Array {
  const out = new Float64Array(c.x.length);
  for (let i = 0; i < out.length; i++) out[i] = conditional(m, t, rowAt(c, i));
  return out;
}

/** P(alive at T | history) per customer, under either model. */
export function probabilityAlive(m: PurchaseModel, c: RfmColumns): Float64Array {
  const out = new Float64Array(c.x.length);
  for (let i = 0; i < out.length; i++) out[i] = aliveAt(m, rowAt(c, i));
  return out;
}

/** E[X(t)]: expected repeat purchases of a new customer by time t (the population curve). */
export function expectedRepeatPurchases(m: PurchaseModel, t: number): number {
  switch (m.model) {
    case 'bgnbd':
      return bgnbdExpectedRepeatPurchases(m.params, t);
    case 'paretonbd':
      return paretoNbdExpectedRepeatPurchases(m.params, t);
    case 'nbd':
      return nbdExpectedRepeatPurchases(m.params, t);
  }
}

/** Model periods in one month: 365.25 / 12 days, i.e. 30.44 days or 4.348 weeks. */
export function periodsPerMonth(unit: TimeUnit): number {
  return 365.25 / 12 / daysPerUnit(unit);
}

export interface ClvOptions {
  /** Unit of the summary's times, to turn months into model periods. */
  unit: TimeUnit;
  /** Horizon in months. Default 12. */
  months?: number;
  /** Monthly discount rate. Default 0.01. */
  monthlyDiscountRate?: number;
  /** Profit margin applied to spend. Default 1 (CLV in revenue). */
  margin?: number;
  /**
   * Override model periods per month (lifetimes uses 4.345 weeks or 30 days; the default here is
   * the calendar average, `periodsPerMonth(unit)`).
   */
  periodsPerMonth?: number;
}

/**
 * Discounted CLV over the horizon, in discrete monthly steps as lifetimes'
 * `customer_lifetime_value`: Σₖ (E[Y(k months)] − E[Y(k−1 months)]) · spend · margin / (1+d)ᵏ.
 * `spend` is the expected spend per transaction (Gamma-Gamma's conditional expectation). Pass the
 * rows of a compressed summary and `expandRows` the result to do the work once per history.
 */
export function customerLifetimeValue(
  m: PurchaseModel,
  c: RfmColumns,
  spend: Float64Array,
  options: ClvOptions,
): Float64Array {
  const months = options.months ?? 12;
  const d = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  const step = options.periodsPerMonth ?? periodsPerMonth(options.unit);
  const n = c.x.length;
  if (spend.length !== n) throw new RangeError('customerLifetimeValue: spend length differs');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rowAt(c, i);
    let previous = 0;
    let value = 0;
    for (let k = 1; k <= months; k++) {
      const cumulative = conditional(m, k * step, row);
      value += (cumulative - previous) / Math.pow(1 + d, k);
      previous = cumulative;
    }
    out[i] = value * (spend[i] as number) * margin;
  }
  return out;
}

export interface HeuristicClvOptions extends ClvOptions {
  /** Months a customer is assumed to keep buying at their past rate. Default: the horizon. */
  lifetimeMonths?: number;
}

export interface HeuristicClv {
  method: 'heuristic';
  /** Says what this number is, for the UI: it is not a model prediction. */
  label: string;
  values: Float64Array;
  /** The spend per purchase each value uses: the customer's own mean order value when given. */
  spend: Float64Array;
  /** Average order value used for customers without a repeat purchase. */
  fallbackOrderValue: number;
}

/**
 * Fallback CLV when the probabilistic models cannot be fitted (too few customers, no repeat
 * purchases, no convergence): average order value × historical purchase rate × margin over an
 * assumed lifetime, discounted monthly. It ignores dropout, so it overstates lapsed customers;
 * the label says so. Rate = all purchases (x + 1) per period of tenure, with tenure counted as at
 * least one month so a customer who just arrived is not extrapolated from a few days. Order value
 * = the customer's own mean order value (`orderValue`, every purchase), else their mean repeat
 * spend, else for customers without a repeat purchase the mean over customers with one.
 */
export function heuristicClv(
  s: SummaryColumns,
  options: HeuristicClvOptions,
  orderValue?: Float64Array,
): HeuristicClv {
  const months = options.months ?? 12;
  const lifetime = Math.min(months, options.lifetimeMonths ?? months);
  const d = options.monthlyDiscountRate ?? 0.01;
  const margin = options.margin ?? 1;
  const step = options.periodsPerMonth ?? periodsPerMonth(options.unit);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < s.x.length; i++) {
    if ((s.x[i] as number) > 0) {
      sum += s.monetary[i] as number;
      count++;
    }
  }
  const fallbackOrderValue = count > 0 ? sum / count : 0;
  // Σₖ 1/(1+d)ᵏ over whole months of the lifetime, plus the discounted part month.
  let annuity = 0;
  for (let k = 1; k <= Math.floor(lifetime); k++) annuity += 1 / Math.pow(1 + d, k);
  const part = lifetime - Math.floor(lifetime);
  if (part > 0) annuity += part / Math.pow(1 + d, Math.ceil(lifetime));
  const values = new Float64Array(s.x.length);
  const spend = new Float64Array(s.x.length);
  for (let i = 0; i < values.length; i++) {
    const x = s.x[i] as number;
    const T = s.T[i] as number;
    const rate = (x + 1) / Math.max(T, step); // purchases per period
    const own = orderValue?.[i];
    const aov =
      own !== undefined && Number.isFinite(own)
        ? own
        : x > 0
          ? (s.monetary[i] as number)
          : fallbackOrderValue;
    spend[i] = aov;
    values[i] = aov * rate * step * margin * annuity;
  }
  return {
    method: 'heuristic',
    spend,
    label:
      `Heuristic CLV: average order value × past purchase rate × margin over ${lifetime} months, ` +
      `discounted ${(100 * d).toFixed(2)}%/month; assumes no customer stops buying.`,
    values,
    fallbackOrderValue,
  };
}

export type ChoiceCriterion = 'bic' | 'aic' | 'logLikelihood';

export interface ModelScore {
  model: PurchaseModel['model'];
  logLikelihood: number;
  parameters: number;
  n: number;
  /** 2k − 2 LL */
  aic: number;
  /** k ln n − 2 LL, with n = customers */
  bic: number;
  converged: boolean;
}

export interface ModelChoice {
  /** The better model, or null when no candidate converged (use `heuristicClv`). */
  chosen: PurchaseModel['model'] | null;
  criterion: ChoiceCriterion;
  scores: ModelScore[];
}

/** What `modelChoice` reads from a fit (a whole `BgNbdFit` or `ParetoNbdFit` will do). */
export type ComparableFit =
  | Pick<BgNbdFit, 'model' | 'params' | 'logLikelihood' | 'n' | 'converged'>
  | Pick<ParetoNbdFit, 'model' | 'params' | 'logLikelihood' | 'n' | 'converged'>
  | Pick<NbdFit, 'model' | 'params' | 'logLikelihood' | 'n' | 'converged'>;

/**
 * Compare fitted purchase models by log-likelihood, AIC and BIC (n = customers) and pick the
 * better by `criterion` (lower BIC by default) among the fits that converged. BG/NBD and
 * Pareto/NBD have four parameters, the NBD two: it wins only when dropout adds too little
 * likelihood to pay for its two parameters. All three figures are reported because the UI shows
 * them.
 */
export function modelChoice(
  fits: ComparableFit[],
  criterion: ChoiceCriterion = 'bic',
): ModelChoice {
  const scores: ModelScore[] = fits.map((f) => {
    const k = Object.keys(f.params).length;
    return {
      model: f.model,
      logLikelihood: f.logLikelihood,
      parameters: k,
      n: f.n,
      aic: 2 * k - 2 * f.logLikelihood,
      bic: k * Math.log(f.n) - 2 * f.logLikelihood,
      converged: f.converged && Number.isFinite(f.logLikelihood),
    };
  });
  const value = (s: ModelScore) =>
    criterion === 'bic' ? s.bic : criterion === 'aic' ? s.aic : -s.logLikelihood;
  let best: ModelScore | null = null;
  for (const s of scores) {
    if (s.converged && (best === null || value(s) < value(best))) best = s;
  }
  return { chosen: best ? best.model : null, criterion, scores };
}
