/**
 * What the value analysis reads from columns beyond the order essentials: a customer attribute
 * (acquisition channel, referred-by) from the orders or from a joined customer list, row costs for
 * profit, and the per-channel and referral summaries built on them. Column names never enter SQL:
 * columns are referred to by position, user text (channel names) only through parameters.
 */
import { parseAmountExpr, type DecimalSeparator } from '../ingest/amounts';
import { columnRef } from './sql';
import { customerIdExpr } from './transactions';

/** A column holding one value per customer: from the orders file or from the customer list. */
export type AttributeRef = { source: 'orders' | 'customers'; column: number };

/**
 * One row per customer: `customer_id` and the attribute's trimmed text `v` (NULL when empty).
 * From the orders: the value on the customer's first used row (a customer's channel is where they
 * came from); from the customer list: its value for the customer.
 */
export function customerAttributeSql(o: {
  ref: AttributeRef;
  txTable: string;
  rawTable: string;
  /** `attrs_<id>`: `customer_key`, then the list's other columns in file order. */
  attrsTable: string | null;
  /** Read the attribute as a customer id (referred-by) rather than as a label. */
  asCustomerId: boolean;
}): string {
  const clean = (t: string) => (o.asCustomerId ? customerIdExpr(t) : `NULLIF(trim(${t}), '')`);
  if (o.ref.source === 'customers') {
    if (!o.attrsTable) throw new Error('No customer list to read the attribute from');
    // Positional: column 1 is customer_key, so the list's k-th other column is #(k + 2).
    return `SELECT customer_key AS customer_id, ${clean(`CAST(${columnRef(o.ref.column + 1)} AS VARCHAR)`)} AS v
FROM ${o.attrsTable}`;
  }
  return `SELECT t.customer_id, arg_min(${clean('r.v')}, t.source_row) AS v
FROM ${o.txTable} t
JOIN (SELECT rowid + 1 AS source_row, ${columnRef(o.ref.column)} AS v FROM ${o.rawTable}) r USING (source_row)
WHERE t.excluded_reason IS NULL
GROUP BY t.customer_id`;
}

/**
 * Net profit per customer before the as-of date over the rows used, from a column of the same
 * row: a cost (profit = amount − cost, the cost on the amount's basis) or a margin (profit =
 * amount × margin; 0.35, 35 and 35% all mean 35%). Rows whose value cannot be read count at their
 * amount and are counted in `rows_without_cost`.
 */
export function customerProfitSql(o: {
  txTable: string;
  rawTable: string;
  paramsTable: string;
  column: number;
  kind: 'cost' | 'margin';
  decimal: DecimalSeparator;
}): string {
  const text = columnRef(o.column);
  // Margins: "35%" and 35 are percents, 0.35 a share.
  const read =
    o.kind === 'cost'
      ? `${parseAmountExpr(text, o.decimal)} AS cost`
      : `coalesce(contains(${text}, '%'), false) AS percent,
    ${parseAmountExpr(`replace(${text}, '%', '')`, o.decimal)} AS m`;
  const profit =
    o.kind === 'cost'
      ? 't.amount - c.cost'
      : 't.amount * CASE WHEN c.percent OR abs(c.m) > 1 THEN c.m / 100 ELSE c.m END';
  const readable = o.kind === 'cost' ? 'c.cost' : 'c.m';
  return `WITH params AS (SELECT as_of FROM ${o.paramsTable}),
costs AS (
  SELECT rowid + 1 AS source_row, ${read}
  FROM ${o.rawTable}
)
SELECT t.customer_id,
  CAST(sum(coalesce(${profit}, t.amount)) AS DOUBLE) AS profit,
  CAST(sum(t.amount) AS DOUBLE) AS revenue,
  count(*) FILTER (WHERE ${readable} IS NULL)::INTEGER AS rows_without_cost
FROM ${o.txTable} t JOIN costs c USING (source_row), params
WHERE t.excluded_reason IS NULL AND t.day < params.as_of
GROUP BY t.customer_id`;
}

/** (Re)creates the entered acquisition costs per channel; bind [channel, cac] per row. */
export function cacTableSql(table: string, rows: number): string {
  if (rows === 0) {
    return `CREATE OR REPLACE TABLE ${table} AS
SELECT CAST(NULL AS VARCHAR) AS channel, CAST(NULL AS DOUBLE) AS cac WHERE false`;
  }
  const values = Array.from({ length: rows }, () => '(CAST(? AS VARCHAR), CAST(? AS DOUBLE))');
  return `CREATE OR REPLACE TABLE ${table} AS
SELECT channel, cac FROM (VALUES ${values.join(', ')}) AS v(channel, cac)`;
}

/**
 * The entered CAC of a customer's channel becomes their acquisition cost, unless the data gave
 * them one (an acquisition-cost column wins: it is per customer).
 */
export function applyChannelCacSql(valueTable: string, cacTable: string): string {
  return `UPDATE ${valueTable} SET acquisition_cost = c.cac
FROM ${cacTable} c
WHERE ${valueTable}.channel = c.channel AND ${valueTable}.acquisition_cost IS NULL`;
}

/**
 * Per channel (customers without one grouped as NULL): customers, mean historical, predicted and
 * lifetime value per customer, the entered CAC, and lifetime value ÷ CAC.
 */
export function channelValueSql(o: { valueTable: string; cacTable: string }): string {
  return `SELECT channel, customers, mean_historical, mean_predicted, mean_total, cac,
  CASE WHEN cac > 0 THEN mean_total / cac END AS clv_to_cac
FROM (
  SELECT v.channel, count(*)::INTEGER AS customers,
    avg(v.historical_value) AS mean_historical,
    avg(v.predicted_value) AS mean_predicted,
    avg(v.total_value) AS mean_total,
    coalesce(any_value(c.cac), avg(v.acquisition_cost)) AS cac
  FROM ${o.valueTable} v LEFT JOIN ${o.cacTable} c ON c.channel = v.channel
  GROUP BY v.channel
)
ORDER BY customers DESC, channel NULLS LAST`;
}

/**
 * Referral value per customer: the lifetime value of the customers they referred (direct
 * referrals; a self-referral does not count). Bound to the value table's customers.
 */
export function referralValueSql(valueTable: string): string {
  return `SELECT r.referrer AS customer_id, count(*)::INTEGER AS referred,
  sum(r.total_value) AS referral_value
FROM ${valueTable} r
WHERE r.referrer IS NOT NULL AND r.referrer <> r.customer_id
  AND r.referrer IN (SELECT customer_id FROM ${valueTable})
GROUP BY r.referrer`;
}
