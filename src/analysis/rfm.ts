import { quintileScoreSql } from './scoring';
import { cn8CaseSql, rfm11CaseSql } from './segments';

export interface RfmOptions {
  txTable: string;
  outTable: string;
  /** A one-row table with the `as_of` DATE (values reach SQL through parameters, not text). */
  paramsTable: string;
  /** Count distinct order ids (when mapped) rather than distinct purchase days. */
  hasOrderId: boolean;
}

/**
 * Per-customer RFM as of the date in `paramsTable`. Rows on or after
 * the as-of date are left out. A purchase is a row with a positive amount; refunds (negative
 * amounts) net against monetary but are not purchases. Customers with no purchase are not scored.
 *
 * recency_days = as_of − last purchase day; frequency = distinct orders (order id, else purchase
 * day); monetary = net amount; avg_order_value = monetary / frequency. Scores: see scoring.ts.
 */
export function buildRfmSql(o: RfmOptions): string {
  const orderKey = o.hasOrderId ? 'coalesce(order_id, CAST(day AS VARCHAR))' : 'day';
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH params AS (SELECT as_of FROM ${o.paramsTable}),
valid AS (
  SELECT customer_id, CAST(ts AS DATE) AS day, amount, order_id
  FROM ${o.txTable}, params
  WHERE excluded_reason IS NULL AND CAST(ts AS DATE) < params.as_of
),
per_customer AS (
  SELECT customer_id,
    min(day) FILTER (WHERE amount > 0) AS first_purchase,
    max(day) FILTER (WHERE amount > 0) AS last_purchase,
    count(DISTINCT ${orderKey}) FILTER (WHERE amount > 0) AS frequency,
    sum(amount) AS monetary_exact
  FROM valid GROUP BY customer_id
),
measured AS (
  SELECT customer_id, first_purchase, last_purchase,
    CAST(params.as_of - last_purchase AS INTEGER) AS recency_days,
    CAST(frequency AS INTEGER) AS frequency,
    monetary_exact,
    CAST(monetary_exact AS DOUBLE) AS monetary,
    CAST(monetary_exact AS DOUBLE) / frequency AS avg_order_value
  FROM per_customer, params
  WHERE frequency > 0
),
scored AS (
  SELECT *,
    ${quintileScoreSql('recency_days DESC')} AS r_score,
    ${quintileScoreSql('frequency')} AS f_score,
    ${quintileScoreSql('monetary_exact')} AS m_score,
    recency_days < avg(recency_days) OVER () AS r_high,
    frequency > avg(frequency) OVER () AS f_high,
    monetary > avg(monetary) OVER () AS m_high
  FROM measured
),
with_fm AS (
  SELECT *, ${quintileScoreSql('f_score + m_score')} AS fm_score FROM scored
)
SELECT customer_id, first_purchase, last_purchase, recency_days, frequency, monetary,
  avg_order_value, r_score, f_score, m_score, fm_score,
  ${rfm11CaseSql('r_score', 'fm_score')} AS segment_rfm11,
  ${cn8CaseSql('r_high', 'f_high', 'm_high')} AS segment_cn8
FROM with_fm`;
}
