/**
 * The compute worker's jobs: CPU-bound model work on typed arrays the engine handed out, kept off
 * the engine's thread so that the engine answers, pages and exports while a model is fitted. Each
 * job is a computation in steps (src/models/steps.ts): the worker runs it in slices and can stop
 * it between two; a test runs it to the end at once. Pure functions of their inputs.
 */
import type { ClusterFit, ClusterInputs, HoldoutInputs, HoldoutResult } from '../engine/types';
import { fitBgNbdSteps, type BgNbdFit } from '../models/bgnbd';
import { modelChoice, purchaseModelOf } from '../models/clv';
import {
  DEFAULT_FIT_BUDGET,
  valueFitSteps,
  valueFromFitsSteps,
  type CustomerValues,
  type FitBudget,
  type ValueFitOutcome,
  type ValueFitTask,
  type ValueModelOptions,
} from '../models/customerValue';
import { holdoutValidation } from '../models/holdout';
import { chooseKSteps } from '../models/kmeans';
import { fitNbdSteps, type NbdFit } from '../models/nbd';
import { fitParetoNbdSteps, type ParetoNbdFit } from '../models/paretoNbd';
import type { Steps } from '../models/steps';
import { compressRfm, daysPerUnit, type SummaryColumns, type TimeUnit } from '../models/summary';

/** One model fit of the value step; the step runs its fits side by side, one job each. */
export interface ValueFitJob {
  kind: 'valueFit';
  task: ValueFitTask;
  /** Each customer's summary in days. */
  summary: SummaryColumns;
  options: ValueModelOptions;
  budget: FitBudget;
  /**
   * Automation hook for tests: the job first blocks its thread this long without pausing, the
   * worst a model could do (the engine must stay responsive, cancel must still work). Default 0.
   */
  spinMs?: number;
}

/** The value step's predictions from the fits made: the model chosen, every customer's value. */
export interface ValuePredictJob {
  kind: 'valuePredict';
  /** Each customer's summary in days, and mean order value. */
  summary: SummaryColumns;
  orderValue: Float64Array;
  options: ValueModelOptions;
  fits: ValueFitOutcome[];
}

export interface HoldoutJob {
  kind: 'holdout';
  inputs: HoldoutInputs;
  unit: TimeUnit;
  purchaseModel: 'auto' | 'bgnbd' | 'paretonbd';
  budget: FitBudget;
}

export interface KMeansJob {
  kind: 'kmeans';
  inputs: Pick<ClusterInputs, 'matrix' | 'monetary' | 'range'>;
}

export type ComputeJob = ValueFitJob | ValuePredictJob | HoldoutJob | KMeansJob;

/** The holdout check's result without the analysis it belongs to (the caller adds that). */
export type HoldoutFit = Omit<HoldoutResult, 'datasetId'>;

export type JobResult<J extends ComputeJob> = J extends ValueFitJob
  ? ValueFitOutcome
  : J extends ValuePredictJob
    ? CustomerValues
    : J extends HoldoutJob
      ? HoldoutFit
      : J extends KMeansJob
        ? ClusterFit
        : never;

/** Thrown by a job whose data support no model (the caller words it). */
export class NoModel extends Error {}

/** The steps of a job. */
export function jobSteps<J extends ComputeJob>(job: J): Steps<JobResult<J>> {
  switch (job.kind) {
    case 'valueFit':
      return valueFitJobSteps(job) as Steps<JobResult<J>>;
    case 'valuePredict':
      return valueFromFitsSteps(job.summary, job.orderValue, job.options, job.fits) as Steps<
        JobResult<J>
      >;
    case 'holdout':
      return holdoutSteps(job) as Steps<JobResult<J>>;
    case 'kmeans':
      return kmeansSteps(job) as Steps<JobResult<J>>;
  }
  throw new Error('unknown job');
}

function* valueFitJobSteps(job: ValueFitJob): Steps<ValueFitOutcome> {
  yield { task: job.task };
  const until = performance.now() + (job.spinMs ?? 0);
  while (performance.now() < until); // see `spinMs`
  return yield* valueFitSteps(job.task, job.summary, job.options, job.budget);
}

function* holdoutSteps(job: HoldoutJob): Steps<HoldoutFit> {
  const { inputs } = job;
  const scale = 1 / daysPerUnit(job.unit);
  const calibration = {
    x: inputs.calibrationDays.x,
    tx: inputs.calibrationDays.tx.map((v) => v * scale),
    T: inputs.calibrationDays.T.map((v) => v * scale),
  };
  const rows = compressRfm(calibration);
  const fitOptions = { maxIterations: job.budget.maxIterations, budgetMs: job.budget.ms };
  const fits: (BgNbdFit | ParetoNbdFit | NbdFit)[] = [];
  try {
    if (job.purchaseModel !== 'paretonbd') fits.push(yield* fitBgNbdSteps(rows, fitOptions));
    if (job.purchaseModel !== 'bgnbd') fits.push(yield* fitParetoNbdSteps(rows, fitOptions));
    if (job.purchaseModel === 'auto') fits.push(yield* fitNbdSteps(rows, fitOptions));
  } catch (e) {
    throw new NoModel(e instanceof Error ? e.message : String(e));
  }
  const chosen = fits.find((f) => f.model === modelChoice(fits).chosen);
  if (!chosen) throw new NoModel(fits.map((f) => f.message).join('; '));
  const model = purchaseModelOf(chosen);
  yield { task: 'holdout' };
  const validation = holdoutValidation(model, {
    unit: job.unit,
    calibration,
    holdoutActual: inputs.actual,
    holdoutDays: inputs.holdoutDays,
    periods: inputs.periods,
  });
  return {
    split: inputs.split,
    end: inputs.end,
    unit: job.unit,
    model,
    customers: calibration.x.length,
    bins: validation.bins,
    errors: validation.errors,
    tracking: validation.tracking.map((p) => ({
      endOffset: p.endOffset,
      cumulativeActual: p.cumulativeActual,
      cumulativeExpected: p.cumulativeExpected,
    })),
  };
}

function* kmeansSteps(job: KMeansJob): Steps<ClusterFit> {
  const started = performance.now();
  const { matrix, monetary, range } = job.inputs;
  const { k, scores, fit } = yield* chooseKSteps(matrix, {
    kMin: range.kMin,
    kMax: range.kMax,
    fixedK: range.fixedK,
  });
  // Number clusters by mean spend, highest first (ties by the fitted label).
  const spend = new Float64Array(k);
  for (let i = 0; i < matrix.n; i++)
    spend[fit.labels[i] as number] =
      (spend[fit.labels[i] as number] as number) + (monetary[i] as number);
  const order = Array.from({ length: k }, (_, c) => c).sort(
    (a, b) =>
      (spend[b] as number) / (fit.sizes[b] || 1) - (spend[a] as number) / (fit.sizes[a] || 1) ||
      a - b,
  );
  const number = new Int32Array(k);
  order.forEach((c, rank) => (number[c] = rank + 1));
  const d = matrix.d;
  const centroids = new Float64Array(k * d);
  order.forEach((c, rank) => centroids.set(fit.centroids.subarray(c * d, c * d + d), rank * d));
  return {
    k,
    scores,
    cluster: Int32Array.from(fit.labels, (c) => number[c] as number),
    centroids,
    ms: performance.now() - started,
  };
}

export { DEFAULT_FIT_BUDGET };
