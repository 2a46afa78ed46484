/**
 * k-means clustering across both workers: the engine standardises the features, the compute
 * worker chooses k and fits, the engine stores each customer's cluster and profiles the clusters.
 */
import { EngineError } from '../engine/errors';
import type { ClusterOptions, ClusterResult } from '../engine/types';
import type { Ports } from './ports';

export async function clusterStep(
  ports: Ports,
  datasetId: number,
  options: ClusterOptions,
  context: { signal: AbortSignal; report: Parameters<Ports['compute']>[1]['onProgress'] },
): Promise<ClusterResult> {
  const inputs = await ports.engine('segmentation', 'clusterInputs', [datasetId, options]);
  if (context.signal.aborted) throw new EngineError('cancelled');
  const { ticket, attributes } = inputs;
  const fit = await ports.compute(
    {
      kind: 'kmeans',
      inputs: { matrix: inputs.matrix, monetary: inputs.monetary, range: inputs.range },
    },
    { signal: context.signal, onProgress: context.report },
  );
  if (context.signal.aborted) throw new EngineError('cancelled');
  return ports.engine('segmentation', 'clusterFinish', [
    datasetId,
    { ticket, attributes, k: options.k },
    fit,
  ]);
}
