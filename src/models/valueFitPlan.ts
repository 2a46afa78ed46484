/**
 * Which fits a value computation makes, decided from the per-customer summary alone: none when the
 * data cannot support a model (and why not), else the purchase models asked for and the spend
 * model when enough customers bought again. Apart from the models so that the page can plan the
 * fits (one compute job each) without loading the models' code.
 */
import type { ModelProblem } from './customerValue';
import type { SummaryColumns } from './summary';
import type { ValueModelOptions } from './valueModelOptions';

/**
 * What a model needs before it is worth fitting. Below these, estimates are noise: a purchase model
 * learns dropout from repeat buyers over time, the spend model from repeat buyers' spend.
 */
export const MODEL_REQUIREMENTS = {
  customers: 50,
  repeatCustomers: 20,
  /** Days between the first purchase seen and the end of the calibration period, at the least. */
  historyDays: 60,
  /**
   * …and at least this many typical gaps between a repeat buyer's purchases: a model (or the
   * heuristic) extrapolating a rate seen over less than that predicts noise, often inflated.
   */
  historyGaps: 4,
} as const;

/** One fit of a value computation; several may run side by side (each in its own worker). */
export type ValueFitTask = 'bgnbd' | 'paretonbd' | 'nbd' | 'gammagamma';

/**
 * The fits these data and settings call for: none when the data cannot support a model (the
 * heuristic says why); the purchase models asked for (with "auto": BG/NBD, Pareto/NBD and the
 * NBD); Gamma-Gamma when enough customers bought again.
 */
export function valueFitTasks(
  summaryDays: SummaryColumns,
  options: ValueModelOptions,
): ValueFitTask[] {
  if (dataProblems(summaryDays).length > 0) return [];
  const tasks: ValueFitTask[] = [];
  if (options.purchaseModel !== 'paretonbd') tasks.push('bgnbd');
  if (options.purchaseModel !== 'bgnbd') tasks.push('paretonbd');
  // Customers who hardly ever leave: both dropout models run off, the NBD (no dropout) holds.
  if (options.purchaseModel === 'auto') tasks.push('nbd');
  if (countRepeat(summaryDays) >= MODEL_REQUIREMENTS.repeatCustomers) tasks.push('gammagamma');
  return tasks;
}

/** What the data lack for any model, in terms the panel words (what is there, what is needed). */
export function dataProblems(days: SummaryColumns): ModelProblem[] {
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
  const needDays = minimumHistoryDays(days);
  if (history < needDays) {
    problems.push({ reason: 'history_too_short', haveDays: history, needDays });
  }
  return problems;
}

/**
 * The history predictions need: `historyDays`, or `historyGaps` × the median gap between a repeat
 * buyer's purchases (tₓ / x, days) when that is longer. Below it no prediction is shown at all.
 */
export function minimumHistoryDays(days: SummaryColumns): number {
  const gaps: number[] = [];
  for (let i = 0; i < days.x.length; i++) {
    const x = days.x[i] as number;
    if (x > 0) gaps.push((days.tx[i] as number) / x);
  }
  if (gaps.length === 0) return MODEL_REQUIREMENTS.historyDays;
  gaps.sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  const median =
    gaps.length % 2 === 1
      ? (gaps[mid] as number)
      : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
  return Math.max(
    MODEL_REQUIREMENTS.historyDays,
    Math.ceil(MODEL_REQUIREMENTS.historyGaps * median),
  );
}

/** Too little history for any prediction: the value step shows none rather than an inflated one. */
export function tooShortToPredict(problems: readonly ModelProblem[]): boolean {
  return problems.some((p) => p.reason === 'history_too_short');
}

/** Customers who bought on more than one day. */
export function countRepeat(s: SummaryColumns): number {
  let repeat = 0;
  for (let i = 0; i < s.x.length; i++) if ((s.x[i] as number) > 0) repeat++;
  return repeat;
}
