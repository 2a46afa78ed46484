/**
 * The k-means inputs and outputs in SQL: the feature matrix (standardised log R, F, M and chosen
 * numeric attributes), the cluster table built from the labels fitted in the worker, and the
 * profile of each cluster.
 */
import { attributeNumberExpr } from './attributeSql';

/** The RFM features, always first and in this order (the cluster names read them). */
export const RFM_FEATURES = ['recency', 'frequency', 'monetary'] as const;

/**
 * (Re)creates `outTable`: per scored customer `k` (0-based, by customer id), `customer_id`,
 * `monetary`, then `z0…z{d-1}`: z-scores of log1p(recency days), log1p(frequency), signed
 * log1p(monetary) (net spend can be negative), and of each attribute read as a number. A customer
 * without a number for an attribute sits at its mean (z = 0); a constant feature is 0 throughout.
 */
export function clusterFeaturesSql(o: {
  rfmTable: string;
  /** One per numeric attribute: SQL giving `customer_id`, `v` (see customerAttributeSql). */
  attributeSqls: string[];
  outTable: string;
}): string {
  const withs = o.attributeSqls.map((sql, i) => `a${i} AS (${sql})`);
  const raw = [
    'ln(1 + greatest(r.recency_days, 0))',
    'ln(1 + r.frequency)',
    'sign(r.monetary) * ln(1 + abs(r.monetary))',
    ...o.attributeSqls.map((_, i) => attributeNumberExpr(`a${i}.v`)),
  ];
  const joins = o.attributeSqls.map((_, i) => `LEFT JOIN a${i} USING (customer_id)`).join(' ');
  const stats = raw.map((_, i) => `avg(f${i}) AS m${i}, stddev_pop(f${i}) AS s${i}`).join(', ');
  const z = raw
    .map((_, i) => `coalesce((f${i} - m${i}) / nullif(s${i}, 0), 0) AS z${i}`)
    .join(',\n  ');
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH ${[...withs, ''].join(',\n')}base AS (
  SELECT r.customer_id, CAST(r.monetary AS DOUBLE) AS monetary,
    ${raw.map((e, i) => `CAST(${e} AS DOUBLE) AS f${i}`).join(',\n    ')}
  FROM ${o.rfmTable} r ${joins}
),
stats AS (SELECT ${stats} FROM base)
SELECT CAST(row_number() OVER (ORDER BY customer_id) - 1 AS INTEGER) AS k, customer_id, monetary,
  ${z}
FROM base, stats
ORDER BY k`;
}

/** (Re)creates the cluster table (`customer_id`, `cluster`) from the features and the labels by `k`. */
export function clusterTableSql(o: {
  featuresTable: string;
  labelsTable: string;
  outTable: string;
}): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT f.customer_id, CAST(l.cluster AS INTEGER) AS cluster
FROM ${o.featuresTable} f JOIN ${o.labelsTable} l USING (k)
ORDER BY f.customer_id`;
}

/**
 * Per cluster: customers and share, revenue and share, historical and total value (with the value
 * table), means of recency, frequency, monetary, R/F/M scores, and of each numeric attribute
 * (`attr0…`, over the customers who have a number).
 */
export function clusterProfileSql(o: {
  clusterTable: string;
  rfmTable: string;
  valueTable: string | null;
  attributeSqls: string[];
}): string {
  const withs = o.attributeSqls.length
    ? `WITH ${o.attributeSqls.map((sql, i) => `a${i} AS (${sql})`).join(',\n')}\n`
    : '';
  const joins = [
    `JOIN ${o.rfmTable} r USING (customer_id)`,
    ...(o.valueTable ? [`LEFT JOIN ${o.valueTable} v USING (customer_id)`] : []),
    ...o.attributeSqls.map((_, i) => `LEFT JOIN a${i} USING (customer_id)`),
  ].join(' ');
  const value = o.valueTable
    ? 'CAST(sum(v.historical_value) AS DOUBLE) AS historical_value, CAST(sum(v.total_value) AS DOUBLE) AS total_value, sum(v.total_value) / nullif(sum(sum(v.total_value)) OVER (), 0) AS value_share,'
    : 'CAST(NULL AS DOUBLE) AS historical_value, CAST(NULL AS DOUBLE) AS total_value, CAST(NULL AS DOUBLE) AS value_share,';
  const attrs = o.attributeSqls.map(
    (_, i) => `, avg(${attributeNumberExpr(`a${i}.v`)}) AS attr${i}`,
  );
  return `${withs}SELECT c.cluster,
  count(*)::INTEGER AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  CAST(sum(r.monetary) AS DOUBLE) AS revenue,
  sum(r.monetary) / nullif(sum(sum(r.monetary)) OVER (), 0) AS revenue_share,
  ${value}
  avg(r.recency_days) AS mean_recency_days,
  avg(r.frequency) AS mean_frequency,
  avg(r.monetary) AS mean_monetary,
  avg(r.r_score) AS mean_r,
  avg(r.f_score) AS mean_f,
  avg(r.m_score) AS mean_m${attrs.join('')}
FROM ${o.clusterTable} c ${joins}
GROUP BY c.cluster
ORDER BY c.cluster`;
}
