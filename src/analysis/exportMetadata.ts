import type { AnalysisResult, LoadedDataset, ValueResult } from '../engine/types';
import { FIELDS, type Field } from './mapping';
import { qualityMetadata, type QualityMetadata } from './qualityCsv';
import type { SegmentScheme } from './segments';
import type { ValueMethod } from '../models/customerValue';

/** Bump when a key changes meaning, so that scripts reading old files can tell. */
export const EXPORT_METADATA_VERSION = 1;

/**
 * What a customers export was computed from: the files as read, the column mapping, the as-of
 * date and the data-quality counts. Keys, not labels, so that it reads the same whatever the UI
 * language and two exports can be compared by a script.
 */
export interface ExportMetadata {
  valuemap_export_metadata: number;
  customers_file: string;
  created_at: string;
  source: {
    files: { name: string; rows: number; format: string; encoding: string | null }[];
    sheet: string | null;
    customer_list: { name: string; key: string; columns: string[]; customers: number } | null;
  };
  mapping: Partial<Record<Field, string>>;
  dates_read_as: string;
  as_of: string;
  segment_scheme: SegmentScheme;
  summary: {
    rows_valid: number;
    rows_after_as_of: number;
    customers: number;
    orders: number;
    revenue: number;
    first_day: string | null;
    last_day: string | null;
  };
  data_quality: QualityMetadata;
  /** How the value columns were computed; null when the export has none. */
  value: {
    method: ValueMethod;
    purchase_model: string | null;
    spend_model: boolean;
    unit: string;
    horizon_months: number;
    monthly_discount_rate: number;
    margin: number;
    margin_source: 'setting' | 'cost';
    window_days: number;
    /** How the value columns relate, in words, for whoever reads the file later. */
    identity: string;
    fits: { model: string; params: Record<string, number>; log_likelihood: number }[];
  } | null;
}

/**
 * The identity the value columns keep (tested in tests/unit/valueIdentity.test.ts): predicted value is
 * spend × margin × the expected purchases of each month discounted to today, so it lies between
 * margin × expected_purchases × expected_avg_spend discounted over the whole horizon and the same
 * undiscounted.
 */
export const VALUE_IDENTITY: Record<ValueMethod, string> = {
  model:
    'clv_predicted = expected_avg_spend × margin × Σₖ (expected purchases in month k) / (1 + monthly_discount_rate)^k over horizon_months, so margin × expected_purchases × expected_avg_spend / (1 + monthly_discount_rate)^horizon_months ≤ clv_predicted ≤ margin × expected_purchases × expected_avg_spend; clv_total = clv_historical + clv_predicted.',
  heuristic:
    'Heuristic (no model could be fitted): expected_purchases = the customer’s past purchase rate × horizon_months, expected_avg_spend = their mean order value, clv_predicted = expected_avg_spend × margin × the monthly purchases discounted by (1 + monthly_discount_rate)^k, so the same bounds hold as for a model; clv_total = clv_historical + clv_predicted.',
  none: 'No prediction (too short a history): expected_purchases, expected_avg_spend, clv_predicted and p_alive are empty; clv_total = clv_historical.',
};

export function exportMetadata(o: {
  loaded: LoadedDataset;
  result: AnalysisResult;
  scheme: SegmentScheme;
  customersFile: string;
  now: Date;
  /** The value computed for this analysis, when the export carries it. */
  value?: ValueResult | null;
}): ExportMetadata {
  const v = o.value ?? null;
  const { loaded, result } = o;
  const mapping: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const index = result.mapping[field];
    const column = index === null ? undefined : loaded.columns[index];
    if (column) mapping[field] = column.name;
  }
  const list = loaded.attributes;
  const s = result.summary;
  return {
    valuemap_export_metadata: EXPORT_METADATA_VERSION,
    customers_file: o.customersFile,
    created_at: o.now.toISOString(),
    source: {
      files: loaded.files.map((f) => ({
        name: f.name,
        rows: f.rows,
        format: f.format,
        encoding: f.encoding,
      })),
      sheet: loaded.sheet,
      customer_list: list
        ? { name: list.fileName, key: list.key, columns: list.columns, customers: list.customers }
        : null,
    },
    mapping,
    dates_read_as: result.dateFamily,
    as_of: result.asOf,
    segment_scheme: o.scheme,
    summary: {
      rows_valid: s.rowsValid,
      rows_after_as_of: s.rowsAfterAsOf,
      customers: s.customers,
      orders: s.orders,
      revenue: Number(s.revenue.toFixed(2)),
      first_day: s.firstDay,
      last_day: s.lastDay,
    },
    data_quality: qualityMetadata(result.quality),
    value: v && {
      method: v.method,
      purchase_model: v.purchaseModel,
      spend_model: v.spendModel,
      unit: v.options.unit,
      horizon_months: v.options.horizonMonths,
      monthly_discount_rate: v.options.monthlyDiscountRate,
      margin: v.margin.value,
      margin_source: v.margin.source,
      window_days: v.options.windowDays,
      identity: VALUE_IDENTITY[v.method],
      fits: v.fits.map((f) => ({
        model: f.model,
        params: f.params,
        log_likelihood: f.logLikelihood,
      })),
    },
  };
}
