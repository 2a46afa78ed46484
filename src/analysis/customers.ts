import { SEGMENT_LABELS } from '../i18n/segmentLabels';
import type { Locale } from '../i18n/locales';
import { segmentColumn } from './reports';
import type { SegmentKey, SegmentScheme } from './segments';
import { spreadsheetSafeSql } from './csvText';
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
  /** `sel_<id>`: only the customers the analyst selected on the value map or a linked chart. */
  selTable?: string | null;
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
WHERE (CAST($1 AS VARCHAR) IS NULL OR ${segment} = $1)${o.selTable ? `\n  AND customer_id IN (SELECT customer_id FROM ${o.selTable})` : ''}
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
  /**
   * `playbook_<id>` (playbookSql.ts): the strategy playbook's action text per (kind, key); adds
   * segment_action, and stage_action / tier_action when those columns exist.
   */
  playbookTable: string | null = null,
  /** `cluster_<id>` (workers/segmentation.ts) when the customers were clustered: adds `cluster`. */
  clusterTable: string | null = null,
  /** `sel_<id>` (pointsSql.ts): only the customers selected on the map or drilled into. */
  selectionTable: string | null = null,
  /** Only this segment's customers (a key of `scheme`, checked by the caller). */
  onlySegment: SegmentKey | null = null,
): string {
  const segment = `r.${segmentColumn(scheme)}`;
  // One row per (kind, key) even if the table held duplicates, so no customer is repeated.
  const playbook = (alias: string, kind: string, on: string) =>
    `LEFT JOIN (SELECT key, first(action) AS action FROM ${playbookTable} WHERE kind = ${constantLiteral(kind)} GROUP BY key) ${alias} ON ${alias}.key = ${on}`;
  const actions = playbookTable
    ? `, ps.action AS segment_action${stageTable ? ', pl.action AS stage_action' : ''}${
        valueTable ? ', pt.action AS tier_action' : ''
      }`
    : '';
  const attributes = attrsTable ? ', a.* EXCLUDE (customer_key)' : '';
  // The customer list's columns are text as the analyst's file wrote them: made formula-safe.
  const attributeColumns = 'COLUMNS(* EXCLUDE (customer_key))';
  const safeAttributes = attrsTable
    ? `(SELECT customer_key, ${spreadsheetSafeSql(attributeColumns)} FROM ${attrsTable})`
    : '';
  const value = valueTable
    ? `,
    round(v.historical_value, 2) AS clv_historical, round(v.current_value, 2) AS value_current,
    round(v.predicted_value, 2) AS clv_predicted, round(v.total_value, 2) AS clv_total,
    round(v.p_alive, 4) AS p_alive, round(v.expected_purchases, 3) AS expected_purchases,
    round(v.expected_spend, 2) AS expected_avg_spend, v.value_tier, v.value_class,
    v.value_quadrant, v.behaviour, ${spreadsheetSafeSql('v.channel')} AS acquisition_channel,
    ${spreadsheetSafeSql('v.referrer')} AS referred_by,
    v.referred, round(v.referral_value, 2) AS referral_value, v.referral_class,
    round(v.acquisition_cost, 2) AS acquisition_cost`
    : '';
  const join = [
    attrsTable ? `LEFT JOIN ${safeAttributes} a ON a.customer_key = r.customer_id` : '',
    valueTable ? `LEFT JOIN ${valueTable} v ON v.customer_id = r.customer_id` : '',
    stageTable ? `LEFT JOIN ${stageTable} l ON l.customer_id = r.customer_id` : '',
    playbookTable ? playbook('ps', 'segment', segment) : '',
    playbookTable && stageTable ? playbook('pl', 'stage', 'l.stage') : '',
    playbookTable && valueTable ? playbook('pt', 'tier', 'v.value_tier') : '',
    clusterTable ? `LEFT JOIN ${clusterTable} c ON c.customer_id = r.customer_id` : '',
  ].join(' ');
  return `COPY (
  SELECT ${spreadsheetSafeSql('r.customer_id')} AS customer_id, r.first_purchase, r.last_purchase, r.recency_days, r.frequency,
    round(r.monetary, 2) AS monetary, round(r.avg_order_value, 2) AS avg_order_value,
    r.r_score, r.f_score, r.m_score, ${segmentLabelCase(segment, locale)} AS segment, r.fm_score,
    ${segment} AS segment_key${value}${
      stageTable ? ', l.stage AS lifecycle_stage, l.phase AS lifecycle_phase, l.churn_risk' : ''
    }${clusterTable ? ', c.cluster' : ''}${actions}${attributes}
  FROM ${rfmTable} r ${join}${
    selectionTable
      ? `\n  WHERE r.customer_id IN (SELECT customer_id FROM ${selectionTable})`
      : onlySegment
        ? `\n  WHERE ${segment} = ${constantLiteral(onlySegment)}`
        : ''
  }
  ORDER BY r.monetary DESC, r.customer_id
) TO ${constantLiteral(fileName)} (HEADER, DELIMITER ',', USE_TMP_FILE false)`;
}
