import type { SegmentScheme } from './segments';

/** The per-customer column that holds the chosen scheme's segment (our names, never user text). */
export function segmentColumn(scheme: SegmentScheme): string {
  return scheme === 'rfm11' ? 'segment_rfm11' : 'segment_cn8';
}

/** Headline figures as of the date in `paramsTable`: one pass over the rows, then the small tables. */
export function summarySql(
  txTable: string,
  totalsTable: string,
  rfmTable: string,
  paramsTable: string,
): string {
  return `WITH params AS (SELECT as_of FROM ${paramsTable}),
rows AS (
  SELECT count(*) AS rows_read,
    count(*) FILTER (WHERE excluded_reason IS NULL) AS rows_valid,
    count(*) FILTER (WHERE excluded_reason IS NULL AND day >= params.as_of) AS rows_after_as_of,
    count(*) FILTER (WHERE excluded_reason IS NULL AND day < params.as_of AND amount < 0) AS refund_rows,
    min(day) FILTER (WHERE excluded_reason IS NULL AND day < params.as_of) AS first_day,
    max(day) FILTER (WHERE excluded_reason IS NULL AND day < params.as_of) AS last_day
  FROM ${txTable}, params GROUP BY ALL
)
SELECT rows_read, rows_valid, rows_after_as_of, refund_rows,
  (SELECT count(*) FROM ${totalsTable}) AS customers_seen,
  strftime(first_day, '%Y-%m-%d') AS first_day,
  strftime(last_day, '%Y-%m-%d') AS last_day,
  (SELECT count(*) FROM ${rfmTable}) AS customers,
  (SELECT coalesce(sum(frequency), 0) FROM ${rfmTable}) AS orders,
  (SELECT coalesce(sum(monetary), 0) FROM ${rfmTable}) AS revenue
FROM rows`;
}

/** Rows the CSV reader rejected (wrong number of fields, bad quoting), with line numbers. */
export function malformedRowsSql(rejectsTable: string, limit = 3): string {
  return `SELECT count(DISTINCT line) OVER () AS total, line, error_type, csv_line
FROM (SELECT DISTINCT ON (line) line, error_type, csv_line FROM ${rejectsTable} ORDER BY line)
ORDER BY line LIMIT ${Math.trunc(limit)}`;
}

/** Size, value and mean scores per segment of the chosen scheme. */
export function segmentSummarySql(rfmTable: string, scheme: SegmentScheme): string {
  return `SELECT ${segmentColumn(scheme)} AS segment,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(monetary) AS revenue,
  sum(monetary) / nullif(sum(sum(monetary)) OVER (), 0) AS revenue_share,
  avg(r_score) AS mean_r, avg(f_score) AS mean_f, avg(m_score) AS mean_m,
  avg(recency_days) AS mean_recency_days, avg(frequency) AS mean_frequency, avg(monetary) AS mean_monetary
FROM ${rfmTable} GROUP BY 1`;
}

/**
 * The R × FM grid: customers and revenue per cell, labelled with the cell's most common segment of
 * the chosen scheme (for the 11-segment scheme that is the cell's own segment).
 */
export function rfmGridSql(rfmTable: string, scheme: SegmentScheme): string {
  const segment = segmentColumn(scheme);
  return `WITH per_segment AS (
  SELECT r_score, fm_score, ${segment} AS segment, count(*) AS n, sum(monetary) AS revenue
  FROM ${rfmTable} GROUP BY ALL
)
SELECT r_score, fm_score, CAST(sum(n) AS INTEGER) AS customers, sum(revenue) AS revenue,
  arg_max(segment, n * 1000000 - rank_in_cell) AS segment
FROM (SELECT *, row_number() OVER (PARTITION BY r_score, fm_score ORDER BY segment) AS rank_in_cell FROM per_segment)
GROUP BY r_score, fm_score ORDER BY r_score, fm_score`;
}
