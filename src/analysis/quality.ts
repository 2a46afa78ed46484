import { typedAsText, type TypedColumn } from '../ingest/typedRead';
import { amountSource, type ColumnMapping } from './mapping';
import { columnRef, constantLiteral } from './sql';
import { EXCLUSION_REASONS, NOTES } from './transactions';

/**
 * Every rule of the data-quality report, in the order the report lists them: how a file's lines
 * become rows (malformed lines), rows that could not be typed, rows the policy leaves out, rows it
 * keeps but treats specially, and rows the as-of date leaves out.
 */
export const QUALITY_RULES = [
  'malformed_row',
  ...EXCLUSION_REASONS,
  ...NOTES,
  'id_normalised',
  'id_masked',
  'cancel_prefix_ignored',
  'after_as_of',
] as const;
export type QualityRuleKey = (typeof QUALITY_RULES)[number];

/**
 * What a rule does to the analysis. `excluded`: the row is not used. `netted`: the amount counts
 * against the customer's spend, the row is not a purchase. `not_a_purchase`: kept at zero, so the
 * customer is seen but the row adds no order. `normalised`: used after its customer id was
 * rewritten. `masked`: used as written, but the id is partly hidden (138****5678), so customers whose
 * visible characters agree are one customer here. `not_applied`: a rule the data contradicts was left off. `after_as_of`: valid, but on or
 * after the as-of date.
 */
export type QualityEffect =
  | 'excluded'
  | 'netted'
  | 'not_a_purchase'
  | 'normalised'
  | 'masked'
  | 'not_applied'
  | 'after_as_of';

export const RULE_EFFECT: Record<QualityRuleKey, QualityEffect> = {
  malformed_row: 'excluded',
  missing_customer_id: 'excluded',
  invalid_date: 'excluded',
  invalid_amount: 'excluded',
  duplicate_row: 'excluded',
  non_product: 'excluded',
  cancelled_order: 'excluded',
  zero_amount: 'excluded',
  return: 'excluded',
  return_netted: 'netted',
  cancellation_netted: 'netted',
  zero_amount_kept: 'not_a_purchase',
  id_normalised: 'normalised',
  id_masked: 'masked',
  cancel_prefix_ignored: 'not_applied',
  after_as_of: 'after_as_of',
};

/**
 * Rules whose customers are not counted: rows without an id have none, and ids tidied or rows after
 * the as-of date can be most of the file (UCI exports write every id as 17850.0), where a distinct
 * count costs as much as typing the ids did.
 */
export const CUSTOMERS_NOT_COUNTED: readonly QualityRuleKey[] = [
  'missing_customer_id',
  'id_normalised',
  'after_as_of',
];

/** Examples per rule: enough to recognise the pattern, few enough to read. */
export const SAMPLES_PER_RULE = 5;

interface QualitySqlBase {
  txTable: string;
  rawTable: string;
  /** The CSV reader's rejected lines; they count among the rows read. */
  rejectsTable: string;
  mapping: ColumnMapping;
  samplesPerRule?: number;
  /**
   * Columns of `rawTable` the reader typed (then `rawTable` is the typed table): their text is
   * written for the samples only, not through the text view for every row.
   */
  typed?: readonly TypedColumn[];
}

export interface TypedQualityOptions extends QualitySqlBase {
  /** The policy's parameter table (`cancel_prefix`, `cancel_applies`), as typing used it. */
  policyTable: string;
}

export interface AsOfQualityOptions extends QualitySqlBase {
  /** The one-row table with the `as_of` DATE. */
  paramsTable: string;
}

/** Typed rows plus the lines the CSV reader rejected: the denominator of every share. */
export function rowsReadSql(txTable: string, rejectsTable: string): string {
  return `SELECT (SELECT count(*) FROM ${txTable}) + (SELECT count(DISTINCT line) FROM ${rejectsTable}) AS rows_read`;
}

/**
 * The mapped columns' source text, by position, and the sample columns built from them after the
 * join (so `quantity × price` is written for the samples only, not for every row of the file).
 */
function sourceText(
  mapping: ColumnMapping,
  typed: readonly TypedColumn[],
): { columns: string; samples: string } {
  const roles = [
    'customerId',
    'orderDate',
    'amount',
    'quantity',
    'unitPrice',
    'orderId',
    'product',
  ] as const;
  // Typed values are written as text after the join, for the samples only.
  const columns = roles
    .map((role) => {
      const i = mapping[role];
      return `${i === null ? 'CAST(NULL AS VARCHAR)' : columnRef(i)} AS ${role}_v`;
    })
    .join(', ');
  const text = (role: (typeof roles)[number]) => {
    const column = typed.find((c) => c.index === mapping[role]);
    return column ? typedAsText(`${role}_v`, column) : `${role}_v`;
  };
  const amount =
    amountSource(mapping) === 'amount'
      ? text('amount')
      : `concat_ws(' × ', ${text('quantity')}, ${text('unitPrice')})`;
  const samples = `${text('customerId')} AS customer_text, ${text('orderDate')} AS date_text, ${amount} AS amount_text,
    ${text('orderId')} AS order_text, ${text('product')} AS product_text`;
  return { columns, samples };
}

