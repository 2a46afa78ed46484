import { parseAmountExpr } from '../ingest/amounts';
/**
 * Customer value in SQL: the per-customer inputs of the models (with a stable row number `k`, so
 * predictions computed in the worker come back as numbers only), then the value table with tiers
 * and classes once the predictions are in. Option values reach SQL through a one-row parameters
 * table, never as text.
 */

/** Tiers by total value, as shares of customers ranked from the most valuable. */
export interface TierCuts {
  high: number;
  mid: number;
}

export const DEFAULT_TIER_CUTS: TierCuts = { high: 0.2, mid: 0.3 };

/**
 * Statement that (re)creates the value parameters table; bind [windowDays, tierHigh, tierMid,
 * margin] (margin: the share of revenue that is profit, used when no cost column is read).
 */
export function valueParamsSql(table: string): string {
  return `CREATE OR REPLACE TABLE ${table} AS
SELECT CAST(? AS INTEGER) AS window_days, CAST(? AS DOUBLE) AS tier_high, CAST(? AS DOUBLE) AS tier_mid,
  CAST(? AS DOUBLE) AS margin`;
}

/** Per customer: channel, referrer (a customer id) and profit, each NULL when not read. */
export function valueExtrasSql(o: {
  rfmTable: string;
  channelSql: string | null;
  referrerSql: string | null;
  profitSql: string | null;
  /** customer_id, v: the acquisition cost as text (customerAttributeSql). */
  cacSql: string | null;
  outTable: string;
}): string {
  const none = (column: string, type: string) =>
    `(SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS ${type}) AS ${column} WHERE false)`;
  const channel = o.channelSql
    ? `(SELECT customer_id, v AS channel FROM (${o.channelSql}))`
    : none('channel', 'VARCHAR');
  const referrer = o.referrerSql
    ? `(SELECT customer_id, v AS referrer FROM (${o.referrerSql}))`
    : none('referrer', 'VARCHAR');
  const profit = o.profitSql
    ? `(SELECT customer_id, profit, rows_without_cost FROM (${o.profitSql}))`
    : `(SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS DOUBLE) AS profit,
        CAST(NULL AS INTEGER) AS rows_without_cost WHERE false)`;

  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT r.customer_id, ch.channel, rf.referrer, p.profit, p.rows_without_cost,
  ${parseAmountExpr('ac.v', '.')} AS acquisition_cost
FROM ${o.rfmTable} r
LEFT JOIN ${channel} ch USING (customer_id)
LEFT JOIN ${referrer} rf USING (customer_id)
LEFT JOIN ${profit} p USING (customer_id)
LEFT JOIN ${o.cacSql ? `(${o.cacSql})` : none('v', 'VARCHAR')} ac USING (customer_id)`;
}

export interface ValueInputsOptions {
  /** Typed rows (transactions.ts). */
  txTable: string;
  /** Scored customers (rfm.ts): the customers valued, with their net revenue. */
  rfmTable: string;
  /** The model summary per customer (clvSummarySql): x, tx, T in days, monetary. */
  summaryTable: string;
  /** `as_of` (paramsTableSql). */
  paramsTable: string;
  /** `window_days`, `margin` (valueParamsSql). */
  valueParamsTable: string;
  /** Channel, referrer and profit per customer (valueExtrasSql). */
  extrasTable: string;
  outTable: string;
}

/**
 * One row per scored customer, numbered `k` by customer id: historical revenue (net, before the
 * as-of date, as in RFM) and historical value (profit from the cost column when one is read, else
 * revenue × margin), current value (net revenue × margin in the last `window_days` days before
 * the as-of date), mean order value, the model summary (x, tx, T in days, repeat-day spend), and
 * channel and referrer when read.
 */
export function valueInputsSql(o: ValueInputsOptions): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH params AS (
  SELECT p.as_of, v.window_days, v.margin FROM ${o.paramsTable} p, ${o.valueParamsTable} v
),
recent AS (
  SELECT customer_id, sum(amount) AS current_value
  FROM ${o.txTable}, params
  WHERE excluded_reason IS NULL AND day < params.as_of AND day >= params.as_of - params.window_days
  GROUP BY customer_id
)
SELECT CAST(row_number() OVER (ORDER BY r.customer_id) - 1 AS INTEGER) AS k,
  r.customer_id,
  r.monetary AS historical_revenue,
  coalesce(e.profit, r.monetary * params.margin) AS historical_value,
  CAST(coalesce(recent.current_value, 0) AS DOUBLE) * params.margin AS current_value,
  r.avg_order_value,
  CAST(s.x AS DOUBLE) AS x, CAST(s.tx AS DOUBLE) AS tx, CAST(s.T AS DOUBLE) AS T,
  CAST(s.monetary AS DOUBLE) AS repeat_spend,
  e.channel, e.referrer, CAST(e.acquisition_cost AS DOUBLE) AS acquisition_cost
FROM ${o.rfmTable} r
JOIN ${o.summaryTable} s ON s.customer_id = r.customer_id
JOIN ${o.extrasTable} e ON e.customer_id = r.customer_id
LEFT JOIN recent ON recent.customer_id = r.customer_id, params
ORDER BY k`;
}

