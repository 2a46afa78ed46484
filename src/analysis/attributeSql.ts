/**
 * Customers grouped by one attribute (city, age band, channel…): the facts that classify a column,
 * one group per customer (values, age bands or quantile bands; the 12 largest values and "other"),
 * value and RFM per group, and the segment × group cross-tab. Each builder takes the attribute as
 * SQL giving one row per customer (`customer_id`, `v`: see customerAttributeSql), so user values
 * never enter SQL text.
 */
import { parseAmountExpr } from '../ingest/amounts';
import type { Binning } from './attributeKinds';
import type { SegmentScheme } from './segments';

/** Groups shown for a text attribute; the rest are summed as "other". */
export const TOP_GROUPS = 12;

/** Age bands: [lo, hi) in years; the keys are message suffixes. */
export const AGE_BANDS = [
  { key: 'lt25', lo: null, hi: 25 },
  { key: '25_34', lo: 25, hi: 35 },
  { key: '35_44', lo: 35, hi: 45 },
  { key: '45_54', lo: 45, hi: 55 },
  { key: '55_plus', lo: 55, hi: null },
] as const;

/** Quantile bands of a numeric attribute (income): quartiles. */
export const QUANTILE_BANDS = 4;

/** How a group came about: a value, a band of numbers, the values beyond the top, or none. */
export type GroupKind = 'value' | 'band' | 'other' | 'missing';

/** A number read from the attribute text (thousands marks, currency signs and 元 allowed). */
export function attributeNumberExpr(v: string): string {
  return `CAST(${parseAmountExpr(v, '.')} AS DOUBLE)`;
}

function checkedScheme(scheme: SegmentScheme): SegmentScheme {
  if (scheme !== 'rfm11' && scheme !== 'cn8') throw new Error(`Unknown scheme ${String(scheme)}`);
  return scheme;
}

/**
 * One row: customers with a value (`filled`), distinct values, values that read as numbers, and
 * the five most common values — over the scored customers only.
 */
export function attributeFactsSql(o: { attributeSql: string; rfmTable: string }): string {
  return `WITH a AS (${o.attributeSql}),
base AS (
  SELECT a.v FROM ${o.rfmTable} r JOIN a USING (customer_id) WHERE a.v IS NOT NULL
),
top AS (SELECT v, count(*) AS n FROM base GROUP BY v ORDER BY n DESC, v LIMIT 5)
SELECT (SELECT count(*) FROM base)::INTEGER AS filled,
  (SELECT count(DISTINCT v) FROM base)::INTEGER AS distinct_values,
  (SELECT count(${attributeNumberExpr('v')}) FROM base)::INTEGER AS numbers,
  (SELECT coalesce(list(v ORDER BY n DESC, v), []) FROM top) AS top_values`;
}

/**
 * The group of every scored customer: `grp` (the value, a band key, or NULL for "other" and
 * "missing"), `grp_kind`, `grp_order` (the display order: by customers for values, by band for
 * bands; "other" then "missing" last) and `x` (the value as a number, for band ranges).
 */
