/**
 * From the per-customer summary to every customer's predicted value: fit both purchase models and
 * the spend model, choose, predict, or fall back to the labelled heuristic when the data cannot
 * support a model. Pure; runs in the worker.
 */
import { fitBgNbd, type BgNbdFit } from './bgnbd';
import {
  customerLifetimeValue,
  expectedPurchases,
  heuristicClv,
  modelChoice,
  periodsPerMonth,
  probabilityAlive,
  type ChoiceCriterion,
  type ModelChoice,
  type PurchaseModel,
} from './clv';
import { fitGammaGamma, gammaGammaExpectedSpendColumns, type GammaGammaFit } from './gammaGamma';
import { fitParetoNbd, type ParetoNbdFit } from './paretoNbd';
import {
  compressRfm,
  daysPerUnit,
  expandRows,
  type SummaryColumns,
  type TimeUnit,
} from './summary';

export interface ValueModelOptions {
  /** Model time unit; the summary comes in days. */
  unit: TimeUnit;
  /** Horizon of the predicted value, in months. */
  horizonMonths: number;
  monthlyDiscountRate: number;
  /** Share of revenue that is profit (1 = value in revenue). */
  margin: number;
  /** 'auto' picks the better of BG/NBD and Pareto/NBD by `criterion`. */
  purchaseModel: 'auto' | 'bgnbd' | 'paretonbd';
  criterion: ChoiceCriterion;
}

export const DEFAULT_VALUE_MODEL_OPTIONS: ValueModelOptions = {
  unit: 'weeks',
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  margin: 1,
  purchaseModel: 'auto',
  criterion: 'bic',
};

/**
 * What a model needs before it is worth fitting. Below these, estimates are noise: a purchase model
 * learns dropout from repeat buyers over time, the spend model from repeat buyers' spend.
 */
export const MODEL_REQUIREMENTS = {
  customers: 50,
  repeatCustomers: 20,
  /** Days between the first purchase seen and the end of the calibration period. */
  historyDays: 60,
} as const;

/** Why a model was not used, in terms the UI can word: what is there and what is needed. */
export type ModelProblem =
  | { reason: 'too_few_customers'; have: number; need: number }
  | { reason: 'too_few_repeat_customers'; have: number; need: number }
  | { reason: 'history_too_short'; haveDays: number; needDays: number }
  | { reason: 'no_convergence'; model: 'bgnbd' | 'paretonbd' | 'gammagamma'; message: string };

/** A fit as plain data for the UI: parameters with standard errors, and fit statistics. */
export interface FitReport {
  model: 'bgnbd' | 'paretonbd' | 'gammagamma';
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  logLikelihood: number;
  n: number;
  converged: boolean;
  iterations: number;
  message: string;
  ms: number;
}

export interface CustomerValues {
  /** 'model': purchase model (+ spend model or observed spend); 'heuristic': the fallback. */
  method: 'model' | 'heuristic';
  purchaseModel: PurchaseModel | null;
  /** Gamma-Gamma used for expected spend; false = each customer's observed mean order value. */
  spendModel: boolean;
  choice: ModelChoice | null;
  fits: FitReport[];
  problems: ModelProblem[];
  /** Per customer, in the order of the summary. P(alive) is null under the heuristic. */
  pAlive: Float64Array | null;
  expectedPurchases: Float64Array;
  expectedSpend: Float64Array;
  /** Discounted predicted value over the horizon (× margin). */
  predictedValue: Float64Array;
  /** Correlation of frequency and mean repeat spend: Gamma-Gamma assumes they are independent. */
  frequencySpendCorrelation: number | null;
}

