import { quintileScoresSql } from './scoring';
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
    monetary_exact
  FROM ${o.totalsTable}, params
  WHERE frequency > 0
),
r_scores AS (${quintileScoresSql('measured', 'recency_days', 'DESC')}),
f_scores AS (${quintileScoresSql('measured', 'frequency', 'ASC')}),
m_scores AS (${quintileScoresSql('measured', 'monetary_exact', 'ASC')}),
means AS (
  SELECT avg(recency_days) AS recency, avg(frequency) AS frequency, avg(CAST(monetary_exact AS DOUBLE)) AS monetary
  FROM measured
),
scored AS (
  SELECT c.*, r.score AS r_score, f.score AS f_score, m.score AS m_score, f.score + m.score AS fm_sum,
    c.recency_days < means.recency AS r_high,
    c.frequency > means.frequency AS f_high,
    CAST(c.monetary_exact AS DOUBLE) > means.monetary AS m_high
  FROM measured c
  JOIN r_scores r ON r.v = c.recency_days
  JOIN f_scores f ON f.v = c.frequency
  JOIN m_scores m ON m.v = c.monetary_exact,
  means
),
fm_scores AS (${quintileScoresSql('scored', 'fm_sum', 'ASC')})
SELECT customer_id, first_purchase, last_purchase, recency_days, frequency,
  CAST(monetary_exact AS DOUBLE) AS monetary,
  CAST(monetary_exact AS DOUBLE) / frequency AS avg_order_value,
  r_score, f_score, m_score, fm.score AS fm_score,
  ${rfm11CaseSql('r_score', 'fm.score')} AS segment_rfm11,
  ${cn8CaseSql('r_high', 'f_high', 'm_high')} AS segment_cn8
FROM scored JOIN fm_scores fm ON fm.v = scored.fm_sum`;
}