export function attributeGroupsSql(o: {
  attributeSql: string;
  rfmTable: string;
  binning: Binning;
  topN?: number;
}): string {
  const top = o.topN ?? TOP_GROUPS;
  if (!Number.isInteger(top) || top < 1) throw new Error(`Invalid top ${top}`);
  const base = `WITH a AS (${o.attributeSql}),
base AS (
  SELECT r.customer_id, a.v, ${attributeNumberExpr('a.v')} AS x
  FROM ${o.rfmTable} r LEFT JOIN a USING (customer_id)
)`;
  if (o.binning === 'values') {
    return `${base},
counts AS (SELECT v, count(*) AS n FROM base WHERE v IS NOT NULL GROUP BY v),
ranked AS (SELECT v, row_number() OVER (ORDER BY n DESC, v) AS rk FROM counts)
SELECT b.customer_id,
  CASE WHEN rk <= ${top} THEN b.v END AS grp,
  CASE WHEN b.v IS NULL THEN 'missing' WHEN rk <= ${top} THEN 'value' ELSE 'other' END AS grp_kind,
  CAST(CASE WHEN b.v IS NULL THEN ${top + 2} WHEN rk <= ${top} THEN rk ELSE ${top + 1} END AS INTEGER) AS grp_order,
  b.x
FROM base b LEFT JOIN ranked USING (v)`;
  }
  if (o.binning === 'age') {
    const whens = AGE_BANDS.map(
      (band, i) => `WHEN ${band.hi === null ? 'true' : `x < ${band.hi}`} THEN ${i + 1}`,
    ).join(' ');
    const keys = AGE_BANDS.map((b) => `'${b.key}'`).join(', ');
    return `${base},
banded AS (
  SELECT customer_id, x, CASE WHEN x IS NULL OR x < 0 THEN NULL ${whens} END AS band FROM base
)
SELECT customer_id, [${keys}][band] AS grp,
  CASE WHEN band IS NULL THEN 'missing' ELSE 'band' END AS grp_kind,
  CAST(coalesce(band, ${AGE_BANDS.length + 2}) AS INTEGER) AS grp_order, x
FROM banded`;
  }
  const cuts = Array.from({ length: QUANTILE_BANDS - 1 }, (_, i) => (i + 1) / QUANTILE_BANDS);
  const above = cuts.map((_, i) => ` + CAST(x >= cuts.q[${i + 1}] AS INTEGER)`).join('');
  return `${base},
cuts AS (SELECT quantile_cont(x, [${cuts.join(', ')}]) AS q FROM base)
SELECT customer_id, CASE WHEN x IS NOT NULL THEN 'q' || (1${above}) END AS grp,
  CASE WHEN x IS NULL THEN 'missing' ELSE 'band' END AS grp_kind,
  CAST(CASE WHEN x IS NULL THEN ${QUANTILE_BANDS + 2} ELSE 1${above} END AS INTEGER) AS grp_order, x
FROM base, cuts`;
}

/**
 * Per group: customers and their share, revenue and its share, historical and total value (with
 * the value table), mean recency, frequency, monetary and R/F/M scores, and the range of the
 * numbers in it (`lo`, `hi`). In display order.
 */
export function attributeBreakdownSql(o: {
  groupsSql: string;
  rfmTable: string;
  valueTable: string | null;
}): string {
  const value = o.valueTable
    ? `v.historical_value, v.total_value FROM g JOIN ${o.rfmTable} r USING (customer_id) LEFT JOIN ${o.valueTable} v USING (customer_id)`
    : `CAST(NULL AS DOUBLE) AS historical_value, CAST(NULL AS DOUBLE) AS total_value FROM g JOIN ${o.rfmTable} r USING (customer_id)`;
  return `WITH g AS (${o.groupsSql}),
j AS (
  SELECT g.grp_order, g.grp_kind, g.grp, g.x, r.recency_days, r.frequency, r.monetary,
    r.r_score, r.f_score, r.m_score, ${value}
)
SELECT grp_order, grp_kind, grp,
  count(*)::INTEGER AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  CAST(sum(monetary) AS DOUBLE) AS revenue,
  sum(monetary) / nullif(sum(sum(monetary)) OVER (), 0) AS revenue_share,
  CAST(sum(historical_value) AS DOUBLE) AS historical_value,
  CAST(sum(total_value) AS DOUBLE) AS total_value,
  sum(total_value) / nullif(sum(sum(total_value)) OVER (), 0) AS value_share,
  avg(recency_days) AS mean_recency_days,
  avg(frequency) AS mean_frequency,
  avg(monetary) AS mean_monetary,
  avg(r_score) AS mean_r,
  avg(f_score) AS mean_f,
  avg(m_score) AS mean_m,
  min(x) AS lo,
  max(x) AS hi
FROM j
GROUP BY grp_order, grp_kind, grp
ORDER BY grp_order`;
}

/** Customers and revenue of each (group, segment) pair that has customers. */
export function attributeCrossTabSql(o: {
  groupsSql: string;
  rfmTable: string;
  scheme: SegmentScheme;
}): string {
  return `WITH g AS (${o.groupsSql})
SELECT g.grp_order, r.segment_${checkedScheme(o.scheme)} AS segment,
  count(*)::INTEGER AS customers, CAST(sum(r.monetary) AS DOUBLE) AS revenue
FROM g JOIN ${o.rfmTable} r USING (customer_id)
GROUP BY g.grp_order, segment
ORDER BY g.grp_order, segment`;
}
