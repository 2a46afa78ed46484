import { parseAmountExpr, type DecimalSeparator } from '../ingest/amounts';
import { parseDateExpr, type DateFamily } from '../ingest/dateFormats';
import type { TypedColumn } from '../ingest/typedRead';
import { amountSource, type ColumnMapping } from './mapping';
import type { IngestPolicy } from './policy';
import { columnRef } from './sql';

export interface TransactionsOptions {
  rawTable: string;
  outTable: string;
  mapping: ColumnMapping;
  dateFamily: DateFamily;
  decimal: DecimalSeparator;
  /** Columns of `rawTable`: duplicates are rows equal in all of them. */
  columnCount: number;
  policy: IngestPolicy;
  /**
   * The policy's own text, bound as parameters (`policyTablesSql`): `<name>` holds the one-row
   * `cancel_prefix` (NULL = no prefix) and `cancel_applies` (`cancellationCheckSql`),
   * `<name>_codes` the non-product list.
   */
  policyTable: string;
  /**
   * Columns of `rawTable` the reader typed (src/ingest/typedRead.ts), read as they are; the rest
   * are text and parsed. Only for roles `typedReadServes` allows.
   */
  typed?: readonly TypedColumn[];
}

/**
 * Why a source row is left out of the analysis; the first that applies is recorded, in this order.
 * The three typing failures come first: such a row could not be used whatever the policy says.
 */
