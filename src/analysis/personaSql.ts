/**
 * Persona cards (客户画像): one per segment, cluster or attribute group, described by size, value,
 * typical (median) R/F/M, the dominant value of each attribute, the products most of them buy and
 * their activity over the last months. Every builder takes the membership as SQL giving
 * `customer_id`, `persona` (VARCHAR).
 */
import { columnRef } from './sql';
import type { SegmentScheme } from './segments';

export function segmentKeysSql(rfmTable: string, scheme: SegmentScheme): string {
  if (scheme !== 'rfm11' && scheme !== 'cn8') throw new Error(`Unknown scheme ${String(scheme)}`);
  return `SELECT customer_id, segment_${scheme} AS persona FROM ${rfmTable}`;
}

export function clusterKeysSql(clusterTable: string): string {
  return `SELECT customer_id, CAST(cluster AS VARCHAR) AS persona FROM ${clusterTable}`;
}

/** Attribute groups as personas: the key is the group's display order (see attributeGroupsSql). */
export function groupKeysSql(groupsSql: string): string {
  return `SELECT customer_id, CAST(grp_order AS VARCHAR) AS persona FROM (${groupsSql})`;
}

/**
 * Per persona: customers and share, revenue and share, total value and share (with the value
 * table), and the median recency, frequency, spend and order value.
 */
export function personaSummarySql(o: {
  keysSql: string;
  rfmTable: string;
  valueTable: string | null;
}): string {
  const value = o.valueTable
    ? `v.total_value FROM k JOIN ${o.rfmTable} r USING (customer_id) LEFT JOIN ${o.valueTable} v USING (customer_id)`
    : `CAST(NULL AS DOUBLE) AS total_value FROM k JOIN ${o.rfmTable} r USING (customer_id)`;
  return `WITH k AS (${o.keysSql}),
j AS (
  SELECT k.persona, r.recency_days, r.frequency, r.monetary, r.avg_order_value, ${value}
)
SELECT persona,
  count(*)::INTEGER AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  CAST(sum(monetary) AS DOUBLE) AS revenue,
  sum(monetary) / nullif(sum(sum(monetary)) OVER (), 0) AS revenue_share,
  CAST(sum(total_value) AS DOUBLE) AS total_value,
  sum(total_value) / nullif(sum(sum(total_value)) OVER (), 0) AS value_share,
  CAST(median(recency_days) AS DOUBLE) AS median_recency_days,
  CAST(median(frequency) AS DOUBLE) AS median_frequency,
  CAST(median(monetary) AS DOUBLE) AS median_monetary,
  CAST(median(avg_order_value) AS DOUBLE) AS median_order_value
FROM j
GROUP BY persona
ORDER BY persona`;
}

/**
 * Per persona, the largest group of one attribute (values and bands; "other" and "missing" are
 * never dominant), its share of the persona's customers and of all customers (`overall_share`).
 */
export function personaDominantSql(o: { keysSql: string; groupsSql: string }): string {
  return `WITH k AS (${o.keysSql}),
g AS (${o.groupsSql}),
counts AS (
  SELECT k.persona, g.grp_order, g.grp_kind, g.grp, count(*) AS n, min(g.x) AS lo, max(g.x) AS hi
  FROM k JOIN g USING (customer_id)
  GROUP BY k.persona, g.grp_order, g.grp_kind, g.grp
),
shares AS (SELECT *, n / sum(n) OVER (PARTITION BY persona) AS share FROM counts),
overall AS (
  SELECT grp_order, count(*) / sum(count(*)) OVER () AS overall_share FROM g GROUP BY grp_order
)
SELECT s.persona, s.grp_order, s.grp_kind, s.grp, s.n::INTEGER AS customers, s.share,
  o.overall_share, s.lo, s.hi
FROM shares s JOIN overall o USING (grp_order)
WHERE s.grp_kind IN ('value', 'band')
QUALIFY row_number() OVER (PARTITION BY s.persona ORDER BY s.n DESC, s.grp_order) = 1
ORDER BY s.persona`;
}

/**
 * Per persona, the `top` products bought by most of its customers (before the as-of date, rows
 * used): product text, buyers and their share of the persona, revenue.
 */
export function personaProductsSql(o: {
  keysSql: string;
  txTable: string;
  rawTable: string;
  paramsTable: string;
  productColumn: number;
  top: number;
}): string {
  if (!Number.isInteger(o.top) || o.top < 1) throw new Error(`Invalid top ${o.top}`);
  return `WITH k AS (${o.keysSql}),
sizes AS (SELECT persona, count(*) AS size FROM k GROUP BY persona),
params AS (SELECT as_of FROM ${o.paramsTable}),
lines AS (
  SELECT t.customer_id, t.amount, p.product
  FROM ${o.txTable} t
  JOIN (SELECT rowid + 1 AS source_row, NULLIF(trim(CAST(${columnRef(o.productColumn)} AS VARCHAR)), '') AS product FROM ${o.rawTable}) p USING (source_row), params
  WHERE t.excluded_reason IS NULL AND t.day < params.as_of
),
agg AS (
  SELECT k.persona, l.product, count(DISTINCT l.customer_id) AS buyers,
    CAST(sum(l.amount) AS DOUBLE) AS revenue
  FROM lines l JOIN k USING (customer_id)
  WHERE l.product IS NOT NULL
  GROUP BY k.persona, l.product
)
SELECT a.persona, a.product, a.buyers::INTEGER AS buyers, a.buyers / s.size AS buyer_share, a.revenue
FROM agg a JOIN sizes s USING (persona)
QUALIFY row_number() OVER (PARTITION BY a.persona ORDER BY a.buyers DESC, a.revenue DESC, a.product) <= ${o.top}
ORDER BY a.persona, a.buyers DESC, a.revenue DESC, a.product`;
}

/**
 * Per persona and calendar month of the last `months` months up to the as-of date (the month of
 * the day before it last, possibly partial): active customers and revenue, zero-filled.
 */
export function personaTrendSql(o: {
  keysSql: string;
  txTable: string;
  paramsTable: string;
  months: number;
}): string {
  if (!Number.isInteger(o.months) || o.months < 1 || o.months > 36)
    throw new Error(`Invalid months ${o.months}`);
  return `WITH k AS (${o.keysSql}),
params AS (SELECT as_of, CAST(date_trunc('month', as_of - 1) AS DATE) AS last_month FROM ${o.paramsTable}),
months AS (
  SELECT CAST(p.last_month - to_months(CAST(i.range AS INTEGER)) AS DATE) AS month
  FROM params p, range(${o.months}) i
),
activity AS (
  SELECT k.persona, CAST(date_trunc('month', t.day) AS DATE) AS month,
    count(DISTINCT t.customer_id) AS customers, CAST(sum(t.amount) AS DOUBLE) AS revenue
  FROM ${o.txTable} t JOIN k USING (customer_id), params
  WHERE t.excluded_reason IS NULL AND t.day < params.as_of
    AND t.day >= (SELECT min(month) FROM months)
  GROUP BY k.persona, month
)
SELECT p.persona, strftime(m.month, '%Y-%m') AS month,
  coalesce(a.customers, 0)::INTEGER AS customers, coalesce(a.revenue, 0) AS revenue
FROM (SELECT DISTINCT persona FROM k) p CROSS JOIN months m
LEFT JOIN activity a ON a.persona = p.persona AND a.month = m.month
ORDER BY p.persona, m.month`;
}
