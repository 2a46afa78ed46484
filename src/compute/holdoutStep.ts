/**
 * The calibration/holdout check across both workers: the engine splits each customer's history at
 * the split date, the compute worker fits the purchase model on the first part and compares its
 * predictions with the second.
 */
import { EngineError } from '../engine/errors';
import type { HoldoutOptions, HoldoutResult } from '../engine/types';
import { DEFAULT_FIT_BUDGET } from '../models/valueModelOptions';
import type { Ports } from './ports';

export async function holdoutStep(
  ports: Ports,
  datasetId: number,
  options: HoldoutOptions,
  context: { signal: AbortSignal; report: Parameters<Ports['compute']>[1]['onProgress'] },
): Promise<HoldoutResult> {
  const inputs = await ports.engine('holdout', 'inputs', [datasetId, options]);
  if (context.signal.aborted) throw new EngineError('cancelled');
  const fit = await ports.compute(
    {
      kind: 'holdout',
      inputs,
      unit: options.unit,
      purchaseModel: options.purchaseModel,
      budget: DEFAULT_FIT_BUDGET,
    },
    { signal: context.signal, onProgress: context.report },
  );
  return { datasetId, ...fit };
}
