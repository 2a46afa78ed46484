import type { AnalysisResult, LifecycleResult, LoadedDataset, ValueResult } from '../engine/types';
import type { PipelineSpec } from './pipelineSql';

/**
 * The pipeline's settings from what the app computed: the analysis on screen, and its value and
 * lifecycle results when they belong to the same dataset and as-of date (else the file leaves
 * those steps out rather than mixing analyses).
 */
export function pipelineSpecOf(
  loaded: LoadedDataset,
  result: AnalysisResult,
  value: ValueResult | null,
  lifecycle: LifecycleResult | null,
): PipelineSpec {
  const same = (r: { datasetId: number; asOf: string } | null) =>
    r !== null && r.datasetId === result.datasetId && r.asOf === result.asOf;
  const amount = result.mapping.amount ?? result.mapping.unitPrice;
  return {
    sourceName: loaded.files[0]?.name ?? loaded.fileName,
    encoding: loaded.encoding?.encoding ?? null,
    format: loaded.format,
    columns: loaded.columns.map((c) => c.name),
    mapping: result.mapping,
    dateFamily: result.dateFamily,
    decimal: (amount === null ? undefined : loaded.columns[amount]?.decimal) ?? '.',
    policy: result.quality.policy,
    asOf: result.asOf,
    scheme: result.scheme,
    value:
      value && same(value)
        ? {
            options: value.options,
            method: value.method,
            purchaseModel: value.purchaseModel,
            spendModel: value.spendModel,
            fits: value.fits,
            margin: value.margin.value,
          }
        : null,
    lifecycle: lifecycle && same(lifecycle) ? lifecycle.options.rules : null,
  };
}
