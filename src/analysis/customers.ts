import { SEGMENT_LABELS } from '../i18n/segmentLabels';
import type { Locale } from '../i18n/locales';
import { segmentColumn } from './reports';
import type { SegmentScheme } from './segments';
import { constantLiteral } from './sql';

/** The export's leading columns, in order; automation relies on this header. */
export const EXPORT_COLUMNS = [
  'customer_id',
  'first_purchase',
  'last_purchase',
  'recency_days',
  'frequency',
  'monetary',
  'avg_order_value',
  'r_score',
  'f_score',
  'm_score',
  'segment',
  'fm_score',
  'segment_key',
] as const;

export const SORTABLE_COLUMNS = [
  'customer_id',
  'recency_days',
  'frequency',
  'monetary',
  'avg_order_value',
  'r_score',
  'f_score',
  'm_score',
] as const;
export type SortColumn = (typeof SORTABLE_COLUMNS)[number];

export interface CustomerPageOptions {
  rfmTable: string;
  scheme: SegmentScheme;
  sort: SortColumn;
  descending: boolean;
}

/**
 * One page of customers. Parameters: $1 segment key (or NULL for all), $2 limit, $3 offset. No
 * subquery or join in the way, so DuckDB keeps only the top rows instead of sorting them all.
 * customer_id breaks ties, so pages never overlap or skip. No total here: a window count would
 * stop DuckDB from keeping only the top rows (the segment sizes already give the total).
 */
export function customerPageSql(o: CustomerPageOptions): string {
  if (!(SORTABLE_COLUMNS as readonly string[]).includes(o.sort))
    throw new Error(`Cannot sort by ${o.sort}`);
  const dir = o.descending ? 'DESC' : 'ASC';
  const segment = segmentColumn(o.scheme);
  return `SELECT customer_id, strftime(first_purchase, '%Y-%m-%d') AS first_purchase,
  strftime(last_purchase, '%Y-%m-%d') AS last_purchase, recency_days, frequency, monetary,
  avg_order_value, r_score, f_score, m_score, fm_score, ${segment} AS segment
FROM ${o.rfmTable}
WHERE CAST($1 AS VARCHAR) IS NULL OR ${segment} = $1
ORDER BY ${o.sort} ${dir}, customer_id
LIMIT $2 OFFSET $3`;
}

function segmentLabelCase(column: string, locale: Locale): string {
  const labels = SEGMENT_LABELS[locale];
  const whens = Object.entries(labels).map(
    ([key, label]) => `WHEN ${constantLiteral(key)} THEN ${constantLiteral(label)}`,
  );
  return `CASE ${column} ${whens.join(' ')} END`;
}

/**
 * COPY statement writing every scored customer to `fileName` as CSV (money rounded to cents). With a
 * customer list loaded (`attrsTable`), its columns follow ours, as named in the analyst's file.
 */
export function customersExportSql(
  rfmTable: string,
  scheme: SegmentScheme,
  locale: Locale,
  fileName: string,
  attrsTable: string | null = null,
  /** `value_<id>` (valueSql.ts) when the customers were valued: adds the value columns. */
  valueTable: string | null = null,
  /** `lcstage_<id>` (lifecycleSql.ts) when stages were computed: adds stage and churn risk. */
  stageTable: string | null = null,
): string {
  const segment = `r.${segmentColumn(scheme)}`;
  const attributes = attrsTable ? ', a.* EXCLUDE (customer_key)' : '';
  const value = valueTable
    ? `,
    round(v.historical_value, 2) AS clv_historical, round(v.current_value, 2) AS value_current,
    round(v.predicted_value, 2) AS clv_predicted, round(v.total_value, 2) AS clv_total,
    round(v.p_alive, 4) AS p_alive, round(v.expected_purchases, 3) AS expected_purchases,
    round(v.expected_spend, 2) AS expected_avg_spend, v.value_tier, v.value_class,
    v.value_quadrant, v.behaviour, v.channel AS acquisition_channel, v.referrer AS referred_by,
    v.referred, round(v.referral_value, 2) AS referral_value, v.referral_class,
    round(v.acquisition_cost, 2) AS acquisition_cost`
    : '';
  const join = [
    attrsTable ? `LEFT JOIN ${attrsTable} a ON a.customer_key = r.customer_id` : '',
    valueTable ? `LEFT JOIN ${valueTable} v ON v.customer_id = r.customer_id` : '',
    stageTable ? `LEFT JOIN ${stageTable} l ON l.customer_id = r.customer_id` : '',
  ].join(' ');
  return `COPY (
  SELECT r.customer_id, r.first_purchase, r.last_purchase, r.recency_days, r.frequency,
    round(r.monetary, 2) AS monetary, round(r.avg_order_value, 2) AS avg_order_value,
    r.r_score, r.f_score, r.m_score, ${segmentLabelCase(segment, locale)} AS segment, r.fm_score,
    ${segment} AS segment_key${value}${
      stageTable ? ', l.stage AS lifecycle_stage, l.phase AS lifecycle_phase, l.churn_risk' : ''
    }${attributes}
  FROM ${rfmTable} r ${join}
  ORDER BY r.monetary DESC, r.customer_id
) TO ${constantLiteral(fileName)} (HEADER, DELIMITER ',', USE_TMP_FILE false)`;
}