/**
 * One row per sample of every rule that fired (rule, rows, share of rows read, amount, customers,
 * then the sample's source row and text). `flagged` yields (rule, source_row, amount, customer_id),
 * the id NULL for CUSTOMERS_NOT_COUNTED; `min(source_row, n)` keeps the first rows per rule in the
 * same pass that counts them, so no rule's rows are sorted. The samples' text is fetched by joining
 * on the row id, which lets DuckDB skip the row groups outside the rows asked for. Malformed lines
 * have no typed row: their sample is the raw line.
 */
function reportSql(o: QualitySqlBase, flagged: string, withMalformed: boolean): string {
  const n = Math.max(1, Math.trunc(o.samplesPerRule ?? SAMPLES_PER_RULE));
  const text = sourceText(o.mapping, o.typed ?? []);
  const malformedStats = withMalformed
    ? `UNION ALL
  SELECT 'malformed_row', count(*), NULL, NULL, min(line, ${n}) FROM malformed HAVING count(*) > 0`
    : '';
  return `WITH flagged AS (
  ${flagged}
),
malformed AS (SELECT DISTINCT ON (line) line, error_type, csv_line FROM ${o.rejectsTable} ORDER BY line),
stats AS (
  SELECT rule, count(*) AS rows, CAST(sum(amount) AS DOUBLE) AS amount,
    CASE WHEN rule NOT IN (${CUSTOMERS_NOT_COUNTED.map(constantLiteral).join(', ')})
      THEN count(DISTINCT customer_id) END AS customers,
    min(source_row, ${n}) AS sample_rows
  FROM flagged GROUP BY rule
  ${malformedStats}
),
picked AS (SELECT rule, unnest(sample_rows) AS source_row FROM stats),
source AS (
  SELECT q.rule, q.source_row, ${text.samples}
  FROM (SELECT rowid AS rid, ${text.columns} FROM ${o.rawTable}) s
  JOIN (SELECT rule, source_row, source_row - 1 AS rid FROM picked WHERE rule <> 'malformed_row') q
    USING (rid)
)
SELECT s.rule, s.rows,
  s.rows / (${rowsReadSql(o.txTable, o.rejectsTable)}) AS share,
  s.amount, s.customers, p.source_row,
  src.customer_text, src.date_text, src.amount_text, src.order_text, src.product_text,
  CASE WHEN m.line IS NOT NULL THEN concat(m.error_type, ': ', m.csv_line) END AS raw_line
FROM stats s
JOIN picked p USING (rule)
LEFT JOIN source src ON src.rule = p.rule AND src.source_row = p.source_row
LEFT JOIN malformed m ON s.rule = 'malformed_row' AND m.line = p.source_row
ORDER BY s.rule, p.source_row`;
}

/**
 * The rules decided when rows are typed (they depend on the mapping and the policy, not on the
 * as-of date): exclusions, notes, normalised ids, a cancellation prefix left off, malformed lines.
 */
export function typedQualitySql(o: TypedQualityOptions): string {
  const tx = o.txTable;
  const flagged = `SELECT excluded_reason AS rule, source_row, amount, customer_id FROM ${tx} WHERE excluded_reason IS NOT NULL
  UNION ALL
  SELECT note, source_row, amount, customer_id FROM ${tx} WHERE note IS NOT NULL
  UNION ALL
  SELECT 'id_normalised', source_row, amount, NULL FROM ${tx} WHERE id_normalised
  UNION ALL
  SELECT 'id_masked', source_row, amount, customer_id FROM ${tx}
  WHERE excluded_reason IS NULL AND (contains(customer_id, '**') OR contains(customer_id, '＊＊'))
  UNION ALL
  SELECT 'cancel_prefix_ignored', source_row, amount, customer_id
  FROM ${tx}, ${o.policyTable} pol
  WHERE NOT pol.cancel_applies AND starts_with(${tx}.order_id, pol.cancel_prefix)`;
  return reportSql(o, flagged, true);
}

/** Valid rows on or after the as-of date: counted for each analysis, as the date can change. */
export function asOfQualitySql(o: AsOfQualityOptions): string {
  const flagged = `SELECT 'after_as_of' AS rule, source_row, amount, NULL AS customer_id
  FROM ${o.txTable}, ${o.paramsTable} params
  WHERE excluded_reason IS NULL AND day >= params.as_of`;
  return reportSql(o, flagged, false);
}
