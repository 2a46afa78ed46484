import { parseAmountExpr, type DecimalSeparator } from '../ingest/amounts';
import { parseDateExpr, type DateFamily } from '../ingest/dateFormats';
import { amountSource, type ColumnMapping } from './mapping';
import { columnRef } from './sql';

export interface TransactionsOptions {
  rawTable: string;
  outTable: string;
  mapping: ColumnMapping;
  dateFamily: DateFamily;
  decimal: DecimalSeparator;
}

/** Why a source row is left out of the analysis; the first that applies is recorded. */
export const EXCLUSION_REASONS = ['missing_customer_id', 'invalid_date', 'invalid_amount'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number] | 'malformed_row';

function required(index: number | null, role: string): string {
  if (index === null) throw new Error(`Column for ${role} is not mapped`);
  return columnRef(index);
}

/**
 * Ids are text: trimmed, empty → NULL, and "17850.0" (an id that passed through a float) → "17850".
 * LIKE guards keep the string functions off the common case (a clean id), which halves the cost.
 */
export function customerIdExpr(textExpr: string): string {
  const t = textExpr;
  return String.raw`CASE WHEN ${t} LIKE '%.0%' THEN regexp_replace(trim(${t}), '^([0-9]+)\.0+$', '\1')
    WHEN ${t} LIKE ' %' OR ${t} LIKE '% ' THEN NULLIF(trim(${t}), '')
    WHEN ${t} = '' THEN NULL ELSE ${t} END`;
}

export function amountExpr(mapping: ColumnMapping, decimal: DecimalSeparator): string {
  if (amountSource(mapping) === 'amount') {
    return parseAmountExpr(required(mapping.amount, 'amount'), decimal);
  }
  const quantity = parseAmountExpr(required(mapping.quantity, 'quantity'), decimal);
  const price = parseAmountExpr(required(mapping.unitPrice, 'unit price'), decimal);
  return `CAST(${quantity} * ${price} AS DECIMAL(18,4))`;
}

/**
 * One row per source row: typed customer id, purchase day, amount and order id, plus the reason the
 * row is excluded (NULL when it is used). `source_row` is the 1-based data row of the source.
 */
export function buildTransactionsSql(o: TransactionsOptions): string {
  const m = o.mapping;
  const orderId =
    m.orderId === null ? 'CAST(NULL AS VARCHAR)' : `NULLIF(trim(${columnRef(m.orderId)}), '')`;
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT source_row, customer_id, day, amount, order_id,
  CASE WHEN customer_id IS NULL THEN 'missing_customer_id'
       WHEN day IS NULL THEN 'invalid_date'
       WHEN amount IS NULL THEN 'invalid_amount' END AS excluded_reason
FROM (
  SELECT rowid + 1 AS source_row,
    ${customerIdExpr(required(m.customerId, 'customer id'))} AS customer_id,
    ${parseDateExpr(required(m.orderDate, 'order date'), o.dateFamily)} AS day,
    ${amountExpr(m, o.decimal)} AS amount,
    ${orderId} AS order_id
  FROM ${o.rawTable}
)`;
}

/** The default as-of date: the day after the last valid order. */
export function defaultAsOfSql(txTable: string): string {
  return `SELECT strftime(max(day) + 1, '%Y-%m-%d') AS as_of FROM ${txTable} WHERE excluded_reason IS NULL`;
}
