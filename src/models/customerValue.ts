/**
 * From the per-customer summary to every customer's predicted value: fit both purchase models and
 * the spend model, choose, predict, or fall back to the labelled heuristic when the data cannot
 * support a model. Pure; runs in the worker.
 */
import { fitBgNbdSteps, type BgNbdFit } from './bgnbd';
import {
  heuristicClv,
  modelChoice,
  periodsPerMonth,
  predictionsSteps,
  purchaseModelOf,
  type ModelChoice,
  type PurchaseModel,
} from './clv';
import {
  fitGammaGammaSteps,
  gammaGammaExpectedSpendColumns,
  type GammaGammaFit,
} from './gammaGamma';
import type { FitStop } from './mle';
import { fitNbdSteps, type NbdFit } from './nbd';
import { fitParetoNbdSteps, type ParetoNbdFit } from './paretoNbd';
import { runToEnd, type Steps } from './steps';
import { DEFAULT_FIT_BUDGET, type FitBudget, type ValueModelOptions } from './valueModelOptions';

export {
  DEFAULT_FIT_BUDGET,
  DEFAULT_VALUE_MODEL_OPTIONS,
  type FitBudget,
  type ValueModelOptions,
} from './valueModelOptions';
import { compressRfm, daysPerUnit, expandRows, type SummaryColumns } from './summary';

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
  | {
      reason: 'no_convergence';
      model: FitReport['model'];
      /** Why the fit was not used; null when it threw (the message says what happened). */
      stop: FitStop | null;
      /** The parameter that ran to 0 or ∞ (stop.kind 'bound'), by name. */
      param: string | null;
      message: string;
    };

/** A fit as plain data for the UI: parameters with standard errors, and fit statistics. */
export interface FitReport {
  model: 'bgnbd' | 'paretonbd' | 'nbd' | 'gammagamma';
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  logLikelihood: number;
  n: number;
  converged: boolean;
  stop: FitStop;
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
  budget: FitBudget = DEFAULT_FIT_BUDGET,
): CustomerValues {
  return runToEnd(customerValuesSteps(summaryDays, orderValue, options, budget));
}

/**
 * `customerValues` as steps: each fit reports its iterations and stops at its budget; the
 * predictions pause every few thousand rows.
 */
export function* customerValuesSteps(
  summaryDays: SummaryColumns,
  orderValue: Float64Array,
  options: ValueModelOptions,
  budget: FitBudget = DEFAULT_FIT_BUDGET,
): Steps<CustomerValues> {
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
  const fitOptions = { maxIterations: budget.maxIterations, budgetMs: budget.ms };
  let purchaseModel: PurchaseModel | null = null;
  let choice: ModelChoice | null = null;
  const rows = compressRfm(summary);
  yield;
  if (problems.length === 0) {
    const candidates: (BgNbdFit | ParetoNbdFit | NbdFit)[] = [];
    if (options.purchaseModel !== 'paretonbd') {
      const fit = yield* attempt(fits, problems, 'bgnbd', () => fitBgNbdSteps(rows, fitOptions));
      if (fit) candidates.push(fit);
    }
    if (options.purchaseModel !== 'bgnbd') {
      const fit = yield* attempt(fits, problems, 'paretonbd', () =>
        fitParetoNbdSteps(rows, fitOptions),
      );
      if (fit) candidates.push(fit);
    }
    // Customers who hardly ever leave: both dropout models run off, the NBD (no dropout) holds.
    if (options.purchaseModel === 'auto') {
      const fit = yield* attempt(fits, problems, 'nbd', () => fitNbdSteps(rows, fitOptions));
      if (fit) candidates.push(fit);
    }
    choice = modelChoice(candidates, options.criterion);
    const chosen = candidates.find((f) => f.model === choice?.chosen);
    if (chosen) purchaseModel = purchaseModelOf(chosen);
    // Every fit left out for not converging says why, whether or not another model was used
    // (an NBD that converged but lost the choice is not a problem: dropout was found).
    for (const f of candidates) if (!f.converged) problems.push(notUsed(f));
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

  const horizon = (options.horizonMonths * 365.25) / 12 / daysPerUnit(options.unit);
  // CLV is spend × discounted expected purchases: the discounted sum depends on (x, tₓ, T) only.
  const predicted = yield* predictionsSteps(purchaseModel, rows, {
    horizon,
    unit: options.unit,
    months: options.horizonMonths,
    monthlyDiscountRate: options.monthlyDiscountRate,
  });
  const pAlive = expandRows(predicted.pAlive, rows.rowOf);
  const purchases = expandRows(predicted.purchases, rows.rowOf);
  const discountedPurchases = expandRows(predicted.discountedPurchases, rows.rowOf);
  let spend = orderValue;
  let spendModel = false;
  const repeaters = countRepeat(summary);
  if (repeaters >= MODEL_REQUIREMENTS.repeatCustomers) {
    const gg = yield* attempt(fits, problems, 'gammagamma', () =>
      fitGammaGammaSteps({ x: summary.x, monetary: summary.monetary }, fitOptions),
    );
    if (gg && gg.converged && gg.params.q > 1) {
      spend = gammaGammaExpectedSpendColumns(gg.params, summary.x, summary.monetary);
      // x = 0: the population mean says nothing of this customer; their one order says a little.
      for (let i = 0; i < n; i++)
        if ((summary.x[i] as number) === 0) spend[i] = orderValue[i] as number;
      spendModel = true;
    } else if (gg) {
      problems.push(
        gg.converged
          ? {
              reason: 'no_convergence',
              model: 'gammagamma',
              stop: gg.stop,
              param: 'q',
              message: 'q ≤ 1: mean spend undefined',
            }
          : notUsed(gg),
      );
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

/** A fit that did not converge, as the problem the panel words (which parameter, and why). */
function notUsed(f: BgNbdFit | ParetoNbdFit | NbdFit | GammaGammaFit): ModelProblem {
  const names = Object.keys(f.params);
  return {
    reason: 'no_convergence',
    model: f.model,
    stop: f.stop,
    param: f.stop.kind === 'bound' ? (names[f.stop.param] ?? null) : null,
    message: f.message,
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
function* attempt<F extends BgNbdFit | ParetoNbdFit | NbdFit | GammaGammaFit>(
  reports: FitReport[],
  problems: ModelProblem[],
  model: F['model'],
  fit: () => Steps<F>,
): Steps<F | null> {
  const started = performance.now();
  let result: F;
  try {
    result = yield* fit();
  } catch (e) {
    problems.push({
      reason: 'no_convergence',
      model,
      stop: null,
      param: null,
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
    stop: result.stop,
    iterations: result.iterations,
    message: result.message,
    ms: performance.now() - started,
  });
  return result;
}
