import { quintileScoreSql } from './scoring';
import { cn8CaseSql, rfm11CaseSql } from './segments';

export interface RfmOptions {
  /** Per-customer totals (see customerTotals.ts). */
  totalsTable: string;
  outTable: string;
  /** A one-row table with the `as_of` DATE. */
  paramsTable: string;
}

/**
 * RFM for every customer with at least one purchase before the as-of date.
 *
 * recency_days = as_of − last purchase day; frequency = orders with a purchase; monetary = net
 * amount; avg_order_value = monetary / frequency. Scores: see scoring.ts. The 8-class scheme
 * compares each customer with the customer means (R: fewer days than the mean is "high").
 */
export function buildRfmSql(o: RfmOptions): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH params AS (SELECT as_of FROM ${o.paramsTable}),
measured AS (
  SELECT customer_id, first_purchase, last_purchase,
    CAST(params.as_of - last_purchase AS INTEGER) AS recency_days,
    frequency,
    monetary_exact,
    CAST(monetary_exact AS DOUBLE) AS monetary,
    CAST(monetary_exact AS DOUBLE) / frequency AS avg_order_value
  FROM ${o.totalsTable}, params
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