/** `summary` in days (as SQL gives it); `orderValue`: each customer's mean order value. */
export function customerValues(
  summaryDays: SummaryColumns,
  orderValue: Float64Array,
  options: ValueModelOptions,
): CustomerValues {
  const n = summaryDays.x.length;
  const scale = 1 / daysPerUnit(options.unit);
  const summary: SummaryColumns = {
    x: summaryDays.x,
    tx: summaryDays.tx.map((v) => v * scale),
    T: summaryDays.T.map((v) => v * scale),
    monetary: summaryDays.monetary,
  };
  const problems = dataProblems(summaryDays);
  const fits: FitReport[] = [];
  let purchaseModel: PurchaseModel | null = null;
  let choice: ModelChoice | null = null;
  if (problems.length === 0) {
    const rows = compressRfm(summary);
    const candidates: (BgNbdFit | ParetoNbdFit)[] = [];
    if (options.purchaseModel !== 'paretonbd') {
      const fit = attempt(fits, problems, 'bgnbd', () => fitBgNbd(rows));
      if (fit) candidates.push(fit);
    }
    if (options.purchaseModel !== 'bgnbd') {
      const fit = attempt(fits, problems, 'paretonbd', () => fitParetoNbd(rows));
      if (fit) candidates.push(fit);
    }
    choice = modelChoice(candidates, options.criterion);
    const chosen = candidates.find((f) => f.model === choice?.chosen);
    if (chosen) {
      purchaseModel =
        chosen.model === 'bgnbd'
          ? { model: 'bgnbd', params: chosen.params }
          : { model: 'paretonbd', params: chosen.params };
    } else {
      for (const f of candidates)
        problems.push({ reason: 'no_convergence', model: f.model, message: f.message });
    }
  }
  const frequencySpendCorrelation = repeatCorrelation(summary);
  if (purchaseModel === null) {
    const fallback = heuristicClv(summary, {
      unit: options.unit,
      months: options.horizonMonths,
      monthlyDiscountRate: options.monthlyDiscountRate,
      margin: options.margin,
    });
    const month = periodsPerMonth(options.unit);
    const horizon = options.horizonMonths * month;
    return {
      method: 'heuristic',
      purchaseModel: null,
      spendModel: false,
      choice,
      fits,
      problems,
      pAlive: null,
      // The heuristic's own assumption: each customer keeps their past rate (tenure ≥ one month).
      expectedPurchases: summary.x.map(
        (x, i) => ((x + 1) / Math.max(summary.T[i] as number, month)) * horizon,
      ),
      expectedSpend: orderValue,
      predictedValue: fallback.values,
      frequencySpendCorrelation,
    };
  }

  const rows = compressRfm(summary);
  const horizon = (options.horizonMonths * 365.25) / 12 / daysPerUnit(options.unit);
  const pAlive = expandRows(probabilityAlive(purchaseModel, rows), rows.rowOf);
  const purchases = expandRows(expectedPurchases(purchaseModel, horizon, rows), rows.rowOf);
  // CLV is spend × discounted expected purchases: the discounted sum depends on (x, tₓ, T) only.
  const discountedPurchases = expandRows(
    customerLifetimeValue(purchaseModel, rows, new Float64Array(rows.x.length).fill(1), {
      unit: options.unit,
      months: options.horizonMonths,
      monthlyDiscountRate: options.monthlyDiscountRate,
    }),
    rows.rowOf,
  );
  let spend = orderValue;
  let spendModel = false;
  const repeaters = countRepeat(summary);
  if (repeaters >= MODEL_REQUIREMENTS.repeatCustomers) {
    const gg = attempt(fits, problems, 'gammagamma', () =>
      fitGammaGamma({ x: summary.x, monetary: summary.monetary }),
    );
    if (gg && gg.converged && gg.params.q > 1) {
      spend = gammaGammaExpectedSpendColumns(gg.params, summary.x, summary.monetary);
      // x = 0: the population mean says nothing of this customer; their one order says a little.
      for (let i = 0; i < n; i++)
        if ((summary.x[i] as number) === 0) spend[i] = orderValue[i] as number;
      spendModel = true;
    } else if (gg) {
      problems.push({
        reason: 'no_convergence',
        model: 'gammagamma',
        message: gg.converged ? 'q ≤ 1: mean spend undefined' : gg.message,
      });
    }
  }
  const predictedValue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    predictedValue[i] = (discountedPurchases[i] as number) * (spend[i] as number) * options.margin;
  }
  return {
    method: 'model',
    purchaseModel,
    spendModel,
    choice,
    fits,
    problems,
    pAlive,
    expectedPurchases: purchases,
    expectedSpend: spend,
    predictedValue,
    frequencySpendCorrelation,
  };
}

function dataProblems(days: SummaryColumns): ModelProblem[] {
  const problems: ModelProblem[] = [];
  const n = days.x.length;
  const need = MODEL_REQUIREMENTS;
  if (n < need.customers) {
    problems.push({ reason: 'too_few_customers', have: n, need: need.customers });
  }
  const repeat = countRepeat(days);
  if (repeat < need.repeatCustomers) {
    problems.push({ reason: 'too_few_repeat_customers', have: repeat, need: need.repeatCustomers });
  }
  let history = 0;
  for (let i = 0; i < n; i++) history = Math.max(history, days.T[i] as number);
  if (history < need.historyDays) {
    problems.push({ reason: 'history_too_short', haveDays: history, needDays: need.historyDays });
  }
  return problems;
}

function countRepeat(s: SummaryColumns): number {
  let repeat = 0;
  for (let i = 0; i < s.x.length; i++) if ((s.x[i] as number) > 0) repeat++;
  return repeat;
}

/** Pearson correlation of x and mean repeat spend over repeat customers; null below 3 of them. */
function repeatCorrelation(s: SummaryColumns): number | null {
  let n = 0;
  let sx = 0;
  let sm = 0;
  let sxx = 0;
  let smm = 0;
  let sxm = 0;
  for (let i = 0; i < s.x.length; i++) {
    const x = s.x[i] as number;
    if (x <= 0) continue;
    const m = s.monetary[i] as number;
    n++;
    sx += x;
    sm += m;
    sxx += x * x;
    smm += m * m;
    sxm += x * m;
  }
  if (n < 3) return null;
  const cov = sxm - (sx * sm) / n;
  const vx = sxx - (sx * sx) / n;
  const vm = smm - (sm * sm) / n;
  return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : null;
}

/** Runs a fit, records it, and turns a fit that throws into a problem instead of a failure. */
function attempt<F extends BgNbdFit | ParetoNbdFit | GammaGammaFit>(
  reports: FitReport[],
  problems: ModelProblem[],
  model: F['model'],
  fit: () => F,
): F | null {
  const started = performance.now();
  let result: F;
  try {
    result = fit();
  } catch (e) {
    problems.push({
      reason: 'no_convergence',
      model,
      message: e instanceof Error ? e.message : String(e),
    });
    return null;
  }
  reports.push({
    model: result.model,
    params: { ...result.params },
    standardErrors: { ...result.standardErrors },
    logLikelihood: result.logLikelihood,
    n: result.n,
    converged: result.converged,
    iterations: result.iterations,
    message: result.message,
    ms: performance.now() - started,
  });
  return result;
}