export const EXCLUSION_REASONS = [
  'missing_customer_id',
  'invalid_date',
  'invalid_amount',
  'duplicate_row',
  'non_product',
  'cancelled_order',
  'zero_amount',
  'return',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/**
 * What happened to a row that is used: netted (a return, or a line of a cancelled order, with a
 * negative amount), or kept at zero (when zero amounts are not excluded). At most one per row.
 */
export const NOTES = ['return_netted', 'cancellation_netted', 'zero_amount_kept'] as const;
export type Note = (typeof NOTES)[number];

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

export function amountExpr(
  mapping: ColumnMapping,
  decimal: DecimalSeparator,
  typed: readonly TypedColumn[] = [],
): string {
  const read = (index: number | null, role: string) => {
    const ref = required(index, role);
    return typed.some((c) => c.index === index) ? ref : parseAmountExpr(ref, decimal);
  };
  if (amountSource(mapping) === 'amount') return read(mapping.amount, 'amount');
  const quantity = read(mapping.quantity, 'quantity');
  const price = read(mapping.unitPrice, 'unit price');
  return `CAST(${quantity} * ${price} AS DECIMAL(18,4))`;
}

/** The order day: a typed column as it is (a timestamp's day), text parsed with `family`. */
function dayExpr(
  mapping: ColumnMapping,
  family: DateFamily,
  typed: readonly TypedColumn[],
): string {
  const ref = required(mapping.orderDate, 'order date');
  const type = typed.find((c) => c.index === mapping.orderDate)?.type;
  if (type === 'DATE') return ref;
  if (type === 'TIMESTAMP') return `CAST(${ref} AS DATE)`;
  return parseDateExpr(ref, family);
}

/**
 * Text trimmed, empty → NULL. trim() is the costly part on a million rows (about 100 ms in the wasm
 * build) and most values need none: LIKE guards keep it off them.
 */
function trimmedTextExpr(t: string): string {
  return `CASE WHEN ${t} LIKE ' %' OR ${t} LIKE '% ' THEN NULLIF(trim(${t}), '')
    WHEN ${t} = '' THEN NULL ELSE ${t} END`;
}

/** The trimmed order id text, NULL when empty or not mapped. */
export function orderIdExpr(mapping: ColumnMapping): string {
  return mapping.orderId === null
    ? 'CAST(NULL AS VARCHAR)'
    : trimmedTextExpr(columnRef(mapping.orderId));
}

/**
 * Statements that (re)create the policy's parameter tables, each with the values to bind: the
 * cancellation prefix (empty = rule off) and one row per non-product entry. The placeholders are
 * counted from the list; the entries themselves never enter SQL text.
 */
export function policyTablesSql(
  policyTable: string,
  cancelPrefix: string,
  codes: readonly { code: string; prefix: boolean }[],
): { sql: string; params: unknown[] }[] {
  const values = codes.map(() => '(CAST(? AS VARCHAR), CAST(? AS BOOLEAN))').join(', ');
  return [
    {
      sql: `CREATE OR REPLACE TABLE ${policyTable} AS
SELECT NULLIF(CAST(? AS VARCHAR), '') AS cancel_prefix, true AS cancel_applies`,
      params: [cancelPrefix],
    },
    {
      sql:
        codes.length === 0
          ? `CREATE OR REPLACE TABLE ${policyTable}_codes AS
SELECT CAST(NULL AS VARCHAR) AS code, CAST(NULL AS BOOLEAN) AS is_prefix WHERE false`
          : `CREATE OR REPLACE TABLE ${policyTable}_codes AS
SELECT lower(code) AS code, is_prefix FROM (VALUES ${values}) AS v(code, is_prefix)`,
      params: codes.flatMap((c) => [c.code, c.prefix]),
    },
  ];
}

/**
 * Leaves the cancellation rule off (`cancel_applies` false) when most rows whose order id starts
 * with the prefix have a positive amount. Real cancellations are reversals (every `C` line of UCI
 * Online Retail is negative); mostly positive rows mean the prefix is just how this shop numbers
 * its orders, and applying the rule would discard its sales. Run before typing.
 */
export function cancellationCheckSql(
  rawTable: string,
  mapping: ColumnMapping,
  decimal: DecimalSeparator,
  policyTable: string,
): string {
  return `UPDATE ${policyTable} SET cancel_applies = (
  SELECT count(*) FILTER (WHERE amount < 0) >= count(*) FILTER (WHERE amount > 0)
  FROM (
    SELECT ${amountExpr(mapping, decimal)} AS amount
    FROM ${rawTable}
    WHERE starts_with(${orderIdExpr(mapping)}, (SELECT cancel_prefix FROM ${policyTable}))
  )
)`;
}

/**
 * Rows equal to an earlier row in every column. Rows are first bucketed by a hash of all columns
 * (one aggregate over 64-bit values); only rows in a bucket of two or more are compared column by
 * column, so a file without duplicates never pays for partitioning a million rows of text, and a
 * hash collision never makes two different rows duplicates. Measured on 1M rows: as fast as a
 * GROUP BY on all columns with 3 columns, 10–20% faster with 8, and twice as fast as a window
 * partitioned on all columns; the hashes are kept (MATERIALIZED) rather than computed twice.
 */
function duplicateRowsSql(rawTable: string, columnCount: number): string {
  const all = Array.from({ length: columnCount }, (_, i) => columnRef(i)).join(', ');
  return `WITH hashed AS MATERIALIZED (SELECT rowid AS rid, hash(${all}) AS h FROM ${rawTable}),
    candidates AS (
      SELECT rid FROM hashed SEMI JOIN (SELECT h FROM hashed GROUP BY h HAVING count(*) > 1) r USING (h)
    )
    SELECT rowid + 1 AS source_row FROM ${rawTable} WHERE rowid IN (SELECT rid FROM candidates)
    QUALIFY row_number() OVER (PARTITION BY ${all} ORDER BY rowid) > 1`;
}

/**
 * One row per source row: typed customer id, purchase day, amount and order id, plus the reason the
 * row is excluded (NULL when it is used), the note on a used row that was netted or kept at zero,
 * and whether its customer id was rewritten. `source_row` is the 1-based data row of the source.
 */
export function buildTransactionsSql(o: TransactionsOptions): string {
  const m = o.mapping;
  const p = o.policy;
  if (!Number.isInteger(o.columnCount) || o.columnCount < 1)
    throw new Error(`Invalid column count ${o.columnCount}`);
  const idText = required(m.customerId, 'customer id');
  const matchCodes = m.product !== null && p.nonProductCodes.length > 0;
  const hasPrefixCodes = p.nonProductCodes.some((c) => c.endsWith('*'));
  const codes = `${o.policyTable}_codes`;
  // By name, not by position: inside the subqueries `#n` would mean a column of the codes table.
  const nonProduct = !matchCodes
    ? 'false'
    : `coalesce(product_key IN (SELECT code FROM ${codes} WHERE NOT is_prefix)${
        hasPrefixCodes
          ? ` OR EXISTS (SELECT 1 FROM ${codes} c WHERE c.is_prefix AND starts_with(product_key, c.code))`
          : ''
      }, false)`;
  const productKey =
    matchCodes && m.product !== null
      ? `lower(${trimmedTextExpr(columnRef(m.product))})`
      : 'CAST(NULL AS VARCHAR)';
  const cancelled =
    m.orderId === null
      ? 'false'
      : `coalesce(starts_with(order_id, (SELECT CASE WHEN cancel_applies THEN cancel_prefix END FROM ${o.policyTable})), false)`;
  const excludeReturns = p.returns === 'exclude' ? 'true' : 'false';
  const excludeZero = p.excludeZeroAmount ? 'true' : 'false';
  const duplicates = p.removeDuplicates
    ? `LEFT JOIN (${duplicateRowsSql(o.rawTable, o.columnCount)}) d USING (source_row)`
    : '';
  return `CREATE OR REPLACE TABLE ${o.outTable} AS
SELECT source_row, customer_id, day, amount, order_id, excluded_reason,
  CASE WHEN excluded_reason IS NULL THEN
    CASE WHEN amount < 0 AND cancelled THEN 'cancellation_netted'
         WHEN amount < 0 THEN 'return_netted'
         WHEN amount = 0 THEN 'zero_amount_kept' END END AS note,
  excluded_reason IS NULL AND customer_id <> id_text AS id_normalised
FROM (
  SELECT *,
    CASE WHEN customer_id IS NULL THEN 'missing_customer_id'
         WHEN day IS NULL THEN 'invalid_date'
         WHEN amount IS NULL THEN 'invalid_amount'
         WHEN duplicate THEN 'duplicate_row'
         WHEN non_product THEN 'non_product'
         WHEN cancelled AND (amount > 0 OR ${excludeReturns}) THEN 'cancelled_order'
         WHEN amount = 0 AND ${excludeZero} THEN 'zero_amount'
         WHEN amount < 0 AND ${excludeReturns} THEN 'return' END AS excluded_reason
  FROM (
    SELECT t.*, ${cancelled} AS cancelled, ${nonProduct} AS non_product,
      ${p.removeDuplicates ? 'd.source_row IS NOT NULL' : 'false'} AS duplicate
    FROM (
      SELECT rowid + 1 AS source_row,
        ${customerIdExpr(idText)} AS customer_id,
        ${idText} AS id_text,
        ${dayExpr(m, o.dateFamily, o.typed ?? [])} AS day,
        ${amountExpr(m, o.decimal, o.typed ?? [])} AS amount,
        ${orderIdExpr(m)} AS order_id,
        ${productKey} AS product_key
      FROM ${o.rawTable}
    ) t ${duplicates}
  )
)`;
}

/** The default as-of date: the day after the last valid order. */
export function defaultAsOfSql(txTable: string): string {
  return `SELECT strftime(max(day) + 1, '%Y-%m-%d') AS as_of FROM ${txTable} WHERE excluded_reason IS NULL`;
}
