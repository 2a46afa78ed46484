export interface CustomerTotalsOptions {
  txTable: string;
  outTable: string;
  /** A one-row table with the `as_of` DATE (values reach SQL through parameters, not text). */
  paramsTable: string;
  /** Count distinct order ids (when mapped) rather than distinct purchase days. */
  hasOrderId: boolean;
}

/**
 * Per customer with valid rows before the as-of date: first and last purchase day, number of
 * orders with a purchase, and net amount. A purchase is a row with a positive amount; refunds
 * (negative amounts) net against the amount but are not purchases. An order is an order id when
 * one is mapped, else a purchase day. Aggregated in two steps (per order, then per customer):
 * faster than count(DISTINCT …) and the same result.
 */
export function buildCustomerTotalsSql(o: CustomerTotalsOptions): string {
  const orderKey = o.hasOrderId ? 'coalesce(order_id, CAST(day AS VARCHAR))' : 'day';
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
WITH params AS (SELECT as_of FROM ${o.paramsTable}),
valid AS (
  SELECT customer_id, day, amount, order_id
  FROM ${o.txTable}, params
  WHERE excluded_reason IS NULL AND day < params.as_of
),
per_order AS (
  SELECT customer_id,
    min(day) FILTER (WHERE amount > 0) AS first_purchase,
    max(day) FILTER (WHERE amount > 0) AS last_purchase,
    bool_or(amount > 0) AS is_purchase,
    sum(amount) AS net
  FROM valid GROUP BY customer_id, ${orderKey}
)
SELECT customer_id,
  min(first_purchase) AS first_purchase,
  max(last_purchase) AS last_purchase,
  CAST(count(*) FILTER (WHERE is_purchase) AS INTEGER) AS frequency,
  sum(net) AS monetary_exact
FROM per_order GROUP BY customer_id`;
}