export interface ValueTableOptions {
  inputsTable: string;
  /** Predictions by `k`: p_alive (NULL under the heuristic), expected_purchases, expected_spend, predicted_value. */
  predictionsTable: string;
  valueParamsTable: string;
  outTable: string;
}

/**
 * The value of every customer and the classes built on it:
 * - total_value = historical + predicted (lifetime value; historical alone when nothing is predicted);
 * - value_tier: `high` for the first `tier_high` share of customers ranked by total value (ties
 *   by customer id, so the split is deterministic), `mid` for the next `tier_mid`, else `low`;
 * - value_class: `vip` when both historical and predicted value are above their medians,
 *   `potential` when only predicted value is, else `ordinary`;
 * - value_quadrant on current × predicted value, each above or not above its median: `star`
 *   (both), `rising` (predicted only), `harvest` (current only), `limited`;
 * - behaviour: `one_time` (one purchase day), else `high_frequency` when the customer's purchase
 *   rate (repeat purchase days per day of tenure) is at or above the median of repeat buyers,
 *   else `low_frequency`.
 * "Above the median" is strict, so a median of 0 (most customers did not buy in the window) makes
 * every customer with some current value "high".
 */
/** NaN is how the models say "not known" (no P(alive) under the heuristic, no prediction at all). */
const known = (column: string) => `CASE WHEN isnan(${column}) THEN NULL ELSE ${column} END`;

export function valueTableSql(o: ValueTableOptions): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH joined AS (
  SELECT i.*, ${known('p.p_alive')} AS p_alive, ${known('p.expected_purchases')} AS expected_purchases,
    ${known('p.expected_spend')} AS expected_spend, ${known('p.predicted_value')} AS predicted_value,
    i.historical_value + coalesce(${known('p.predicted_value')}, 0) AS total_value,
    CASE WHEN i.x > 0 THEN i.x / greatest(i.T, 1) END AS repeat_rate
  FROM ${o.inputsTable} i JOIN ${o.predictionsTable} p USING (k)
),
cuts AS (
  SELECT count(*) AS n,
    median(historical_value) AS historical_median,
    median(predicted_value) AS predicted_median,
    median(current_value) AS current_median,
    median(repeat_rate) AS rate_median
  FROM joined
),
ranked AS (
  SELECT joined.*, row_number() OVER (ORDER BY total_value DESC, customer_id) AS value_rank
  FROM joined
)
SELECT ranked.* EXCLUDE (repeat_rate, value_rank), value_rank,
  CASE WHEN value_rank <= ceil(cuts.n * v.tier_high) THEN 'high'
    WHEN value_rank <= ceil(cuts.n * (v.tier_high + v.tier_mid)) THEN 'mid'
    ELSE 'low' END AS value_tier,
  CASE WHEN predicted_value > cuts.predicted_median AND historical_value > cuts.historical_median THEN 'vip'
    WHEN predicted_value > cuts.predicted_median THEN 'potential'
    ELSE 'ordinary' END AS value_class,
  CASE WHEN current_value > cuts.current_median AND predicted_value > cuts.predicted_median THEN 'star'
    WHEN predicted_value > cuts.predicted_median THEN 'rising'
    WHEN current_value > cuts.current_median THEN 'harvest'
    ELSE 'limited' END AS value_quadrant,
  CASE WHEN x = 0 THEN 'one_time'
    WHEN repeat_rate >= cuts.rate_median THEN 'high_frequency'
    ELSE 'low_frequency' END AS behaviour
