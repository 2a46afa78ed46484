/**
 * The value step across both workers: the engine prepares each customer's summary, the compute
 * worker fits the models and predicts (bounded fits, progress, cancel), the engine writes the
 * predictions back and derives tiers, classes, groups and totals. The engine is free between the
 * two calls, so paging, notebook cells and exports run while the models are fitted.
 */
import { EngineError } from '../engine/errors';
import type { ValueOptions, ValueResult } from '../engine/types';
import { DEFAULT_FIT_BUDGET, DEFAULT_VALUE_MODEL_OPTIONS } from '../models/valueModelOptions';
import type { Ports } from './ports';

export interface ValueStepContext {
  signal: AbortSignal;
  report: Parameters<Ports['compute']>[1]['onProgress'];
  /** Automation hook: the fit first blocks its worker this long (see ValueJob.spinMs). */
  spinMs?: number;
}

export async function valueStep(
  ports: Ports,
  datasetId: number,
  options: ValueOptions,
  context: ValueStepContext,
): Promise<ValueResult> {
  const { signal, report } = context;
  const inputs = await ports.engine('value', 'inputs', [datasetId, options]);
  if (signal.aborted) throw new EngineError('cancelled');
  const fitStarted = performance.now();
  const values = await ports.compute(
    {
      kind: 'value',
      summary: inputs.summary,
      orderValue: inputs.orderValue,
      options: {
        ...DEFAULT_VALUE_MODEL_OPTIONS,
        unit: options.unit,
        horizonMonths: options.horizonMonths,
        monthlyDiscountRate: options.monthlyDiscountRate,
        margin: inputs.margin.value,
        purchaseModel: options.purchaseModel,
      },
      budget: DEFAULT_FIT_BUDGET,
      spinMs: context.spinMs ?? 0,
    },
    { signal, onProgress: report },
  );
  const fitMs = performance.now() - fitStarted;
  if (signal.aborted) throw new EngineError('cancelled');
  const tables = await ports.engine('value', 'finish', [
    datasetId,
    inputs.ticket,
    options,
    {
      pAlive: values.pAlive,
      expectedPurchases: values.expectedPurchases,
      expectedSpend: values.expectedSpend,
      predictedValue: values.predictedValue,
    },
  ]);
  return {
    datasetId,
    asOf: inputs.asOf,
    options,
    method: values.method,
    purchaseModel: values.purchaseModel?.model ?? null,
    spendModel: values.spendModel,
    fits: values.fits,
    scores: values.choice?.scores ?? [],
    problems: values.problems,
    frequencySpendCorrelation: values.frequencySpendCorrelation,
    margin: inputs.margin,
    ...tables,
    fitMs,
  };
}

/** The longest a value job may take before its worker is stopped: every fit's budget, and more. */
export const VALUE_JOB_TIMEOUT_MS = 4 * DEFAULT_FIT_BUDGET.ms + 60_000;
