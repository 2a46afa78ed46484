/**
 * The customers' days, numbered: every customer with a used row before the as-of date gets a
 * number (`cid`), and their used rows are summed per number and day once. Grouping millions of
 * typed rows by a text id and a day is the costliest step of the lifecycle (about 2.5 s at 5M rows
 * in the browser); made once per as-of date, it can run while the value step's models are fitted
 * in their own workers, when the engine is otherwise idle (src/compute/valueStep.ts), and every
 * lifecycle statement then partitions, groups and joins on integers.
 */

export interface CustomerDaysSource {
  /** The typed table `tx_<n>` (transactions.ts). */
  txTable: string;
  /** `as_of` (paramsTableSql): rows on or after it are not used. */
  paramsTable: string;
}

/**
 * Writes `outTable` (`customer_id`, `cid` INTEGER): every customer with a used row before the
 * as-of date, numbered 1…n in id order.
 */
export function customerIdsSql(o: CustomerDaysSource & { outTable: string }): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT customer_id, CAST(row_number() OVER (ORDER BY customer_id) AS INTEGER) AS cid
FROM (
  SELECT DISTINCT t.customer_id FROM ${o.txTable} t, ${o.paramsTable} p
  WHERE t.excluded_reason IS NULL AND t.day < p.as_of
)`;
}

/**
 * Writes `outTable` (`cid`, `day`, `net`, `spend`): per customer number (from `idsTable`, made by
 * customerIdsSql) and day with used rows before the as-of date, `net` (every used row: purchases
 * minus refunds) and `spend` (positive rows only; NULL when the day holds no purchase).
 */
export function customerDaysSql(
  o: CustomerDaysSource & { idsTable: string; outTable: string },
): string {
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT i.cid, t.day, sum(t.amount) AS net, sum(t.amount) FILTER (WHERE t.amount > 0) AS spend
FROM ${o.txTable} t JOIN ${o.idsTable} i USING (customer_id), ${o.paramsTable} p
WHERE t.excluded_reason IS NULL AND t.day < p.as_of
GROUP BY i.cid, t.day`;
}