FROM ranked, cuts, ${o.valueParamsTable} v`;
}

/** Customers, their share, and value per group of one class column of the value table. */
export function valueGroupsSql(
  valueTable: string,
  column: 'value_tier' | 'value_class' | 'value_quadrant' | 'behaviour' | 'referral_class',
): string {
  return `WITH totals AS (
  SELECT count(*) AS n, sum(total_value) AS total, sum(historical_value) AS historical
  FROM ${valueTable}
)
SELECT ${column} AS grp, count(*)::INTEGER AS customers,
  count(*) / any_value(totals.n) AS customer_share,
  sum(historical_value) AS historical_value,
  sum(current_value) AS current_value,
  sum(predicted_value) AS predicted_value,
  sum(total_value) AS total_value,
  CASE WHEN any_value(totals.total) <> 0 THEN sum(total_value) / any_value(totals.total) END AS value_share,
  avg(p_alive) AS mean_p_alive
FROM ${valueTable}, totals
GROUP BY ${column}`;
}

/**
 * The Pareto share: the top `share` of customers by historical value bring what share of the
 * historical revenue; plus the repeat-purchase rate and the period retention rate (of customers
 * who bought in the window before the last, the share who bought again in the last window).
 * Bind [share].
 */
export function valueFactsSql(o: {
  valueTable: string;
  txTable: string;
  paramsTable: string;
  valueParamsTable: string;
}): string {
  return `WITH params AS (SELECT p.as_of, v.window_days FROM ${o.paramsTable} p, ${o.valueParamsTable} v),
ranked AS (
  SELECT historical_value, row_number() OVER (ORDER BY historical_value DESC, customer_id) AS r,
    count(*) OVER () AS n, x
  FROM ${o.valueTable}
),
windows AS (
  SELECT customer_id,
    bool_or(day >= params.as_of - params.window_days) AS in_last,
    bool_or(day < params.as_of - params.window_days) AS in_previous
  FROM ${o.txTable}, params
  WHERE excluded_reason IS NULL AND amount > 0 AND day < params.as_of
    AND day >= params.as_of - 2 * params.window_days
  GROUP BY customer_id
)
SELECT
  (SELECT sum(historical_value) FILTER (WHERE r <= ceil(n * CAST(? AS DOUBLE))) / nullif(sum(historical_value), 0) FROM ranked) AS top_share_revenue,
  (SELECT count(*) FILTER (WHERE x > 0) / count(*) FROM ranked) AS repeat_rate,
  (SELECT count(*) FILTER (WHERE in_previous AND in_last) / nullif(count(*) FILTER (WHERE in_previous), 0) FROM windows) AS retention_rate,
  (SELECT count(*) FILTER (WHERE in_previous)::INTEGER FROM windows) AS retention_base`;
}

/**
 * Adds each customer's referral value (lifetime value of the customers they referred) and the
 * referral class on own lifetime value × referral value (Kumar's matrix): `champion` (both high),
 * `affluent` (own value only), `advocate` (referral value only), `miser` (neither). Own value is
 * high above its median; referral value is high when positive and at least the median of the
 * positive ones. Without a referred-by column both stay NULL.
 */
export function referralColumnsSql(o: {
  valueTable: string;
  referralSql: string | null;
  outTable: string;
}): string {
  if (!o.referralSql) {
    return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT *, CAST(NULL AS INTEGER) AS referred, CAST(NULL AS DOUBLE) AS referral_value,
  CAST(NULL AS VARCHAR) AS referral_class
FROM ${o.valueTable}`;
  }
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH referral AS (${o.referralSql}),
joined AS (
  SELECT v.*, coalesce(r.referred, 0) AS referred, coalesce(r.referral_value, 0) AS referral_value
  FROM ${o.valueTable} v LEFT JOIN referral r USING (customer_id)
),
cuts AS (
  SELECT median(total_value) AS value_median,
    median(referral_value) FILTER (WHERE referral_value > 0) AS referral_median
  FROM joined
)
SELECT joined.*,
  CASE WHEN total_value > cuts.value_median AND referral_value > 0 AND referral_value >= cuts.referral_median THEN 'champion'
    WHEN total_value > cuts.value_median THEN 'affluent'
    WHEN referral_value > 0 AND referral_value >= cuts.referral_median THEN 'advocate'
    ELSE 'miser' END AS referral_class
FROM joined, cuts`;
}
