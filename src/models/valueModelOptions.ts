/**
 * The value models' settings and each fit's budget, apart from the models themselves so that the
 * page can name them without loading the models (they run in the compute worker).
 */
import type { ChoiceCriterion } from './clv';
import type { TimeUnit } from './summary';

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

/**
 * What each fit may spend: an iteration limit per start and a wall-clock budget for the whole fit.
 * A fit that reaches either stops and the value step goes on without it.
 */
export interface FitBudget {
  maxIterations: number;
  ms: number;
}

export const DEFAULT_FIT_BUDGET: FitBudget = { maxIterations: 300, ms: 3000 };

export const DEFAULT_VALUE_MODEL_OPTIONS: ValueModelOptions = {
  unit: 'weeks',
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  margin: 1,
  purchaseModel: 'auto',
  criterion: 'bic',
};
