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
import { dataProblems, tooShortToPredict, valueFitTasks, type ValueFitTask } from './valueFitPlan';
import { DEFAULT_FIT_BUDGET, type FitBudget, type ValueModelOptions } from './valueModelOptions';

export { MODEL_REQUIREMENTS, valueFitTasks, type ValueFitTask } from './valueFitPlan';
export {
  DEFAULT_FIT_BUDGET,
  DEFAULT_VALUE_MODEL_OPTIONS,
  type FitBudget,
  type ValueModelOptions,
} from './valueModelOptions';
import {
  compressRfm,
  daysPerUnit,
  expandRows,
  type SummaryColumns,
  type TimeUnit,
} from './summary';

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

export type ValueMethod = 'model' | 'heuristic' | 'none';

export interface CustomerValues {
  /**
   * 'model': purchase model (+ spend model or observed spend); 'heuristic': the labelled fallback
   * when no model could be fitted; 'none': too little history for any prediction, so none is made
   * (expected purchases, spend and predicted value are NaN: not known).
   */
  method: ValueMethod;
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

/** A fit task's outcome as plain data: the fit (its report) or why it threw. */
export interface ValueFitOutcome {
  task: ValueFitTask;
  fit: BgNbdFit | ParetoNbdFit | NbdFit | GammaGammaFit | null;
  report: FitReport | null;
  /** Set when the fit threw (an invalid summary): the problem the panel words. */
  problem: ModelProblem | null;
}

/** The summary in the model's time unit (the SQL gives days). */
function inUnit(summaryDays: SummaryColumns, unit: TimeUnit): SummaryColumns {
  const scale = 1 / daysPerUnit(unit);
  return {
    x: summaryDays.x,
    tx: summaryDays.tx.map((v) => v * scale),
    T: summaryDays.T.map((v) => v * scale),
    monetary: summaryDays.monetary,
  };
}

/** One fit task on the summary (in days), bounded by `budget`. */
export function* valueFitSteps(
  task: ValueFitTask,
  summaryDays: SummaryColumns,
  options: ValueModelOptions,
  budget: FitBudget = DEFAULT_FIT_BUDGET,
): Steps<ValueFitOutcome> {
  const fitOptions = { maxIterations: budget.maxIterations, budgetMs: budget.ms };
  const reports: FitReport[] = [];
  const problems: ModelProblem[] = [];
  let fit: ValueFitOutcome['fit'];
  if (task === 'gammagamma') {
    fit = yield* attempt(reports, problems, task, () =>
      fitGammaGammaSteps({ x: summaryDays.x, monetary: summaryDays.monetary }, fitOptions),
    );
  } else {
    const rows = compressRfm(inUnit(summaryDays, options.unit));
    yield;
    if (task === 'bgnbd')
      fit = yield* attempt(reports, problems, task, () => fitBgNbdSteps(rows, fitOptions));
    else if (task === 'paretonbd')
      fit = yield* attempt(reports, problems, task, () => fitParetoNbdSteps(rows, fitOptions));
    else fit = yield* attempt(reports, problems, task, () => fitNbdSteps(rows, fitOptions));
  }
  return { task, fit, report: reports[0] ?? null, problem: problems[0] ?? null };
}

/**
 * `customerValues` as steps: each fit reports its iterations and stops at its budget; the
 * predictions pause every few thousand rows. (The page runs the fits side by side and then
 * `valueFromFitsSteps`; this runs them one after the other — the same computation.)
 */
export function* customerValuesSteps(
  summaryDays: SummaryColumns,
  orderValue: Float64Array,
  options: ValueModelOptions,
  budget: FitBudget = DEFAULT_FIT_BUDGET,
): Steps<CustomerValues> {
  const outcomes: ValueFitOutcome[] = [];
  for (const task of valueFitTasks(summaryDays, options))
    outcomes.push(yield* valueFitSteps(task, summaryDays, options, budget));
  return yield* valueFromFitsSteps(summaryDays, orderValue, options, outcomes);
}

/**
 * Every customer's value from the fits made: the purchase model chosen among those that
 * converged (or the labelled heuristic), its predictions, and Gamma-Gamma's spend when usable.
 */
export function* valueFromFitsSteps(
  summaryDays: SummaryColumns,
  orderValue: Float64Array,
  options: ValueModelOptions,
  outcomes: readonly ValueFitOutcome[],
): Steps<CustomerValues> {
  const n = summaryDays.x.length;
  const summary = inUnit(summaryDays, options.unit);
  const problems = dataProblems(summaryDays);
  const of = (task: ValueFitTask) => outcomes.find((o) => o.task === task);
  const purchaseTasks: ValueFitTask[] = ['bgnbd', 'paretonbd', 'nbd'];
  const fits: FitReport[] = [];
  const candidates: (BgNbdFit | ParetoNbdFit | NbdFit)[] = [];
  for (const task of purchaseTasks) {
    const o = of(task);
    if (!o) continue;
    if (o.report) fits.push(o.report);
    if (o.problem) problems.push(o.problem);
    if (o.fit && o.fit.model !== 'gammagamma') candidates.push(o.fit);
  }
  const choice = candidates.length > 0 ? modelChoice(candidates, options.criterion) : null;
  const chosen = candidates.find((f) => f.model === choice?.chosen);
  const purchaseModel: PurchaseModel | null = chosen ? purchaseModelOf(chosen) : null;
  // Every fit left out for not converging says why, whether or not another model was used
  // (an NBD that converged but lost the choice is not a problem: dropout was found).
  for (const f of candidates) if (!f.converged) problems.push(notUsed(f));
  const frequencySpendCorrelation = repeatCorrelation(summary);
  if (tooShortToPredict(problems)) {
    const unknown = () => new Float64Array(n).fill(Number.NaN);
    return {
      method: 'none',
      purchaseModel: null,
      spendModel: false,
      choice: null,
      fits,
      problems,
      pAlive: null,
      expectedPurchases: unknown(),
      expectedSpend: unknown(),
      predictedValue: unknown(),
      frequencySpendCorrelation,
    };
  }
  if (purchaseModel === null) {
    const fallback = heuristicClv(
      summary,
      {
        unit: options.unit,
        months: options.horizonMonths,
        monthlyDiscountRate: options.monthlyDiscountRate,
        margin: options.margin,
      },
      orderValue,
    );
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
      expectedSpend: fallback.spend,
      predictedValue: fallback.values,
      frequencySpendCorrelation,
    };
  }

  const rows = compressRfm(summary);
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
  const spendFit = of('gammagamma');
  if (spendFit) {
    if (spendFit.report) fits.push(spendFit.report);
    if (spendFit.problem) problems.push(spendFit.problem);
    const gg = spendFit.fit?.model === 'gammagamma' ? spendFit.fit : null;
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
